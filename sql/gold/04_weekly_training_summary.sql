-- Per athlete and Monday week. A session is a workout; sets and reps exclude warmups.
CREATE OR REPLACE VIEW fitness.weekly_training_summary AS
SELECT w.athlete_id,
       date_trunc('week', w.training_date)::date                             AS week_start,
       count(DISTINCT w.workout_id)                                          AS training_sessions,
       count(s.set_id) FILTER (WHERE s.set_type <> 'warmup')                 AS total_sets,
       count(s.set_id) FILTER (WHERE s.set_type = 'failure')                 AS failure_sets,
       round(avg(s.reps) FILTER (WHERE s.set_type <> 'warmup'), 2)           AS avg_reps_per_set,
       round(sum(s.weight_kg * s.reps) FILTER (WHERE s.set_type <> 'warmup'), 2) AS volume_kg
FROM fitness.workouts w
LEFT JOIN fitness.workout_exercises we USING (workout_id)
LEFT JOIN fitness.sets s USING (workout_exercise_id)
GROUP BY w.athlete_id, date_trunc('week', w.training_date);
