-- Re-tagging: when the topic file changes, the Tagging worker re-tags every stored statement's current revision.
-- One row per topic-file version (baseline_version); checkpoint is the last statement id done, so a restarted
-- worker resumes after it; the lease (owner + expiry, Unix ms) lets one Tagging replica at a time do the work.
CREATE TABLE retag_runs (
    baseline_version text PRIMARY KEY,
    total            integer NOT NULL,
    done             integer NOT NULL DEFAULT 0,
    checkpoint       bigint NOT NULL DEFAULT 0,
    started_at       bigint NOT NULL,
    finished_at      bigint NULL,
    lease_owner      text NULL,
    lease_until      bigint NOT NULL DEFAULT 0
);

CREATE INDEX ix_statement_topics_baseline ON statement_topics (baseline_version);
