-- PostgreSQL's 0014 counts the daily topic roll-up per SQL statement. SQLite has only row triggers, and one writer at
-- a time, so no two transactions ever queue on a count row: its 0007 triggers stay. This script keeps the numbering
-- of both dialects in step.
SELECT 1;
