-- One statement, several feeds: a statement carries the institution's document reference (unique when present),
-- and every (source, external id) that carried it is a link to it. Existing statements link to their own source.
-- Sources learn their rhythm (typical gap between new items) and are flagged quiet when they fall silent.

ALTER TABLE statements ADD COLUMN document_reference text NULL;
CREATE UNIQUE INDEX ux_statements_document_reference ON statements (document_reference) WHERE document_reference IS NOT NULL;

CREATE TABLE statement_links (
    source_id     text NOT NULL,
    external_id   text NOT NULL,
    statement_id  bigint NOT NULL REFERENCES statements (id),
    url           text NOT NULL,
    first_seen_at bigint NOT NULL,
    PRIMARY KEY (source_id, external_id)
);

CREATE INDEX ix_statement_links_statement ON statement_links (statement_id);

INSERT INTO statement_links (source_id, external_id, statement_id, url, first_seen_at)
SELECT source_id, external_id, id, url, first_seen_at FROM statements;

ALTER TABLE sources ADD COLUMN last_new_item_at bigint NULL;
ALTER TABLE sources ADD COLUMN typical_gap_ms bigint NULL;
ALTER TABLE sources ADD COLUMN quiet integer NOT NULL DEFAULT 0;
