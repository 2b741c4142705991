-- Training and diet side by side. A week with only training or only diet still appears.
-- A week without diet rows takes the cycle whose date range covers it (latest start wins).
CREATE OR REPLACE VIEW fitness.weekly_fitness_summary AS
WITH weeks AS (
    SELECT athlete_id, week_start FROM fitness.weekly_training_summary
    UNION
    SELECT athlete_id, week_start FROM fitness.weekly_diet_summary
)
SELECT wk.athlete_id,
       wk.week_start,
       c.cycle_id,
       c.cycle_name,
       c.cycle_type,
       d.avg_calories_kcal, d.avg_carbs_g, d.avg_protein_g, d.avg_fat_g, d.cardio_weekly_min,
       d.avg_bodyweight_kg,
       coalesce(d.logged_days, 0)        AS logged_days,
       coalesce(t.training_sessions, 0)  AS training_sessions,
       coalesce(t.total_sets, 0)         AS total_sets,
       coalesce(t.failure_sets, 0)       AS failure_sets,
       t.avg_reps_per_set,
       t.volume_kg
FROM weeks wk
LEFT JOIN fitness.weekly_training_summary t USING (athlete_id, week_start)
LEFT JOIN fitness.weekly_diet_summary d USING (athlete_id, week_start)
LEFT JOIN LATERAL (
    SELECT cy.* FROM fitness.cycles cy
    WHERE cy.athlete_id = wk.athlete_id
      AND (cy.cycle_id = d.cycle_id
           OR (d.cycle_id IS NULL AND cy.start_date <= wk.week_start + 6
               AND (cy.end_date IS NULL OR cy.end_date >= wk.week_start)))
    ORDER BY (cy.cycle_id = d.cycle_id) DESC NULLS LAST, cy.start_date DESC
    LIMIT 1
) c ON true;
