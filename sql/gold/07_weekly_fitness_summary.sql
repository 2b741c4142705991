-- Training, diet and running side by side. A week with only training, only diet or only
-- activities (runs, walks, rides, …) still appears. The running columns come last, so that
-- CREATE OR REPLACE VIEW can add them to an existing view; their counts are 0 in a week
-- without activities, their figures NULL.
-- A week without diet rows takes the cycle whose date range covers it (latest start wins).
-- Body weight: the diet log's, and on days it has none (no diet row, or one without a body
-- weight) the Hevy account's measurement (fitness.body_weights); bodyweight_days_from_hevy counts
-- those days. A measurement alone makes no week. Without measurements avg_bodyweight_kg is the
-- diet summary's, exactly.
CREATE OR REPLACE VIEW fitness.weekly_fitness_summary AS
WITH weeks AS (
    SELECT athlete_id, week_start FROM fitness.weekly_training_summary
    UNION
    SELECT athlete_id, week_start FROM fitness.weekly_diet_summary
    UNION
    SELECT athlete_id, week_start FROM fitness.weekly_running_summary
),
measured AS (
    SELECT b.athlete_id, date_trunc('week', b.measured_on)::date AS week_start,
           count(*) AS days, sum(b.weight_kg) AS total_kg
    FROM fitness.body_weights b
    LEFT JOIN fitness.diet_daily dd ON dd.athlete_id = b.athlete_id AND dd.diet_date = b.measured_on
    WHERE dd.bodyweight_kg IS NULL
    GROUP BY 1, 2
),
logged AS (
    SELECT athlete_id, date_trunc('week', diet_date)::date AS week_start,
           count(bodyweight_kg) AS days, coalesce(sum(bodyweight_kg), 0) AS total_kg
    FROM fitness.diet_daily
    WHERE (athlete_id, date_trunc('week', diet_date)::date) IN (SELECT athlete_id, week_start FROM measured)
    GROUP BY 1, 2
)
SELECT wk.athlete_id,
       wk.week_start,
       c.cycle_id,
       c.cycle_name,
       c.cycle_type,
       d.avg_calories_kcal, d.avg_carbs_g, d.avg_protein_g, d.avg_fat_g, d.cardio_weekly_min,
       CASE WHEN m.days IS NULL THEN d.avg_bodyweight_kg
            ELSE round((coalesce(l.total_kg, 0) + m.total_kg) / (coalesce(l.days, 0) + m.days), 2)
       END                               AS avg_bodyweight_kg,
       coalesce(d.logged_days, 0)        AS logged_days,
       coalesce(t.training_sessions, 0)  AS training_sessions,
       coalesce(t.total_sets, 0)         AS total_sets,
       coalesce(t.failure_sets, 0)       AS failure_sets,
       t.avg_reps_per_set,
       t.volume_kg,
       coalesce(r.logged_activities, 0)  AS logged_activities,
       coalesce(r.runs, 0)               AS runs,
       coalesce(r.walks, 0)              AS walks,
       coalesce(r.mixed_activities, 0)   AS mixed_activities,
       coalesce(r.outlier_activities, 0) AS outlier_activities,
       coalesce(r.other_activities, 0)   AS other_activities,
       r.run_distance_km, r.run_duration_min, r.avg_run_pace_min_per_km, r.longest_run_km,
       r.fastest_run_pace_min_per_km, r.fastest_run_min_distance_km,
       r.walk_distance_km, r.walk_duration_min,
       coalesce(m.days, 0)               AS bodyweight_days_from_hevy
FROM weeks wk
LEFT JOIN fitness.weekly_training_summary t USING (athlete_id, week_start)
LEFT JOIN fitness.weekly_diet_summary d USING (athlete_id, week_start)
LEFT JOIN fitness.weekly_running_summary r USING (athlete_id, week_start)
LEFT JOIN measured m USING (athlete_id, week_start)
LEFT JOIN logged l USING (athlete_id, week_start)
LEFT JOIN LATERAL (
    SELECT cy.* FROM fitness.cycles cy
    WHERE cy.athlete_id = wk.athlete_id
      AND (cy.cycle_id = d.cycle_id
           OR (d.cycle_id IS NULL AND cy.start_date <= wk.week_start + 6
               AND (cy.end_date IS NULL OR cy.end_date >= wk.week_start)))
    ORDER BY (cy.cycle_id = d.cycle_id) DESC NULLS LAST, cy.start_date DESC
    LIMIT 1
) c ON true;
