-- Timestamps are Unix epoch milliseconds (UTC) on both dialects: the stores run the same SQL on each.

CREATE TABLE sources (
    id                    text PRIMARY KEY,
    name                  text NOT NULL,
    url                   text NOT NULL,
    adapter               text NOT NULL,
    poll_interval_seconds integer NOT NULL,
    enabled               integer NOT NULL DEFAULT 1,
    next_poll_at          bigint NOT NULL DEFAULT 0,
    last_polled_at        bigint NULL,
    last_success_at       bigint NULL,
    last_error            text NULL,
    consecutive_failures  integer NOT NULL DEFAULT 0,
    health                text NOT NULL DEFAULT 'Unknown',
    etag                  text NULL,
    last_modified         text NULL
);

-- What Ingestion has already published, so an unchanged item is never published again.
CREATE TABLE discovered_items (
    source_id     text NOT NULL,
    external_id   text NOT NULL,
    content_hash  text NOT NULL,
    discovered_at bigint NOT NULL,
    PRIMARY KEY (source_id, external_id)
);

CREATE TABLE statements (
    id               INTEGER PRIMARY KEY,
    source_id        text NOT NULL,
    external_id      text NOT NULL,
    url              text NOT NULL,
    title            text NOT NULL,
    summary          text NOT NULL,
    body             text NOT NULL,
    language         text NULL,
    published_at     bigint NULL,
    first_seen_at    bigint NOT NULL,
    updated_at       bigint NOT NULL,
    current_revision integer NOT NULL,
    content_hash     text NOT NULL,
    UNIQUE (source_id, external_id)
);

CREATE INDEX ix_statements_latest ON statements (updated_at DESC, id DESC);

CREATE TABLE statement_revisions (
    statement_id  bigint NOT NULL REFERENCES statements (id),
    revision      integer NOT NULL,
    content_hash  text NOT NULL,
    title         text NOT NULL,
    summary       text NOT NULL,
    body          text NOT NULL,
    published_at  bigint NULL,
    discovered_at bigint NOT NULL,
    stored_at     bigint NOT NULL,
    PRIMARY KEY (statement_id, revision),
    UNIQUE (statement_id, content_hash)
);

CREATE TABLE statement_topics (
    statement_id     bigint NOT NULL,
    revision         integer NOT NULL,
    topic_id         text NOT NULL,
    score            REAL NOT NULL,
    evidence         text NOT NULL,
    baseline_version text NOT NULL,
    PRIMARY KEY (statement_id, revision, topic_id),
    FOREIGN KEY (statement_id, revision) REFERENCES statement_revisions (statement_id, revision)
);

CREATE INDEX ix_statement_topics_topic ON statement_topics (topic_id, statement_id);

-- Events written in the same transaction as the change they announce, relayed to the broker after commit.
CREATE TABLE outbox (
    id           INTEGER PRIMARY KEY,
    message_id   text NOT NULL UNIQUE,
    message_type text NOT NULL,
    payload      text NOT NULL,
    created_at   bigint NOT NULL,
    locked_until bigint NULL
);

CREATE TABLE alerts (
    id             INTEGER PRIMARY KEY,
    rule_id        text NOT NULL,
    statement_id   bigint NOT NULL,
    revision       integer NOT NULL,
    matched_topics text NOT NULL,
    triggered_at   bigint NOT NULL,
    UNIQUE (rule_id, statement_id, revision)
);
