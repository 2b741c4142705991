-- What this load is about to change, counted before 10_load.sql writes it, for the ingest
-- notification: per dataset the rows new, changed and removed, and the quarantined lines stored
-- for the first time. Each statement returns rows; none writes.

-- name: diet_days
-- changed_days (05_changes.sql) holds exactly the days the load writes or deletes.
SELECT count(*) FILTER (WHERE c.kind = 'diet' AND d.athlete_id IS NULL) AS new,
       count(*) FILTER (WHERE c.kind = 'diet' AND d.athlete_id IS NOT NULL) AS changed,
       count(*) FILTER (WHERE c.kind = 'diet_removed') AS removed
FROM changed_days c
LEFT JOIN fitness.diet_daily d ON (d.athlete_id, d.diet_date) = (c.athlete_id, c.day);

-- name: activities
-- The same rules as the `activities` and `removed_activities` statements of 10_load.sql.
SELECT (SELECT count(*) FROM stage_activities s
        WHERE NOT EXISTS (SELECT 1 FROM fitness.activities a
                          WHERE (a.athlete_id, a.source, a.source_workout_id)
                              = (s.athlete_id, s.source, s.source_workout_id))) AS new,
       (SELECT count(*) FROM stage_activities s
        JOIN fitness.activities a USING (athlete_id, source, source_workout_id)
        WHERE a.activity_hash IS DISTINCT FROM s.activity_hash) AS changed,
       (SELECT count(*) FROM fitness.activities a
        WHERE a.athlete_id IN (SELECT athlete_id FROM stage_snapshots WHERE dataset = 'activities')
          AND NOT EXISTS (SELECT 1 FROM stage_activities s
                          WHERE (s.athlete_id, s.source, s.source_workout_id)
                              = (a.athlete_id, a.source, a.source_workout_id))) AS removed;

-- name: quarantined_lines
-- Per export: lines with a quarantine row the warehouse does not hold yet (the `quarantine`
-- statement adds exactly those rows; a line is counted once whatever its number of rules).
SELECT s.source_sha256, count(DISTINCT s.line) AS lines
FROM stage_quarantine s
WHERE NOT EXISTS (SELECT 1 FROM fitness.quarantine q
                  WHERE (q.source_sha256, q.line, q.rule) = (s.source_sha256, s.line, s.rule))
GROUP BY s.source_sha256
ORDER BY s.source_sha256;
