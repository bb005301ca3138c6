-- The countries, organisations and people a statement's current revision names (docs/entities.md, issue 17): the
-- history's entity filter. Written by Persistence in the statement's own transaction; a new revision replaces them.
-- Statements stored before this migration have none until `monitor entities fill` (or their next revision).
CREATE TABLE statement_entities (
    statement_id bigint NOT NULL REFERENCES statements (id),
    entity_id    text NOT NULL,
    PRIMARY KEY (statement_id, entity_id)
);

-- The filter goes from an entity to its statements.
CREATE INDEX ix_statement_entities_entity ON statement_entities (entity_id, statement_id);
