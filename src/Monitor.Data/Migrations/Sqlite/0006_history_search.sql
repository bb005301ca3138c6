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
