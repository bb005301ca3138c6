-- Which configured sources (Monitor's defaults and Ingestion:Sources) have been put into `sources` once.
-- Seeding adds a source only the first time it is configured: one the user removed stays removed, one the user
-- paused stays paused, after any restart. A source is managed in `sources` (enabled = not paused) from then on.
CREATE TABLE source_seeds (
    id        text PRIMARY KEY,
    seeded_at bigint NOT NULL
);
