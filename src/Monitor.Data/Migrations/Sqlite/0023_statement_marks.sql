-- Triage (issue 18): each signed-in user's read state, star and note on a statement (one row once the user marks it;
-- no row: unread, not starred), and their labels, one row per label so `label=x` is an index lookup.
CREATE TABLE statement_marks (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    statement_id bigint NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    read_at      bigint NULL,
    starred_at   bigint NULL,
    note         text NULL,
    updated_at   bigint NOT NULL,
    PRIMARY KEY (user_id, statement_id)
);
CREATE INDEX ix_statement_marks_starred ON statement_marks (user_id, statement_id) WHERE starred_at IS NOT NULL;
CREATE INDEX ix_statement_marks_statement ON statement_marks (statement_id);

CREATE TABLE statement_labels (
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    statement_id bigint NOT NULL REFERENCES statements (id) ON DELETE CASCADE,
    label        text NOT NULL,
    PRIMARY KEY (user_id, label, statement_id)
);
CREATE INDEX ix_statement_labels_statement ON statement_labels (user_id, statement_id);
