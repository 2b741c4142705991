-- Rows held per athlete and dataset, for "nothing lost": read = loaded + quarantined.
SELECT w.athlete_id, 'workouts' AS dataset, count(*) AS rows_loaded
FROM fitness.sets s
JOIN fitness.workout_exercises we USING (workout_exercise_id)
JOIN fitness.workouts w USING (workout_id)
GROUP BY w.athlete_id
UNION ALL
SELECT athlete_id, 'diet', count(*)
FROM fitness.diet_daily
GROUP BY athlete_id
UNION ALL
SELECT athlete_id, 'activities', count(*)
FROM fitness.activities
GROUP BY athlete_id;
