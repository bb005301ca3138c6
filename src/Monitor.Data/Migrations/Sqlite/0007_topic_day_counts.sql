-- Topic charts over a date range: per topic and UTC day (current_sort_at / 86400000), how many statements carry the
-- topic in their current revision. It is exactly the count of the statement_topics rows with current_sort_at set,
-- kept so by the triggers below on every insert, update and delete of those rows (0006's triggers set
-- current_sort_at, so a new revision or a changed date moves the counts too).
CREATE TABLE topic_day_counts (
    topic_id   TEXT NOT NULL,
    day        INTEGER NOT NULL,
    statements INTEGER NOT NULL,
    PRIMARY KEY (topic_id, day)
) WITHOUT ROWID;

INSERT INTO topic_day_counts (topic_id, day, statements)
SELECT topic_id, current_sort_at / 86400000, COUNT(*)
FROM statement_topics WHERE current_sort_at IS NOT NULL
GROUP BY topic_id, current_sort_at / 86400000;

-- 0006's insert trigger sets current_sort_at with an UPDATE, which the update trigger below counts. It is recreated
-- here so that a row inserted with current_sort_at already set is counted first, in a fixed order.
DROP TRIGGER statement_topics_current;

CREATE TRIGGER statement_topics_current AFTER INSERT ON statement_topics BEGIN
    INSERT INTO topic_day_counts (topic_id, day, statements)
    SELECT new.topic_id, new.current_sort_at / 86400000, 1 WHERE new.current_sort_at IS NOT NULL
    ON CONFLICT (topic_id, day) DO UPDATE SET statements = statements + 1;
    UPDATE statement_topics SET current_sort_at = (
        SELECT CASE WHEN s.current_revision = new.revision THEN COALESCE(s.published_at, s.first_seen_at) END
        FROM statements s WHERE s.id = new.statement_id)
    WHERE statement_id = new.statement_id AND revision = new.revision AND topic_id = new.topic_id;
END;

CREATE TRIGGER statement_topics_day_counts_update AFTER UPDATE OF current_sort_at, topic_id ON statement_topics
    WHEN old.current_sort_at IS NOT new.current_sort_at OR old.topic_id IS NOT new.topic_id BEGIN
    UPDATE topic_day_counts SET statements = statements - 1
    WHERE old.current_sort_at IS NOT NULL AND topic_id = old.topic_id AND day = old.current_sort_at / 86400000;
    INSERT INTO topic_day_counts (topic_id, day, statements)
    SELECT new.topic_id, new.current_sort_at / 86400000, 1 WHERE new.current_sort_at IS NOT NULL
    ON CONFLICT (topic_id, day) DO UPDATE SET statements = statements + 1;
END;

CREATE TRIGGER statement_topics_day_counts_delete AFTER DELETE ON statement_topics WHEN old.current_sort_at IS NOT NULL BEGIN
    UPDATE topic_day_counts SET statements = statements - 1
    WHERE topic_id = old.topic_id AND day = old.current_sort_at / 86400000;
END;
