-- SQLite's users.id becomes AUTOINCREMENT in this version, so a deleted user's id is never handed out again.
-- PostgreSQL needs nothing: users.id is an identity column, whose sequence never goes back.
SELECT 1;
