-- Saved searches (issue 18): a user's named history query, kept as the query string of GET /api/statements (its
-- filters, q and sort), and followed as an Atom feed whose URL carries a secret token (only its SHA-256 is kept,
-- as for the alert feeds). Names are unique per user; a user's rows go with the user.
CREATE TABLE saved_searches (
    id              INTEGER PRIMARY KEY,
    user_id         bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text NOT NULL,
    query           text NOT NULL,
    feed_token_hash text NOT NULL UNIQUE,
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL,
    UNIQUE (user_id, name)
);
