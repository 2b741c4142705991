-- The diet days this load changes, found before anything is written: 10_load.sql writes exactly
-- these (and deletes the removed ones). Workouts need no list: the loader stages only new and
-- changed workouts (its content-hash diff).

-- name: changed_diet_days
INSERT INTO changed_days
SELECT s.athlete_id, s.diet_date, 'diet'
FROM stage_diet s
LEFT JOIN fitness.diet_daily d USING (athlete_id, diet_date)
WHERE d.athlete_id IS NULL
   OR (d.carbs_g, d.protein_g, d.fat_g, d.calories_kcal, d.cardio_weekly_min, d.cycle_id, d.bodyweight_kg, d.notes)
      IS DISTINCT FROM
      (s.carbs_g, s.protein_g, s.fat_g, s.calories_kcal, s.cardio_weekly_min, s.cycle_id, s.bodyweight_kg, s.notes);

-- name: gone_diet_days
-- Days the athlete's newest full diet export no longer holds.
INSERT INTO changed_days
SELECT d.athlete_id, d.diet_date, 'diet_removed'
FROM fitness.diet_daily d
WHERE d.athlete_id IN (SELECT athlete_id FROM stage_snapshots WHERE dataset = 'diet')
  AND NOT EXISTS (SELECT 1 FROM stage_diet s WHERE (s.athlete_id, s.diet_date) = (d.athlete_id, d.diet_date));
