-- Backfills: one walk through a source's archive back to a date, resumable from its checkpoint (the next page's URL)
-- after a restart or a kill. At most one unfinished backfill per source. Counters are totals over every run.
CREATE TABLE backfill_jobs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id        text NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    since_day        text NOT NULL,
    until_day        text NOT NULL,
    state            text NOT NULL,
    next_url         text NULL,
    pages            integer NOT NULL DEFAULT 0,
    items_found      bigint NOT NULL DEFAULT 0,
    items_published  bigint NOT NULL DEFAULT 0,
    failures         integer NOT NULL DEFAULT 0,
    last_error       text NULL,
    created_at       bigint NOT NULL,
    updated_at       bigint NOT NULL,
    finished_at      bigint NULL,
    run_ms           bigint NOT NULL DEFAULT 0,
    reached_at       bigint NULL,
    not_before       bigint NOT NULL DEFAULT 0,
    lease_owner      text NULL,
    lease_until      bigint NULL
);
CREATE UNIQUE INDEX ux_backfill_jobs_active ON backfill_jobs (source_id) WHERE state IN ('running', 'paused');
CREATE INDEX ix_backfill_jobs_runnable ON backfill_jobs (not_before) WHERE state = 'running';

-- A subscription that asks for history also matches backfilled statements (by default they raise no alerts).
ALTER TABLE subscriptions ADD COLUMN include_history integer NOT NULL DEFAULT 0;

-- A statement stored by a backfill: the revision the backfill stored (the live view's catch-up leaves it out while it
-- is still that revision: history, not news) and the version of the tagger that tagged it, until the background
-- refinement re-tags it with the live tagger (NULL once refined, or when the backfill used the live tagger).
ALTER TABLE statements ADD COLUMN backfill_revision integer NULL;
ALTER TABLE statements ADD COLUMN backfill_tags text NULL;
CREATE INDEX ix_statements_backfill_tags ON statements (id) WHERE backfill_tags IS NOT NULL;
