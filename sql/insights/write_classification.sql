-- Replace fitness.activity_classification with the labels staged in classification_staging, in
-- the caller's transaction (lib/insights/store.py runs these statements in order, and skips a
-- write whose share of the diff is empty). Unchanged rows are not touched (a re-run with the
-- same inputs writes 0 rows); rows of activities no longer classified (type changed, label
-- removed) are deleted; a staged activity deleted meanwhile by a load is skipped.

-- name: diff
-- One pass over both tables decides every row (a hash full join, in memory under the caller's
-- work_mem): the three writes below then join this diff, empty on an unchanged re-run, instead
-- of each joining the 960,000 staged labels with the stored ones again.
CREATE TEMP TABLE classification_diff ON COMMIT DROP AS
SELECT coalesce(s.activity_id, c.activity_id) AS activity_id,
       CASE WHEN s.activity_id IS NULL THEN 'removed' WHEN c.activity_id IS NULL THEN 'added'
            ELSE 'changed' END AS change
FROM classification_staging s
FULL JOIN fitness.activity_classification c ON c.activity_id = s.activity_id
WHERE s.activity_id IS NULL OR c.activity_id IS NULL
   OR (c.label, c.confidence, c.method, c.model_version, c.reason)
      IS DISTINCT FROM (s.label, s.confidence, s.method, s.model_version, s.reason)

-- name: counts
SELECT count(*) FILTER (WHERE change = 'removed') AS removed,
       count(*) FILTER (WHERE change = 'changed') AS changed,
       count(*) FILTER (WHERE change = 'added') AS added
FROM classification_diff

-- name: removed
DELETE FROM fitness.activity_classification c
USING classification_diff d
WHERE d.change = 'removed' AND d.activity_id = c.activity_id

-- name: changed
UPDATE fitness.activity_classification c
SET label = s.label, confidence = s.confidence, method = s.method,
    model_version = s.model_version, reason = s.reason
FROM classification_diff d
JOIN classification_staging s ON s.activity_id = d.activity_id
WHERE d.change = 'changed' AND c.activity_id = d.activity_id

-- name: added
-- Joined with fitness.activities: an activity a load deleted since the classifier read it is
-- skipped (with the foreign key suspended for a bulk insert, nothing else would stop it).
INSERT INTO fitness.activity_classification (activity_id, label, confidence, method, model_version, reason)
SELECT s.activity_id, s.label, s.confidence, s.method, s.model_version, s.reason
FROM classification_diff d
JOIN classification_staging s ON s.activity_id = d.activity_id
JOIN fitness.activities a ON a.activity_id = d.activity_id
WHERE d.change = 'added'
