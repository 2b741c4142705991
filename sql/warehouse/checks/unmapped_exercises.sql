-- Exercises with neither a Hevy exercise template nor a curated muscle group (they count under 'Unmapped' in the views).
SELECT e.exercise_name, count(DISTINCT we.workout_id) AS workouts, count(s.set_id) AS sets
FROM fitness.exercises e
LEFT JOIN fitness.exercise_muscle_map m USING (exercise_id)
LEFT JOIN fitness.workout_exercises we USING (exercise_id)
LEFT JOIN fitness.sets s USING (workout_exercise_id)
WHERE m.exercise_id IS NULL OR NOT m.is_curated
GROUP BY e.exercise_name
ORDER BY e.exercise_name;
