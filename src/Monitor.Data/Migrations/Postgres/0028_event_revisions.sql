-- Events follow their members' revisions (issue 17, docs/events.md#revisions-and-splits). A statement whose title, summary
-- or body changes after it was clustered is queued here by the trigger below, in the storing transaction; the clusterer
-- places it again with its new text, which can split its event.
CREATE TABLE event_revised (
    statement_id bigint PRIMARY KEY,
    revision     integer NOT NULL
);

-- Split history: part_id is a new event made of a part of from_id, cut off when statement_id was revised.
CREATE TABLE event_splits (
    part_id      bigint PRIMARY KEY,
    from_id      bigint NOT NULL,
    statement_id bigint NOT NULL,
    reason       text NOT NULL,
    split_at     bigint NOT NULL
);

CREATE INDEX ix_event_splits_from ON event_splits (from_id);

CREATE FUNCTION monitor_statement_revised_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM event_members WHERE statement_id = NEW.id) THEN
        INSERT INTO event_revised (statement_id, revision) VALUES (NEW.id, NEW.current_revision)
        ON CONFLICT (statement_id) DO UPDATE SET revision = excluded.revision;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER statements_revised_event AFTER UPDATE OF title, summary, body ON statements
    FOR EACH ROW WHEN (OLD.title IS DISTINCT FROM NEW.title OR OLD.summary IS DISTINCT FROM NEW.summary OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION monitor_statement_revised_event();

-- The clustering's live-first read (EventStore.NextAsync, EventReading.LiveFirst) looks for live statements after the
-- backlog; without this index it walked every backfilled statement in between (110-170 ms a page at a backlog of 200,000
-- on PostgreSQL, measured; 0.3 ms with it).
CREATE INDEX ix_statements_live ON statements (id) WHERE backfill_revision IS NULL;
