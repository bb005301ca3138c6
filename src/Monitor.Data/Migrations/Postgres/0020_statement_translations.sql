-- Language versions of a statement (issue 17, docs/sources.md#languages). The EP publishes each press release in up to
-- 24 languages; the English version is the statement (tagging and clustering read it), every other language version is
-- a row here, never a revision and never a statement of its own. A statement known only in another language keeps that
-- text, is marked untagged with the reason (untagged_reason), and has its own language here too, so it stays reachable
-- when the English version arrives and becomes the statement's text.
CREATE TABLE statement_translations (
    statement_id bigint NOT NULL REFERENCES statements (id),
    language     text NOT NULL,
    url          text NOT NULL,
    title        text NOT NULL,
    summary      text NOT NULL,
    content_hash text NOT NULL,
    stored_at    bigint NOT NULL,
    PRIMARY KEY (statement_id, language)
);

-- Why the statement carries no topics when it was not tagged on purpose ("no English version; Monitor tags English
-- text only"); null for a statement that was tagged (with or without topics).
ALTER TABLE statements ADD COLUMN untagged_reason text NULL;
