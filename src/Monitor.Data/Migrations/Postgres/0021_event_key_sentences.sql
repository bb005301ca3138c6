-- Each event member's key sentence (docs/events.md): of the lead sentences that make its vector, the one closest to its
-- event's centroid when it joined, as written. The event page shows them side by side per institution.
ALTER TABLE event_members ADD COLUMN key_sentence text NOT NULL DEFAULT '';

-- A merge re-points the events merged earlier into the merged one (UPDATE events ... WHERE merged_into = @Merged): without
-- an index that read every event (81 ms at 356,592 events, docs/events.md).
CREATE INDEX ix_events_merged_into ON events (merged_into) WHERE merged_into IS NOT NULL;
