-- Sign-in sessions, so the server can end one: the cookie carries a random session id, and only its SHA-256 (hex) is
-- kept here. Every cookie request must find its row; sign-out deletes it, and a new password, role or disabled flag
-- deletes all of the user's rows (and a deleted user's go with them). last_seen_at is written at most once a minute.
CREATE TABLE sessions (
    id           text PRIMARY KEY,
    user_id      bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at   bigint NOT NULL,
    last_seen_at bigint NOT NULL
);
CREATE INDEX ix_sessions_user ON sessions (user_id);
