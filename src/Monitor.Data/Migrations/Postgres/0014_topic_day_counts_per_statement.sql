-- The daily topic roll-up (0007) is kept per SQL statement instead of per row: a batch of statements that inserts its
-- topic rows in one INSERT updates each (topic, day) count once, by the number of rows, in (topic, day) order. Per
-- row, a burst of same-day statements locked and rewrote the same few count rows once for every topic row. The counts
-- stay exact: every insert, update and delete of statement_topics is still counted, from its transition tables.
DROP TRIGGER statement_topics_day_counts_insert ON statement_topics;
DROP TRIGGER statement_topics_day_counts_update ON statement_topics;
DROP TRIGGER statement_topics_day_counts_delete ON statement_topics;
DROP FUNCTION monitor_topic_day_counts();

CREATE FUNCTION monitor_topic_day_counts_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO topic_day_counts (topic_id, day, statements)
    SELECT topic_id, current_sort_at / 86400000, COUNT(*) FROM new_rows WHERE current_sort_at IS NOT NULL
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (topic_id, day) DO UPDATE SET statements = topic_day_counts.statements + excluded.statements;
    RETURN NULL;
END $$;

CREATE FUNCTION monitor_topic_day_counts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO topic_day_counts (topic_id, day, statements)
    SELECT topic_id, day, SUM(n) FROM (
        SELECT topic_id, current_sort_at / 86400000 AS day, 1 AS n FROM new_rows WHERE current_sort_at IS NOT NULL
        UNION ALL
        SELECT topic_id, current_sort_at / 86400000, -1 FROM old_rows WHERE current_sort_at IS NOT NULL) AS delta
    GROUP BY 1, 2 HAVING SUM(n) <> 0 ORDER BY 1, 2
    ON CONFLICT (topic_id, day) DO UPDATE SET statements = topic_day_counts.statements + excluded.statements;
    RETURN NULL;
END $$;

CREATE FUNCTION monitor_topic_day_counts_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE topic_day_counts c SET statements = c.statements - d.n
    FROM (SELECT topic_id, current_sort_at / 86400000 AS day, COUNT(*) AS n FROM old_rows WHERE current_sort_at IS NOT NULL
          GROUP BY 1, 2 ORDER BY 1, 2) AS d
    WHERE c.topic_id = d.topic_id AND c.day = d.day;
    RETURN NULL;
END $$;

CREATE TRIGGER statement_topics_day_counts_insert AFTER INSERT ON statement_topics
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION monitor_topic_day_counts_added();

CREATE TRIGGER statement_topics_day_counts_update AFTER UPDATE ON statement_topics
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION monitor_topic_day_counts_changed();

CREATE TRIGGER statement_topics_day_counts_delete AFTER DELETE ON statement_topics
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION monitor_topic_day_counts_removed();
