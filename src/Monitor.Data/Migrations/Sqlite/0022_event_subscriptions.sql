-- migrator: foreign_keys off
-- Kind 'event' (issue 17): once per event, when NATO and the EP have both spoken on it; its alerts are of kind 'event'.
-- SQLite cannot change a CHECK constraint, so subscriptions and alerts are rebuilt (sqlite.org/lang_altertable.html,
-- "other kinds of table schema changes"); the migrator runs this with foreign keys off and checks every reference
-- before it commits. Columns, order and indexes as before (0017).
CREATE TABLE subscriptions_new (
    id                 INTEGER PRIMARY KEY,
    user_id            bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name               text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('statements', 'spike', 'briefing', 'event')),
    enabled            integer NOT NULL DEFAULT 1,
    topics             text NOT NULL,
    topic_match        text NOT NULL CHECK (topic_match IN ('any', 'all')),
    sources            text NOT NULL,
    document_types     text NOT NULL,
    min_score          real NOT NULL,
    query              text NULL,
    drift_only         integer NOT NULL DEFAULT 0,
    spike_window_hours integer NULL,
    spike_factor       real NULL,
    quiet_start        text NULL,
    quiet_end          text NULL,
    time_zone          text NOT NULL,
    delivery           text NOT NULL CHECK (delivery IN ('immediate', 'hourly', 'daily')),
    digest_hour        integer NOT NULL,
    in_app             integer NOT NULL DEFAULT 1,
    email              integer NOT NULL DEFAULT 0,
    webhook_url        text NULL,
    webhook_format     text NOT NULL CHECK (webhook_format IN ('json', 'chat')),
    webhook_secret     text NULL,
    feed_token_hash    text NOT NULL UNIQUE,
    created_at         bigint NOT NULL,
    updated_at         bigint NOT NULL,
    include_history    integer NOT NULL DEFAULT 0
);
INSERT INTO subscriptions_new SELECT id, user_id, name, kind, enabled, topics, topic_match, sources, document_types, min_score, query,
    drift_only, spike_window_hours, spike_factor, quiet_start, quiet_end, time_zone, delivery, digest_hour, in_app, email, webhook_url,
    webhook_format, webhook_secret, feed_token_hash, created_at, updated_at, include_history FROM subscriptions;
DROP TABLE subscriptions;
ALTER TABLE subscriptions_new RENAME TO subscriptions;
CREATE INDEX ix_subscriptions_user ON subscriptions (user_id);

CREATE TABLE alerts_new (
    id              INTEGER PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dedupe_key      text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('statement', 'spike', 'briefing', 'event')),
    statement_id    bigint NULL,
    revision        integer NULL,
    topic_id        text NULL,
    title           text NOT NULL,
    url             text NOT NULL,
    matched_topics  text NOT NULL,
    detail          text NULL,
    triggered_at    bigint NOT NULL,
    read_at         bigint NULL,
    digest_due_at   bigint NULL,
    UNIQUE (subscription_id, dedupe_key)
);
INSERT INTO alerts_new SELECT id, subscription_id, user_id, dedupe_key, kind, statement_id, revision, topic_id, title, url, matched_topics,
    detail, triggered_at, read_at, digest_due_at FROM alerts;
DROP TABLE alerts;
ALTER TABLE alerts_new RENAME TO alerts;
CREATE INDEX ix_alerts_user ON alerts (user_id, id);
CREATE INDEX ix_alerts_subscription ON alerts (subscription_id, id);
CREATE INDEX ix_alerts_digest_due ON alerts (digest_due_at) WHERE digest_due_at IS NOT NULL;
