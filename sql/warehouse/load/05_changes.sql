-- What this load will change, found before anything is written: the loader builds the affected
-- weekly payloads from here on once before and once after the writes (lib/payloads/changed_weeks.py).
-- Workout days are listed by the loader itself (from its content-hash diff).

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

-- name: changed_cycle_days
-- A new or changed cycle can change the cycle context of every week from its (old or new) start.
INSERT INTO changed_days
SELECT s.athlete_id, least(s.start_date, c.start_date), 'cycle'
FROM stage_cycles s
LEFT JOIN fitness.cycles c USING (athlete_id, cycle_id)
WHERE (c.cycle_name, c.cycle_type, c.start_date, c.end_date)
      IS DISTINCT FROM (s.cycle_name, s.cycle_type, s.start_date, s.end_date);

-- name: gone_cycle_days
INSERT INTO changed_days
SELECT c.athlete_id, c.start_date, 'cycle'
FROM fitness.cycles c
WHERE c.athlete_id IN (SELECT athlete_id FROM stage_snapshots WHERE dataset = 'diet')
  AND NOT EXISTS (SELECT 1 FROM stage_cycles s WHERE (s.athlete_id, s.cycle_id) = (c.athlete_id, c.cycle_id));
