-- One row per set per day, every set type included (warmups are data; summaries exclude them).
CREATE OR REPLACE VIEW fitness.daily_exercises AS
SELECT w.athlete_id,
       w.training_date,
       e.exercise_id,
       e.exercise_name,
       s.weight_kg,
       s.reps,
       s.set_order + 1      AS set_number,
       s.set_type,
       s.rpe,
       s.distance_km,
       s.duration_seconds,
       w.workout_id,
       w.title              AS workout_title,
       w.started_at         AS workout_started_at,
       we.block_index
FROM fitness.sets s
JOIN fitness.workout_exercises we USING (workout_exercise_id)
JOIN fitness.workouts w USING (workout_id)
JOIN fitness.exercises e ON e.exercise_id = we.exercise_id;
