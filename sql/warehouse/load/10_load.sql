-- One load, in one transaction, set-based: every statement handles all rows at once.
-- Unchanged rows are never rewritten: unchanged workouts are not even staged (the loader compares
-- content hashes first) and upserts carry IS DISTINCT FROM guards, so re-running the same exports
-- writes nothing. 05_changes.sql has already listed every changed diet day in `changed_days`.
-- Statements are named; the loader reports each row count.

-- name: athletes
INSERT INTO fitness.athletes (athlete_id)
SELECT athlete_id FROM (
    SELECT athlete_id FROM stage_manifest UNION SELECT athlete_id FROM stage_snapshots
) a
WHERE NOT EXISTS (SELECT 1 FROM fitness.athletes x WHERE x.athlete_id = a.athlete_id)
ON CONFLICT DO NOTHING;

-- name: raw_manifest
INSERT INTO fitness.raw_manifest
SELECT sha256, athlete_id, file_name, size_bytes, detected_format, row_count, landed_at, raw_path
FROM stage_manifest
ON CONFLICT (athlete_id, sha256) DO NOTHING;

-- name: exercises
INSERT INTO fitness.exercises (exercise_id, exercise_name)
SELECT DISTINCT fitness.exercise_id_for(b.exercise_title), b.exercise_title
FROM stage_blocks b
WHERE NOT EXISTS (SELECT 1 FROM fitness.exercises e WHERE e.exercise_name = b.exercise_title)
ORDER BY 2
ON CONFLICT DO NOTHING;

-- name: body_weights
-- The Hevy account's body weights, one per athlete and date, as the current sync holds them.
INSERT INTO fitness.body_weights (athlete_id, measured_on, weight_kg, source_sha256)
SELECT athlete_id, measured_on, weight_kg, source_sha256 FROM stage_body_weights
ON CONFLICT (athlete_id, measured_on) DO UPDATE
SET weight_kg = EXCLUDED.weight_kg, source_sha256 = EXCLUDED.source_sha256
WHERE (body_weights.weight_kg, body_weights.source_sha256) IS DISTINCT FROM (EXCLUDED.weight_kg, EXCLUDED.source_sha256);

-- name: removed_body_weights
-- A measurement the athlete's current sync no longer holds was deleted in the app.
DELETE FROM fitness.body_weights b
WHERE b.athlete_id IN (SELECT athlete_id FROM stage_snapshots WHERE dataset = 'workouts')
  AND NOT EXISTS (SELECT 1 FROM stage_body_weights s
                  WHERE (s.athlete_id, s.measured_on) = (b.athlete_id, b.measured_on));

-- name: exercise_templates
-- The Hevy API's exercise templates (silver: the newest full sync of each current sync record).
INSERT INTO fitness.exercise_templates (exercise_template_id, title, exercise_type, equipment, primary_muscle_group,
                                        secondary_muscle_groups, is_custom)
SELECT exercise_template_id, title, exercise_type, equipment, primary_muscle_group,
       coalesce(string_to_array(nullif(secondary_muscle_groups, ''), ','), '{}'), is_custom
FROM stage_templates
ON CONFLICT (exercise_template_id) DO UPDATE
SET title = EXCLUDED.title, exercise_type = EXCLUDED.exercise_type, equipment = EXCLUDED.equipment,
    primary_muscle_group = EXCLUDED.primary_muscle_group, secondary_muscle_groups = EXCLUDED.secondary_muscle_groups,
    is_custom = EXCLUDED.is_custom
WHERE (exercise_templates.title, exercise_templates.exercise_type, exercise_templates.equipment,
       exercise_templates.primary_muscle_group, exercise_templates.secondary_muscle_groups, exercise_templates.is_custom)
      IS DISTINCT FROM (EXCLUDED.title, EXCLUDED.exercise_type, EXCLUDED.equipment, EXCLUDED.primary_muscle_group,
                        EXCLUDED.secondary_muscle_groups, EXCLUDED.is_custom);

-- name: exercise_template_of
-- Each exercise's template, first found of: the id an API block of that title carries (this
-- load), the one already held, a template of the same title (case-insensitive), a template whose
-- title an alias gives (data/exercise_title_aliases.csv: renamed or localised CSV titles). So a
-- CSV-only exercise and the API's are the same exercise. Among equals, a built-in template first.
WITH candidates (exercise_id, exercise_template_id, rank) AS (
    SELECT DISTINCT fitness.exercise_id_for(b.exercise_title), b.exercise_template_id, 1
    FROM stage_blocks b WHERE b.exercise_template_id IS NOT NULL
    UNION ALL
    SELECT exercise_id, exercise_template_id, 2 FROM fitness.exercises WHERE exercise_template_id IS NOT NULL
    UNION ALL
    SELECT e.exercise_id, t.exercise_template_id, 3
    FROM fitness.exercises e JOIN fitness.exercise_templates t ON lower(t.title) = lower(e.exercise_name)
    UNION ALL
    SELECT e.exercise_id, t.exercise_template_id, 4
    FROM fitness.exercises e
    JOIN stage_title_aliases a ON lower(a.alias) = lower(e.exercise_name)
    JOIN fitness.exercise_templates t ON lower(t.title) = lower(a.template_title)
), chosen AS (
    SELECT DISTINCT ON (c.exercise_id) c.exercise_id, t.exercise_template_id, t.exercise_type, t.equipment
    FROM candidates c JOIN fitness.exercise_templates t USING (exercise_template_id)
    ORDER BY c.exercise_id, c.rank, t.is_custom, t.exercise_template_id
)
UPDATE fitness.exercises e
SET exercise_template_id = c.exercise_template_id, exercise_type = c.exercise_type, equipment = c.equipment
FROM chosen c
WHERE e.exercise_id = c.exercise_id
  AND (e.exercise_template_id, e.exercise_type, e.equipment)
      IS DISTINCT FROM (c.exercise_template_id, c.exercise_type, c.equipment);

-- name: muscle_groups
-- The curated groups, 'Unmapped', and the templates' groups as labels ("lower_back" → "Lower Back",
-- the curated map's spelling).
INSERT INTO fitness.muscle_groups (muscle_group_name)
SELECT g FROM (SELECT muscle_group FROM stage_muscle_map UNION SELECT 'Unmapped'
               UNION SELECT initcap(replace(m, '_', ' '))
               FROM fitness.exercise_templates t, unnest(t.primary_muscle_group || t.secondary_muscle_groups) m
               WHERE m IS NOT NULL) AS groups (g)
WHERE NOT EXISTS (SELECT 1 FROM fitness.muscle_groups m WHERE m.muscle_group_name = g)
ORDER BY g
ON CONFLICT DO NOTHING;

-- name: exercise_muscle_map
-- One group per exercise: its template's primary muscle group, else the curated map's (titles
-- match case-insensitively), else 'Unmapped'. is_curated: the group comes from a template or the
-- curated map (false: 'Unmapped').
INSERT INTO fitness.exercise_muscle_map (exercise_id, muscle_group_id, is_curated)
SELECT e.exercise_id, g.muscle_group_id, coalesce(t.primary_muscle_group, m.muscle_group) IS NOT NULL
FROM fitness.exercises e
LEFT JOIN fitness.exercise_templates t USING (exercise_template_id)
LEFT JOIN stage_muscle_map m ON lower(m.exercise_title) = lower(e.exercise_name)
JOIN fitness.muscle_groups g
  ON g.muscle_group_name = coalesce(initcap(replace(t.primary_muscle_group, '_', ' ')), m.muscle_group, 'Unmapped')
ON CONFLICT (exercise_id) DO UPDATE
SET muscle_group_id = EXCLUDED.muscle_group_id, is_curated = EXCLUDED.is_curated
WHERE (exercise_muscle_map.muscle_group_id, exercise_muscle_map.is_curated)
      IS DISTINCT FROM (EXCLUDED.muscle_group_id, EXCLUDED.is_curated);

-- name: wanted_muscle_weights
CREATE TEMP TABLE wanted_muscle_weights ON COMMIT DROP AS
-- Sets per muscle, weighted as the hypertrophy literature counts them: a template's primary muscle
-- group 1.0, each secondary 0.5; an exercise without a template: its one group (curated or
-- 'Unmapped') 1.0. (CREATE first: the bench tells temporary statements by it.)
SELECT DISTINCT ON (w.exercise_id, g.muscle_group_id) w.exercise_id, g.muscle_group_id, w.weight, w.mapped_by
FROM (
    SELECT e.exercise_id, initcap(replace(t.primary_muscle_group, '_', ' ')) AS muscle_group, 1.0 AS weight,
           'template' AS mapped_by
    FROM fitness.exercises e JOIN fitness.exercise_templates t USING (exercise_template_id)
    WHERE t.primary_muscle_group IS NOT NULL
    UNION ALL
    SELECT e.exercise_id, initcap(replace(secondary, '_', ' ')), 0.5, 'template'
    FROM fitness.exercises e JOIN fitness.exercise_templates t USING (exercise_template_id),
         unnest(t.secondary_muscle_groups) secondary
    WHERE t.primary_muscle_group IS NOT NULL
    UNION ALL
    SELECT e.exercise_id, g.muscle_group_name, 1.0, CASE WHEN m.is_curated THEN 'curated' ELSE 'unmapped' END
    FROM fitness.exercises e
    JOIN fitness.exercise_muscle_map m USING (exercise_id)
    JOIN fitness.muscle_groups g USING (muscle_group_id)
    LEFT JOIN fitness.exercise_templates t USING (exercise_template_id)
    WHERE t.primary_muscle_group IS NULL
) w
JOIN fitness.muscle_groups g ON g.muscle_group_name = w.muscle_group
ORDER BY w.exercise_id, g.muscle_group_id, w.weight DESC;

-- name: exercise_muscle_weights
INSERT INTO fitness.exercise_muscle_weights (exercise_id, muscle_group_id, weight, mapped_by)
SELECT exercise_id, muscle_group_id, weight, mapped_by FROM wanted_muscle_weights
ON CONFLICT (exercise_id, muscle_group_id) DO UPDATE
SET weight = EXCLUDED.weight, mapped_by = EXCLUDED.mapped_by
WHERE (exercise_muscle_weights.weight, exercise_muscle_weights.mapped_by)
      IS DISTINCT FROM (EXCLUDED.weight, EXCLUDED.mapped_by);

-- name: stale_muscle_weights
DELETE FROM fitness.exercise_muscle_weights x
WHERE NOT EXISTS (SELECT 1 FROM wanted_muscle_weights w
                  WHERE (w.exercise_id, w.muscle_group_id) = (x.exercise_id, x.muscle_group_id));

-- name: deleted_workout_ids
CREATE TEMP TABLE deleted_workout_ids ON COMMIT DROP AS
-- Loaded workouts this load deletes: those the athlete's newest full export no longer contains
-- (removed) and those whose content changed (replaced: rewritten whole below). Their exercise
-- blocks and sets are deleted explicitly, never left to ON DELETE CASCADE: a bulk load runs with
-- the foreign keys dropped (lib/warehouse/database.py, foreign_keys_suspended), and then nothing cascades.
SELECT w.workout_id, true AS is_removed
FROM fitness.workouts w JOIN stage_removed r
  ON (w.athlete_id, w.started_at, w.title) = (r.athlete_id, r.started_at, r.title)
UNION ALL
SELECT w.workout_id, false
FROM fitness.workouts w JOIN stage_workouts s
  ON NOT s.is_new AND (w.athlete_id, w.started_at, w.title) = (s.athlete_id, s.started_at, s.title);

-- name: deleted_workout_ids_analyzed
-- Without statistics the planner assumes ~2,000 rows and scans all exercise blocks and sets;
-- analysed, deleting a few workouts' children uses the indexes (milliseconds, as the cascade did).
ANALYZE deleted_workout_ids;

-- name: removed_workouts
-- A workout that the athlete's newest full export no longer contains is logged (with the sets it
-- had: counted before they are deleted below), then removed.
INSERT INTO fitness.removed_workouts (athlete_id, started_at, title, content_hash, set_count, last_source_sha256)
SELECT w.athlete_id, w.started_at, w.title, w.content_hash, count(s.set_id), w.source_sha256
FROM deleted_workout_ids d
JOIN fitness.workouts w USING (workout_id)
LEFT JOIN fitness.workout_exercises we USING (workout_id)
LEFT JOIN fitness.sets s USING (workout_exercise_id)
WHERE d.is_removed
GROUP BY w.workout_id
ON CONFLICT DO NOTHING;

-- name: deleted_sets
-- The sets of removed and replaced workouts, then their exercise blocks, then the workouts.
DELETE FROM fitness.sets s
USING fitness.workout_exercises we, deleted_workout_ids d
WHERE s.workout_exercise_id = we.workout_exercise_id AND we.workout_id = d.workout_id;

-- name: deleted_workout_exercises
DELETE FROM fitness.workout_exercises we USING deleted_workout_ids d
WHERE we.workout_id = d.workout_id;

-- name: deleted_removed_workouts
DELETE FROM fitness.workouts w USING deleted_workout_ids d
WHERE w.workout_id = d.workout_id AND d.is_removed;

-- name: replaced_workouts
-- Workouts whose content changed since they were loaded are rewritten whole.
DELETE FROM fitness.workouts w USING deleted_workout_ids d
WHERE w.workout_id = d.workout_id AND NOT d.is_removed;

-- name: workouts
INSERT INTO fitness.workouts (athlete_id, started_at, ended_at, title, description, training_date,
                              duration_minutes, content_hash, source_sha256, hevy_workout_id)
SELECT athlete_id, started_at, ended_at, title, description, training_date, duration_minutes,
       workout_hash, source_sha256, hevy_workout_id
FROM stage_workouts
ORDER BY athlete_id, started_at, title;

-- name: workout_refs
CREATE TEMP TABLE workout_refs ON COMMIT DROP AS
SELECT s.workout_ref, w.workout_id
FROM stage_workouts s
JOIN fitness.workouts w ON (w.athlete_id, w.started_at, w.title) = (s.athlete_id, s.started_at, s.title);

-- name: workout_exercises
INSERT INTO fitness.workout_exercises (workout_id, block_index, exercise_id, superset_id, exercise_notes,
                                       exercise_template_id)
SELECT r.workout_id, b.block_index, fitness.exercise_id_for(b.exercise_title), b.superset_id, b.exercise_notes,
       b.exercise_template_id
FROM stage_blocks b
JOIN workout_refs r USING (workout_ref)
ORDER BY r.workout_id, b.block_index;

-- name: sets
INSERT INTO fitness.sets (workout_exercise_id, set_order, set_index, set_type, weight_kg, reps,
                          distance_km, duration_seconds, rpe, source_line, hevy_set_id)
SELECT we.workout_exercise_id, s.set_order, s.set_index, s.set_type, s.weight_kg, s.reps,
       s.distance_km, s.duration_seconds, s.rpe, s.source_line, s.hevy_set_id
FROM stage_sets s
JOIN workout_refs r USING (workout_ref)
JOIN fitness.workout_exercises we ON we.workout_id = r.workout_id AND we.block_index = s.block_index
ORDER BY we.workout_exercise_id, s.set_order;

-- name: exercise_is_cardio
-- Cardio: any set with a distance, or duration-only sets of an exercise curated as Cardio
-- (a plank is timed but not cardio). Recomputed only for exercises this load touched.
UPDATE fitness.exercises e SET is_cardio = x.is_cardio
FROM (
    SELECT we.exercise_id,
           bool_or(s.distance_km IS NOT NULL)
           OR (bool_and(s.weight_kg IS NULL AND s.reps IS NULL) AND bool_or(s.duration_seconds IS NOT NULL)
               AND bool_or(g.muscle_group_name = 'Cardio')) AS is_cardio
    FROM fitness.sets s
    JOIN fitness.workout_exercises we USING (workout_exercise_id)
    JOIN fitness.exercise_muscle_map m ON m.exercise_id = we.exercise_id
    JOIN fitness.muscle_groups g USING (muscle_group_id)
    WHERE we.exercise_id IN (SELECT DISTINCT fitness.exercise_id_for(exercise_title) FROM stage_blocks)
    GROUP BY we.exercise_id
) x
WHERE e.exercise_id = x.exercise_id AND e.is_cardio IS DISTINCT FROM x.is_cardio;

-- name: cycles
INSERT INTO fitness.cycles (athlete_id, cycle_id, cycle_name, cycle_type, start_date, end_date)
SELECT athlete_id, cycle_id, cycle_name, cycle_type, start_date, end_date FROM stage_cycles
ON CONFLICT (athlete_id, cycle_id) DO UPDATE
SET cycle_name = EXCLUDED.cycle_name, cycle_type = EXCLUDED.cycle_type,
    start_date = EXCLUDED.start_date, end_date = EXCLUDED.end_date
WHERE (cycles.cycle_name, cycles.cycle_type, cycles.start_date, cycles.end_date)
      IS DISTINCT FROM (EXCLUDED.cycle_name, EXCLUDED.cycle_type, EXCLUDED.start_date, EXCLUDED.end_date);

-- name: removed_diet_days
DELETE FROM fitness.diet_daily d USING changed_days c
WHERE c.kind = 'diet_removed' AND (c.athlete_id, c.day) = (d.athlete_id, d.diet_date);

-- name: diet_daily
-- Exactly the new and changed days found by 05_changes.sql.
INSERT INTO fitness.diet_daily (athlete_id, diet_date, carbs_g, protein_g, fat_g, calories_kcal,
                                cardio_weekly_min, cycle_id, bodyweight_kg, notes, source_sha256, source_line)
SELECT s.athlete_id, s.diet_date, s.carbs_g, s.protein_g, s.fat_g, s.calories_kcal, s.cardio_weekly_min,
       s.cycle_id, s.bodyweight_kg, s.notes, s.source_sha256, s.source_line
FROM stage_diet s
JOIN changed_days c ON c.kind = 'diet' AND (c.athlete_id, c.day) = (s.athlete_id, s.diet_date)
ORDER BY s.athlete_id, s.diet_date
ON CONFLICT (athlete_id, diet_date) DO UPDATE
SET carbs_g = EXCLUDED.carbs_g, protein_g = EXCLUDED.protein_g, fat_g = EXCLUDED.fat_g,
    calories_kcal = EXCLUDED.calories_kcal, cardio_weekly_min = EXCLUDED.cardio_weekly_min,
    cycle_id = EXCLUDED.cycle_id, bodyweight_kg = EXCLUDED.bodyweight_kg, notes = EXCLUDED.notes,
    source_sha256 = EXCLUDED.source_sha256, source_line = EXCLUDED.source_line;

-- name: removed_cycles
DELETE FROM fitness.cycles c
WHERE c.athlete_id IN (SELECT athlete_id FROM stage_snapshots WHERE dataset = 'diet')
  AND NOT EXISTS (SELECT 1 FROM stage_cycles s WHERE (s.athlete_id, s.cycle_id) = (c.athlete_id, c.cycle_id))
  AND NOT EXISTS (SELECT 1 FROM fitness.diet_daily d WHERE (d.athlete_id, d.cycle_id) = (c.athlete_id, c.cycle_id));

-- name: removed_activities
-- Activities the athlete's newest complete export no longer holds: logged, then deleted (their
-- label cascades: the bulk path may suspend activities' own key to athletes, never the labels'
-- key to activities).
WITH gone AS (
    SELECT a.activity_id FROM fitness.activities a
    WHERE a.athlete_id IN (SELECT athlete_id FROM stage_snapshots WHERE dataset = 'activities')
      AND NOT EXISTS (SELECT 1 FROM stage_activities s
                      WHERE (s.athlete_id, s.source, s.source_workout_id) = (a.athlete_id, a.source, a.source_workout_id))
), logged AS (
    INSERT INTO fitness.removed_activities (athlete_id, source, source_workout_id, activity_date, activity_hash,
                                            last_source_sha256)
    SELECT a.athlete_id, a.source, a.source_workout_id, a.activity_date, a.activity_hash, a.source_sha256
    FROM fitness.activities a JOIN gone USING (activity_id)
    ON CONFLICT DO NOTHING
)
DELETE FROM fitness.activities a USING gone WHERE a.activity_id = gone.activity_id;

-- name: activities
-- Changed activities are updated in place (never deleted and re-inserted), so an activity keeps
-- its activity_id and its label; the hash guard makes an unchanged export write nothing. Rows
-- stored with the same hash are left out before the upsert: ON CONFLICT locks (writes) every
-- conflicting row even when its WHERE then skips the update, 1M dirtied rows on an unchanged export.
INSERT INTO fitness.activities (athlete_id, source, source_workout_id, activity_date, submitted_date,
                                activity_type, distance_km, duration_s, avg_pace_min_per_km, max_pace_min_per_km,
                                avg_speed_kmh, max_speed_kmh, calories_kcal, avg_heart_rate, steps, notes,
                                source_device, link, activity_hash, source_sha256, source_file, source_line)
SELECT athlete_id, source, source_workout_id, activity_date, submitted_date, activity_type, distance_km,
       duration_s, avg_pace_min_per_km, max_pace_min_per_km, avg_speed_kmh, max_speed_kmh, calories_kcal,
       avg_heart_rate, steps, notes, source_device, link, activity_hash, source_sha256, source_file, source_line
FROM stage_activities s
WHERE NOT EXISTS (SELECT 1 FROM fitness.activities a
                  WHERE (a.athlete_id, a.source, a.source_workout_id) = (s.athlete_id, s.source, s.source_workout_id)
                    AND a.activity_hash = s.activity_hash)
ORDER BY athlete_id, activity_date, source_workout_id
ON CONFLICT (athlete_id, source, source_workout_id) DO UPDATE
SET activity_date = EXCLUDED.activity_date, submitted_date = EXCLUDED.submitted_date,
    activity_type = EXCLUDED.activity_type, distance_km = EXCLUDED.distance_km, duration_s = EXCLUDED.duration_s,
    avg_pace_min_per_km = EXCLUDED.avg_pace_min_per_km, max_pace_min_per_km = EXCLUDED.max_pace_min_per_km,
    avg_speed_kmh = EXCLUDED.avg_speed_kmh, max_speed_kmh = EXCLUDED.max_speed_kmh,
    calories_kcal = EXCLUDED.calories_kcal, avg_heart_rate = EXCLUDED.avg_heart_rate, steps = EXCLUDED.steps,
    notes = EXCLUDED.notes, source_device = EXCLUDED.source_device, link = EXCLUDED.link,
    activity_hash = EXCLUDED.activity_hash, source_sha256 = EXCLUDED.source_sha256,
    source_file = EXCLUDED.source_file, source_line = EXCLUDED.source_line
WHERE activities.activity_hash IS DISTINCT FROM EXCLUDED.activity_hash;

-- name: quarantine
INSERT INTO fitness.quarantine (athlete_id, source_sha256, source_file, line, rule, reason, raw_values)
SELECT athlete_id, source_sha256, source_file, line, rule, reason, raw_values FROM stage_quarantine
ORDER BY source_sha256, line, rule
ON CONFLICT (source_sha256, line, rule) DO NOTHING;

-- name: corrections_applied
INSERT INTO fitness.corrections_applied
SELECT athlete_id, dataset, natural_key, field, old_value, new_value, reason, source_sha256, source_line
FROM stage_corrections
ON CONFLICT (athlete_id, dataset, natural_key, field, source_sha256) DO UPDATE
SET old_value = EXCLUDED.old_value, new_value = EXCLUDED.new_value, reason = EXCLUDED.reason,
    source_line = EXCLUDED.source_line
WHERE (corrections_applied.old_value, corrections_applied.new_value, corrections_applied.reason)
      IS DISTINCT FROM (EXCLUDED.old_value, EXCLUDED.new_value, EXCLUDED.reason);
