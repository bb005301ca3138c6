-- What kind of document a statement is, its display HTML and its date as the source wrote it;
-- and the values it states for the briefing's baseline figures.

ALTER TABLE statements ADD COLUMN document_type text NOT NULL DEFAULT 'news';
ALTER TABLE statements ADD COLUMN body_html text NULL;
ALTER TABLE statements ADD COLUMN published_raw text NULL;

CREATE TABLE statement_figures (
    statement_id bigint NOT NULL,
    revision     integer NOT NULL,
    figure_id    text NOT NULL,
    value        REAL NOT NULL,
    baseline     REAL NOT NULL,
    drift        integer NOT NULL,
    evidence     text NOT NULL,
    field        text NOT NULL,
    evidence_start integer NOT NULL,
    PRIMARY KEY (statement_id, revision, figure_id, field, evidence_start),
    FOREIGN KEY (statement_id, revision) REFERENCES statement_revisions (statement_id, revision)
);
