-- History queries (/api/statements): one sort key, full-text search and the indexes behind the filters.
-- sort_at is the statement's date: published when the source said, else first seen. Keyset pages walk
-- (sort_at, id) newest first, so a page stays stable while new statements arrive.
ALTER TABLE statements ADD COLUMN sort_at bigint GENERATED ALWAYS AS (COALESCE(published_at, first_seen_at)) STORED;

-- The 'simple' configuration lower-cases and does not stem; unaccent folds diacritics. SQLite's FTS5 unicode61
-- tokenizer with remove_diacritics does the same, so both stores match the same words ("energie" finds "Énergie").
-- unaccent() is only STABLE (its dictionary is looked up by name); this wrapper names it fully, so it is immutable
-- and may feed a generated column. Queries go through the same function. Title weighs most, then summary, then body.
CREATE EXTENSION IF NOT EXISTS unaccent;

CREATE FUNCTION monitor_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    RETURN public.unaccent('public.unaccent'::regdictionary, $1);

ALTER TABLE statements ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', monitor_unaccent(title)), 'A') ||
    setweight(to_tsvector('simple', monitor_unaccent(summary)), 'B') ||
    setweight(to_tsvector('simple', monitor_unaccent(body)), 'C')) STORED;

CREATE INDEX ix_statements_sort ON statements (sort_at DESC, id DESC);
CREATE INDEX ix_statements_search ON statements USING gin (search);
CREATE INDEX ix_statements_source_sort ON statements (source_id, sort_at DESC, id DESC);

-- Topic filters and charts: the topics of a statement's revisions by topic, with the score to filter on.
CREATE INDEX ix_statement_topics_topic_score ON statement_topics (topic_id, statement_id, revision, score);
CREATE INDEX ix_statement_figures_drift ON statement_figures (statement_id, revision) WHERE drift = 1;

-- Topic pages and charts read statement_topics alone: current_sort_at is the statement's sort_at on the rows of its
-- current revision and NULL on older revisions' rows, kept so by the two triggers below. A one-topic page or a
-- topic chart is then a range scan of ix_statement_topics_current, however many statements there are.
ALTER TABLE statement_topics ADD COLUMN current_sort_at bigint NULL;

UPDATE statement_topics t SET current_sort_at = s.sort_at
FROM statements s WHERE s.id = t.statement_id AND s.current_revision = t.revision;

CREATE INDEX ix_statement_topics_current ON statement_topics (topic_id, current_sort_at DESC, statement_id DESC)
    INCLUDE (score) WHERE current_sort_at IS NOT NULL;

CREATE FUNCTION monitor_topic_row_current() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT CASE WHEN s.current_revision = NEW.revision THEN COALESCE(s.published_at, s.first_seen_at) END
    INTO NEW.current_sort_at FROM statements s WHERE s.id = NEW.statement_id;
    RETURN NEW;
END $$;

CREATE TRIGGER statement_topics_current BEFORE INSERT ON statement_topics
    FOR EACH ROW EXECUTE FUNCTION monitor_topic_row_current();

CREATE FUNCTION monitor_statement_topics_current() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE statement_topics
    SET current_sort_at = CASE WHEN revision = NEW.current_revision THEN COALESCE(NEW.published_at, NEW.first_seen_at) END
    WHERE statement_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER statements_topics_current AFTER UPDATE OF current_revision, published_at, first_seen_at ON statements
    FOR EACH ROW EXECUTE FUNCTION monitor_statement_topics_current();
