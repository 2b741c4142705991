-- Week-over-week change per exercise. Deltas are differences of the rounded weekly figures,
-- so a reader can check them by subtraction.
--   *_vs_last_week:     against the previous calendar week; NULL if not trained that week.
--   *_vs_last_trained:  against the most recent earlier week in which it was trained.
CREATE OR REPLACE VIEW fitness.weekly_exercise_progression AS
WITH ordered AS (
    SELECT p.*,
           lag(week_start)    OVER by_exercise AS last_trained_week_start,
           lag(total_sets)    OVER by_exercise AS lt_total_sets,
           lag(total_reps)    OVER by_exercise AS lt_total_reps,
           lag(avg_reps)      OVER by_exercise AS lt_avg_reps,
           lag(avg_weight_kg) OVER by_exercise AS lt_avg_weight_kg,
           lag(max_weight_kg) OVER by_exercise AS lt_max_weight_kg,
           lag(failure_sets)  OVER by_exercise AS lt_failure_sets
    FROM fitness.weekly_exercise_performance p
    WINDOW by_exercise AS (PARTITION BY athlete_id, exercise_id ORDER BY week_start)
)
SELECT o.athlete_id, o.week_start, o.exercise_id, o.exercise_name, o.is_cardio, o.muscle_group,
       o.total_sets, o.total_reps, o.avg_reps, o.avg_weight_kg, o.max_weight_kg, o.failure_sets,
       o.sessions_count,
       (o.last_trained_week_start = o.week_start - 7)    AS trained_last_week,
       CASE WHEN o.last_trained_week_start = o.week_start - 7 THEN o.total_sets - o.lt_total_sets END       AS delta_total_sets,
       CASE WHEN o.last_trained_week_start = o.week_start - 7 THEN o.total_reps - o.lt_total_reps END       AS delta_total_reps,
       CASE WHEN o.last_trained_week_start = o.week_start - 7 THEN o.avg_reps - o.lt_avg_reps END           AS delta_avg_reps,
       CASE WHEN o.last_trained_week_start = o.week_start - 7 THEN o.avg_weight_kg - o.lt_avg_weight_kg END AS delta_avg_weight_kg,
       CASE WHEN o.last_trained_week_start = o.week_start - 7 THEN o.max_weight_kg - o.lt_max_weight_kg END AS delta_max_weight_kg,
       CASE WHEN o.last_trained_week_start = o.week_start - 7 THEN o.failure_sets - o.lt_failure_sets END   AS delta_failure_sets,
       o.last_trained_week_start,
       o.total_sets - o.lt_total_sets          AS delta_total_sets_vs_last_trained,
       o.total_reps - o.lt_total_reps          AS delta_total_reps_vs_last_trained,
       o.avg_reps - o.lt_avg_reps              AS delta_avg_reps_vs_last_trained,
       o.avg_weight_kg - o.lt_avg_weight_kg    AS delta_avg_weight_kg_vs_last_trained,
       o.max_weight_kg - o.lt_max_weight_kg    AS delta_max_weight_kg_vs_last_trained,
       o.failure_sets - o.lt_failure_sets      AS delta_failure_sets_vs_last_trained
FROM ordered o;
