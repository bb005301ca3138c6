-- Each event member's key sentence (docs/events.md): of the lead sentences that make its vector, the one closest to its
-- event's centroid when it joined, as written. The event page shows them side by side per institution.
ALTER TABLE event_members ADD COLUMN key_sentence text NOT NULL DEFAULT '';
