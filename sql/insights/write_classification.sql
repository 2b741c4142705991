-- Replace fitness.activity_classification with the staged labels, set-based, in the caller's
-- transaction. Unchanged rows are not touched (a re-run with the same inputs writes 0 rows);
-- rows of activities no longer classified (type changed, label removed) are deleted; a staged
-- activity deleted meanwhile by a load is skipped. The three statements touch disjoint rows
-- (all see the same snapshot): a plain UPDATE of changed labels and a plain INSERT of new ones,
-- cheaper than one INSERT … ON CONFLICT, which inserts speculatively and locks every conflict.
WITH removed AS (
    DELETE FROM fitness.activity_classification c
    WHERE NOT EXISTS (SELECT 1 FROM classification_staging s WHERE s.activity_id = c.activity_id)
    RETURNING 1
), changed AS (
    UPDATE fitness.activity_classification c
    SET label = s.label, confidence = s.confidence, method = s.method,
        model_version = s.model_version, reason = s.reason
    FROM classification_staging s
    WHERE s.activity_id = c.activity_id
      AND (c.label, c.confidence, c.method, c.model_version, c.reason)
          IS DISTINCT FROM (s.label, s.confidence, s.method, s.model_version, s.reason)
    RETURNING 1
), added AS (
    INSERT INTO fitness.activity_classification (activity_id, label, confidence, method, model_version, reason)
    SELECT s.activity_id, s.label, s.confidence, s.method, s.model_version, s.reason
    FROM classification_staging s
    JOIN fitness.activities a ON a.activity_id = s.activity_id
    WHERE NOT EXISTS (SELECT 1 FROM fitness.activity_classification kept WHERE kept.activity_id = s.activity_id)
    RETURNING 1
)
SELECT (SELECT count(*) FROM changed) + (SELECT count(*) FROM added) AS written,
       (SELECT count(*) FROM removed) AS removed;
