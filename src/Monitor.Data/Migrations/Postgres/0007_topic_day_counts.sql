-- Topic charts over a date range: per topic and UTC day (current_sort_at / 86400000), how many statements carry the
-- topic in their current revision. It is exactly the count of the statement_topics rows with current_sort_at set,
-- kept so by the trigger below on every insert, update and delete of those rows (0006's triggers set
-- current_sort_at, so a new revision or a changed date moves the counts too). A 365-day chart reads 365 rows
-- instead of tens of thousands of topic rows.
CREATE TABLE topic_day_counts (
    topic_id   text NOT NULL,
    day        bigint NOT NULL,
    statements bigint NOT NULL,
    PRIMARY KEY (topic_id, day)
);

INSERT INTO topic_day_counts (topic_id, day, statements)
SELECT topic_id, current_sort_at / 86400000, COUNT(*)
FROM statement_topics WHERE current_sort_at IS NOT NULL
GROUP BY topic_id, current_sort_at / 86400000;

CREATE FUNCTION monitor_topic_day_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.current_sort_at IS NOT NULL THEN
        UPDATE topic_day_counts SET statements = statements - 1
        WHERE topic_id = OLD.topic_id AND day = OLD.current_sort_at / 86400000;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.current_sort_at IS NOT NULL THEN
        INSERT INTO topic_day_counts (topic_id, day, statements) VALUES (NEW.topic_id, NEW.current_sort_at / 86400000, 1)
        ON CONFLICT (topic_id, day) DO UPDATE SET statements = topic_day_counts.statements + 1;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER statement_topics_day_counts_insert AFTER INSERT ON statement_topics
    FOR EACH ROW EXECUTE FUNCTION monitor_topic_day_counts();

CREATE TRIGGER statement_topics_day_counts_update AFTER UPDATE ON statement_topics
    FOR EACH ROW WHEN (OLD.current_sort_at IS DISTINCT FROM NEW.current_sort_at OR OLD.topic_id IS DISTINCT FROM NEW.topic_id)
    EXECUTE FUNCTION monitor_topic_day_counts();

CREATE TRIGGER statement_topics_day_counts_delete AFTER DELETE ON statement_topics
    FOR EACH ROW EXECUTE FUNCTION monitor_topic_day_counts();
