-- migrator: foreign_keys off
-- users.id was INTEGER PRIMARY KEY, which SQLite fills with the largest id + 1: deleting the newest user and creating
-- another handed out the same id, and whatever still named the deleted user (a cookie, an open hub connection) then
-- named the new one. AUTOINCREMENT never hands out an id twice. SQLite cannot add it to a table, so the table is
-- rebuilt (sqlite.org/lang_altertable.html, "other kinds of table schema changes"): the migrator runs this script
-- with foreign keys off, so dropping users cascades to nothing, and checks every reference before it commits.
CREATE TABLE users_new (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_name      text NOT NULL UNIQUE,
    display_name   text NOT NULL,
    email          text NULL,
    role           text NOT NULL CHECK (role IN ('viewer', 'analyst', 'admin')),
    password_hash  text NULL,
    external_id    text NULL UNIQUE,
    security_stamp text NOT NULL,
    disabled       integer NOT NULL DEFAULT 0,
    created_at     bigint NOT NULL,
    last_sign_in_at bigint NULL
);

INSERT INTO users_new (id, user_name, display_name, email, role, password_hash, external_id, security_stamp, disabled, created_at, last_sign_in_at)
SELECT id, user_name, display_name, email, role, password_hash, external_id, security_stamp, disabled, created_at, last_sign_in_at FROM users;

DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
