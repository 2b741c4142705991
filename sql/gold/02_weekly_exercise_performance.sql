-- Per athlete, Monday week and exercise. Warmups excluded; cardio sets count as sets;
-- averages ignore missing values; figures round half away from zero to 2 decimals.
-- Exercises without a curated muscle group appear as 'Unmapped', never dropped.
CREATE OR REPLACE VIEW fitness.weekly_exercise_performance AS
SELECT w.athlete_id,
       date_trunc('week', w.training_date)::date              AS week_start,
       e.exercise_id,
       e.exercise_name,
       e.is_cardio,
       coalesce(g.muscle_group_name, 'Unmapped')               AS muscle_group,
       count(*)                                                AS total_sets,
       sum(s.reps)                                             AS total_reps,  -- NULL: no reps logged, not 0
       round(avg(s.reps), 2)                                   AS avg_reps,
       round(avg(s.weight_kg), 2)                              AS avg_weight_kg,
       round(max(s.weight_kg), 2)                              AS max_weight_kg,
       count(*) FILTER (WHERE s.set_type = 'failure')          AS failure_sets,
       count(DISTINCT w.workout_id)                            AS sessions_count
FROM fitness.sets s
JOIN fitness.workout_exercises we USING (workout_exercise_id)
JOIN fitness.workouts w USING (workout_id)
JOIN fitness.exercises e ON e.exercise_id = we.exercise_id
LEFT JOIN fitness.exercise_muscle_map m ON m.exercise_id = e.exercise_id
LEFT JOIN fitness.muscle_groups g ON g.muscle_group_id = m.muscle_group_id
WHERE s.set_type <> 'warmup'
GROUP BY w.athlete_id, date_trunc('week', w.training_date), e.exercise_id, e.exercise_name, e.is_cardio,
         g.muscle_group_name;
