-- The flat, per-exercise weekly context an LLM report is written from: each exercise's week,
-- its change, and the diet/cycle context of the same week.
CREATE OR REPLACE VIEW fitness.llm_weekly_exercise_context AS
SELECT p.athlete_id, p.week_start,
       f.cycle_name, f.cycle_type, f.avg_calories_kcal, f.avg_protein_g, f.avg_bodyweight_kg,
       p.exercise_id, p.exercise_name, p.muscle_group, p.is_cardio,
       p.total_sets, p.total_reps, p.avg_reps, p.avg_weight_kg, p.max_weight_kg, p.failure_sets,
       p.sessions_count,
       p.delta_total_sets, p.delta_avg_weight_kg, p.delta_max_weight_kg, p.delta_avg_reps,
       p.last_trained_week_start, p.delta_max_weight_kg_vs_last_trained,
       round(p.failure_sets::numeric / nullif(p.total_sets, 0), 2) AS failure_share
FROM fitness.weekly_exercise_progression p
JOIN fitness.weekly_fitness_summary f USING (athlete_id, week_start);
