-- migrator: foreign_keys off
-- Two more ways out for alerts (issue 18): ntfy (a POST to a topic URL, optionally with an access token) and a
-- Telegram bot (sendMessage to a chat). The token and the bot token are secrets kept as the webhook secret is (they are
-- needed to send) and never returned by the API. The subscriptions' columns are added (ALTER TABLE keeps the columns
-- other migrations add); deliveries is rebuilt, as SQLite cannot change its channel CHECK (columns, order and indexes
-- as before: 0008 and 0015).
ALTER TABLE subscriptions ADD COLUMN ntfy_url text NULL;
ALTER TABLE subscriptions ADD COLUMN ntfy_token text NULL;
ALTER TABLE subscriptions ADD COLUMN ntfy_priority integer NOT NULL DEFAULT 3 CHECK (ntfy_priority BETWEEN 1 AND 5);
ALTER TABLE subscriptions ADD COLUMN ntfy_tags text NOT NULL DEFAULT '[]';
ALTER TABLE subscriptions ADD COLUMN telegram_chat_id text NULL;
ALTER TABLE subscriptions ADD COLUMN telegram_bot_token text NULL;
ALTER TABLE subscriptions ADD COLUMN telegram_parse_mode text NOT NULL DEFAULT 'HTML' CHECK (telegram_parse_mode IN ('HTML', 'MarkdownV2'));

CREATE TABLE deliveries_new (
    id              INTEGER PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('webhook', 'email', 'ntfy', 'telegram')),
    alert_ids       text NOT NULL,
    state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    lease_until     bigint NULL,
    last_status     integer NULL,
    last_error      text NULL,
    created_at      bigint NOT NULL,
    delivered_at    bigint NULL,
    trace_parent    TEXT NULL
);
INSERT INTO deliveries_new SELECT id, subscription_id, channel, alert_ids, state, attempts, next_attempt_at, lease_until, last_status,
    last_error, created_at, delivered_at, trace_parent FROM deliveries;
DROP TABLE deliveries;
ALTER TABLE deliveries_new RENAME TO deliveries;
CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id);
