-- One row per set per day, every set type included (warmups are data; summaries exclude them).
-- Also the columns of the reference design's daily_exercises mart (issue 12), appended so the
-- earlier columns keep their places: workout_date, started_at, ended_at, set_id (this warehouse's
-- ids: workout_id, exercise_id, set_id), and the Hevy API's own ids where the source has them
-- (hevy_workout_id, exercise_template_id, hevy_set_id; NULL for a set loaded from a CSV export).
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
       we.block_index,
       w.training_date      AS workout_date,
       w.started_at,
       w.ended_at,
       s.set_id,
       w.hevy_workout_id,
       coalesce(we.exercise_template_id, e.exercise_template_id) AS exercise_template_id,
       s.hevy_set_id
FROM fitness.sets s
JOIN fitness.workout_exercises we USING (workout_exercise_id)
JOIN fitness.workouts w USING (workout_id)
JOIN fitness.exercises e ON e.exercise_id = we.exercise_id;
