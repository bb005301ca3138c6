-- Accounts, subscriptions and the alerts they raise (issue 7). Replaces 0001's alerts table of configured rules.
-- Timestamps are Unix epoch milliseconds (UTC); lists (topics, sources, document types, alert ids) are JSON arrays.

DROP TABLE alerts;

-- Local and OpenID Connect users. user_name is stored lower-case; a user with no password_hash signs in only
-- through OpenID Connect (external_id = issuer + '|' + subject). security_stamp changes with the password, the role
-- or the disabled flag, and a cookie carrying an older stamp is refused.
CREATE TABLE users (
    id             INTEGER PRIMARY KEY,
    user_name      text NOT NULL UNIQUE,
    display_name   text NOT NULL,
    email          text NULL,
    role           text NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash  text NULL,
    external_id    text NULL UNIQUE,
    security_stamp text NOT NULL,
    disabled       integer NOT NULL DEFAULT 0,
    created_at     bigint NOT NULL,
    last_sign_in_at bigint NULL
);

-- Tokens for scripts: only the SHA-256 of the token is kept; prefix (its first characters) lets a user tell them apart.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         text NOT NULL,
    prefix       text NOT NULL,
    token_hash   text NOT NULL UNIQUE,
    created_at   bigint NOT NULL,
    expires_at   bigint NULL,
    last_used_at bigint NULL
);
CREATE INDEX ix_api_tokens_user ON api_tokens (user_id);

-- A user's alert rule. kind 'statements' matches each stored statement; kind 'spike' watches a topic's volume over
-- the last spike_window_hours against its usual rate times spike_factor. Channels: the in-app inbox push (in_app),
-- email to the user's address, a webhook (json, or chat: the {"text"} payload Slack, Teams and Mattermost accept),
-- and an Atom feed whose URL carries a secret token (only its SHA-256 is kept). Quiet hours (local 'HH:mm' in
-- time_zone) hold email and webhook deliveries until they end; delivery 'hourly' or 'daily' (at digest_hour local
-- time) batches them into one digest.
CREATE TABLE subscriptions (
    id                 INTEGER PRIMARY KEY,
    user_id            bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name               text NOT NULL,
    kind               text NOT NULL CHECK (kind IN ('statements', 'spike')),
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
    updated_at         bigint NOT NULL
);
CREATE INDEX ix_subscriptions_user ON subscriptions (user_id);

-- One alert per subscription and dedupe_key ('statement:<id>' for a statement, 'spike:<topic>:<window start>' for a
-- spike), so a redelivered StatementStored never alerts twice. digest_due_at is set while the alert waits for its
-- subscription's digest. read_at marks it read in the owner's inbox.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dedupe_key      text NOT NULL,
    kind            text NOT NULL CHECK (kind IN ('statement', 'spike')),
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
CREATE INDEX ix_alerts_user ON alerts (user_id, id);
CREATE INDEX ix_alerts_subscription ON alerts (subscription_id, id);
CREATE INDEX ix_alerts_digest_due ON alerts (digest_due_at) WHERE digest_due_at IS NOT NULL;

-- Email and webhook sends, one row per channel and alert (or digest of alerts). pending rows are claimed with a
-- lease, retried with exponential backoff, and end 'delivered' or 'dead' (the owner can see and replay dead ones).
CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id bigint NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    channel         text NOT NULL CHECK (channel IN ('webhook', 'email')),
    alert_ids       text NOT NULL,
    state           text NOT NULL CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at bigint NOT NULL,
    lease_until     bigint NULL,
    last_status     integer NULL,
    last_error      text NULL,
    created_at      bigint NOT NULL,
    delivered_at    bigint NULL
);
CREATE INDEX ix_deliveries_due ON deliveries (next_attempt_at) WHERE state = 'pending';
CREATE INDEX ix_deliveries_subscription ON deliveries (subscription_id, id);
