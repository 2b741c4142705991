-- Replace fitness.activity_classification with the staged labels, set-based, in the caller's
-- transaction. Unchanged rows are not touched (a re-run with the same inputs writes 0 rows);
-- rows of activities no longer classified (type changed, label removed) are deleted; a staged
-- activity deleted meanwhile by a load is skipped. The two statements touch disjoint rows.
-- Staged labels equal to the stored ones are left out before the upsert: ON CONFLICT locks (writes)
-- every conflicting row even when its WHERE then skips the update.
WITH removed AS (
    DELETE FROM fitness.activity_classification c
    WHERE NOT EXISTS (SELECT 1 FROM classification_staging s WHERE s.activity_id = c.activity_id)
    RETURNING 1
), written AS (
    INSERT INTO fitness.activity_classification AS c
        (activity_id, label, confidence, method, model_version, reason)
    SELECT s.activity_id, s.label, s.confidence, s.method, s.model_version, s.reason
    FROM classification_staging s
    JOIN fitness.activities a ON a.activity_id = s.activity_id
    WHERE NOT EXISTS (SELECT 1 FROM fitness.activity_classification kept
                      WHERE kept.activity_id = s.activity_id
                        AND (kept.label, kept.confidence, kept.method, kept.model_version, kept.reason)
                            IS NOT DISTINCT FROM (s.label, s.confidence, s.method, s.model_version, s.reason))
    ON CONFLICT (activity_id) DO UPDATE
        SET label = excluded.label, confidence = excluded.confidence, method = excluded.method,
            model_version = excluded.model_version, reason = excluded.reason
        WHERE (c.label, c.confidence, c.method, c.model_version, c.reason)
              IS DISTINCT FROM (excluded.label, excluded.confidence, excluded.method,
                                excluded.model_version, excluded.reason)
    RETURNING 1
)
SELECT (SELECT count(*) FROM written) AS written, (SELECT count(*) FROM removed) AS removed;
