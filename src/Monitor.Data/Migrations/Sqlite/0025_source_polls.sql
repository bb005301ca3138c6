-- The poll history of each source (issue 18): one row per poll, its outcome, how many items the feed held and how many
-- were new or changed, the error of a failed poll, and how long it took. Bounded: the writer keeps the newest
-- SourcePollLog.Keep rows per source. Removing a source removes its history.
CREATE TABLE source_polls (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    source_id   text NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    polled_at   bigint NOT NULL,
    outcome     text NOT NULL CHECK (outcome IN ('success', 'not_modified', 'failure')),
    items       integer NOT NULL DEFAULT 0,
    new_items   integer NOT NULL DEFAULT 0,
    error       text NULL,
    duration_ms bigint NOT NULL
);

CREATE INDEX source_polls_by_source ON source_polls (source_id, id DESC);
