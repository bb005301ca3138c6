-- History queries (/api/statements): one sort key, full-text search and the indexes behind the filters.
-- sort_at is the statement's date: published when the source said, else first seen. Keyset pages walk
-- (sort_at, id) newest first, so a page stays stable while new statements arrive.
ALTER TABLE statements ADD COLUMN sort_at bigint GENERATED ALWAYS AS (COALESCE(published_at, first_seen_at)) VIRTUAL;

CREATE INDEX ix_statements_sort ON statements (sort_at DESC, id DESC);
CREATE INDEX ix_statements_source_sort ON statements (source_id, sort_at DESC, id DESC);
CREATE INDEX ix_statement_topics_topic_score ON statement_topics (topic_id, statement_id, revision, score);
CREATE INDEX ix_statement_figures_drift ON statement_figures (statement_id, revision) WHERE drift = 1;

-- Full text: an external-content FTS5 index over the statement's current text, kept in step by triggers.
-- unicode61 lower-cases, folds diacritics and does not stem, like PostgreSQL's 'simple' configuration.
CREATE VIRTUAL TABLE statements_fts USING fts5(
    title, summary, body, content = 'statements', content_rowid = 'id', tokenize = 'unicode61 remove_diacritics 2');

INSERT INTO statements_fts (statements_fts) VALUES ('rebuild');

CREATE TRIGGER statements_fts_insert AFTER INSERT ON statements BEGIN
    INSERT INTO statements_fts (rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
END;

CREATE TRIGGER statements_fts_delete AFTER DELETE ON statements BEGIN
    INSERT INTO statements_fts (statements_fts, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, old.body);
END;

CREATE TRIGGER statements_fts_update AFTER UPDATE OF title, summary, body ON statements BEGIN
    INSERT INTO statements_fts (statements_fts, rowid, title, summary, body) VALUES ('delete', old.id, old.title, old.summary, old.body);
    INSERT INTO statements_fts (rowid, title, summary, body) VALUES (new.id, new.title, new.summary, new.body);
END;

-- Topic pages and charts read statement_topics alone: current_sort_at is the statement's sort_at on the rows of its
-- current revision and NULL on older revisions' rows, kept so by the two triggers below.
ALTER TABLE statement_topics ADD COLUMN current_sort_at bigint NULL;

UPDATE statement_topics SET current_sort_at = (
    SELECT COALESCE(s.published_at, s.first_seen_at) FROM statements s
    WHERE s.id = statement_topics.statement_id AND s.current_revision = statement_topics.revision);

CREATE INDEX ix_statement_topics_current ON statement_topics (topic_id, current_sort_at DESC, statement_id DESC, score)
    WHERE current_sort_at IS NOT NULL;

CREATE TRIGGER statement_topics_current AFTER INSERT ON statement_topics BEGIN
    UPDATE statement_topics SET current_sort_at = (
        SELECT CASE WHEN s.current_revision = new.revision THEN COALESCE(s.published_at, s.first_seen_at) END
        FROM statements s WHERE s.id = new.statement_id)
    WHERE statement_id = new.statement_id AND revision = new.revision AND topic_id = new.topic_id;
END;

CREATE TRIGGER statements_topics_current AFTER UPDATE OF current_revision, published_at, first_seen_at ON statements BEGIN
    UPDATE statement_topics
    SET current_sort_at = CASE WHEN revision = new.current_revision THEN COALESCE(new.published_at, new.first_seen_at) END
    WHERE statement_id = new.id;
END;
