-- Events (issue 17, docs/events.md): statements on the same story, grouped by the Tagging worker's EventClusterService.
-- Days are DateOnly day numbers (days since 0001-01-01); timestamps Unix epoch milliseconds, as everywhere.
-- An event merged into another keeps its row with merged_into set, so a link to it still finds the kept event.
CREATE TABLE events (
    id           bigint PRIMARY KEY,
    first_day    integer NOT NULL,
    last_day     integer NOT NULL,
    title        text NOT NULL,
    institutions text NOT NULL,
    members      integer NOT NULL,
    nato_members integer NOT NULL,
    ep_members   integer NOT NULL,
    created_at   bigint NOT NULL,
    updated_at   bigint NOT NULL,
    merged_into  bigint NULL
);

CREATE INDEX ix_events_latest ON events (last_day DESC, id DESC) WHERE merged_into IS NULL;

-- One row per clustered statement: its event, why, and what the clusterer needs to rebuild the event after a restart
-- (the statement's vector as little-endian float32, its topics and references, space-separated).
CREATE TABLE event_members (
    statement_id bigint PRIMARY KEY REFERENCES statements (id),
    event_id     bigint NOT NULL REFERENCES events (id),
    day          integer NOT NULL,
    institution  text NOT NULL,
    reason       text NOT NULL,
    joined_at    bigint NOT NULL,
    vector       blob NOT NULL,
    topics       text NOT NULL,
    refs         text NOT NULL
);

CREATE INDEX ix_event_members_event ON event_members (event_id, day, statement_id);
CREATE INDEX ix_event_members_day ON event_members (day, event_id);

-- Statements the clusterer could not place (neither title nor text), so they are not read again.
CREATE TABLE event_skipped (
    statement_id bigint PRIMARY KEY REFERENCES statements (id),
    reason       text NOT NULL
);

-- Merge history: merged_id was merged into kept_id when statement_id bridged them.
CREATE TABLE event_merges (
    merged_id    bigint PRIMARY KEY,
    kept_id      bigint NOT NULL,
    statement_id bigint NOT NULL,
    reason       text NOT NULL,
    merged_at    bigint NOT NULL
);

CREATE INDEX ix_event_merges_kept ON event_merges (kept_id);

-- The clustering checkpoint (last statement id read) and the lease that lets one Tagging replica at a time cluster;
-- lease_epoch grows each time the lease changes hands, so a replica that got it back knows its memory is stale.
CREATE TABLE event_clustering (
    id          integer PRIMARY KEY,
    checkpoint  bigint NOT NULL,
    lease_owner text NULL,
    lease_until bigint NOT NULL,
    lease_epoch bigint NOT NULL,
    updated_at  bigint NOT NULL
);

INSERT INTO event_clustering (id, checkpoint, lease_owner, lease_until, lease_epoch, updated_at) VALUES (1, 0, NULL, 0, 0, 0);
