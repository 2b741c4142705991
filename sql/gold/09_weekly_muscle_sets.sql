-- Working sets per muscle group, athlete and Monday week, each set counted for every muscle it
-- works with its weight in fitness.exercise_muscle_weights: a Hevy exercise template's primary
-- muscle group 1.0, each secondary 0.5; an exercise no template covers, its curated group (or
-- 'Unmapped') 1.0 — the "sets per muscle" of the hypertrophy literature. Warmups are not working
-- sets. sets: the working sets that touch the group at all.
CREATE OR REPLACE VIEW fitness.weekly_muscle_sets AS
SELECT w.athlete_id,
       date_trunc('week', w.training_date)::date AS week_start,
       g.muscle_group_name                       AS muscle_group,
       sum(mw.weight)                            AS weighted_sets,
       count(*)                                  AS sets
FROM fitness.sets s
JOIN fitness.workout_exercises we USING (workout_exercise_id)
JOIN fitness.workouts w USING (workout_id)
JOIN fitness.exercise_muscle_weights mw ON mw.exercise_id = we.exercise_id
JOIN fitness.muscle_groups g ON g.muscle_group_id = mw.muscle_group_id
WHERE s.set_type IS DISTINCT FROM 'warmup'
GROUP BY w.athlete_id, date_trunc('week', w.training_date)::date, g.muscle_group_name;
