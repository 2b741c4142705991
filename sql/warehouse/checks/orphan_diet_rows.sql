-- Diet rows whose athlete or cycle is missing (see orphan_training_rows.sql).
SELECT 'diet_daily' AS table_name, d.athlete_id || ' ' || d.diet_date AS row_id, d.source_line AS line,
       'athlete ' || d.athlete_id || ' does not exist' AS problem
FROM fitness.diet_daily d
LEFT JOIN fitness.athletes a USING (athlete_id)
WHERE a.athlete_id IS NULL
UNION ALL
SELECT 'diet_daily', d.athlete_id || ' ' || d.diet_date, d.source_line,
       'cycle ' || d.cycle_id || ' does not exist'
FROM fitness.diet_daily d
LEFT JOIN fitness.cycles c USING (athlete_id, cycle_id)
WHERE d.cycle_id IS NOT NULL AND c.cycle_id IS NULL
ORDER BY 1, 2;
