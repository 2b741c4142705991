-- Training rows whose parent row is missing. Foreign keys make this impossible through the
-- loader; the check guards against manual edits and loader bugs all the same.
SELECT 'sets' AS table_name, s.set_id::text AS row_id, s.source_line AS line,
       'workout_exercise_id ' || s.workout_exercise_id || ' does not exist' AS problem
FROM fitness.sets s
LEFT JOIN fitness.workout_exercises we USING (workout_exercise_id)
WHERE we.workout_exercise_id IS NULL
UNION ALL
SELECT 'workout_exercises', we.workout_exercise_id::text, NULL,
       'workout_id ' || we.workout_id || ' does not exist'
FROM fitness.workout_exercises we
LEFT JOIN fitness.workouts w USING (workout_id)
WHERE w.workout_id IS NULL
UNION ALL
SELECT 'workout_exercises', we.workout_exercise_id::text, NULL,
       'exercise_id ' || we.exercise_id || ' does not exist'
FROM fitness.workout_exercises we
LEFT JOIN fitness.exercises e USING (exercise_id)
WHERE e.exercise_id IS NULL
UNION ALL
SELECT 'workouts', w.workout_id::text, NULL, 'athlete ' || w.athlete_id || ' does not exist'
FROM fitness.workouts w
LEFT JOIN fitness.athletes a USING (athlete_id)
WHERE a.athlete_id IS NULL
ORDER BY 1, 2;
