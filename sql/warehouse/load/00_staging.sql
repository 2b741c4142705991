-- Staging tables for one load; COPY fills them, the load statements read them, commit drops them.
-- The loader compares per-workout content hashes with the warehouse before staging, so only
-- new and changed workouts (their blocks and sets) travel; `workout_ref` ties them together.
CREATE TEMP TABLE stage_workouts (
    workout_ref integer PRIMARY KEY, athlete_id text, started_at timestamp, title text, ended_at timestamp,
    description text, training_date date, duration_minutes numeric, workout_hash text, source_sha256 text,
    hevy_workout_id text, is_new boolean
) ON COMMIT DROP;
CREATE TEMP TABLE stage_blocks (
    workout_ref integer, block_index integer, exercise_title text, superset_id integer, exercise_notes text,
    exercise_template_id text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_sets (
    workout_ref integer, block_index integer, set_order integer, set_index integer, set_type text,
    weight_kg numeric, reps integer, distance_km numeric, duration_seconds integer, rpe numeric,
    source_line integer, hevy_set_id text
) ON COMMIT DROP;
-- Workouts the athlete's newest full export no longer contains.
CREATE TEMP TABLE stage_removed (athlete_id text, started_at timestamp, title text) ON COMMIT DROP;
CREATE TEMP TABLE stage_diet (
    athlete_id text, source_sha256 text, source_line integer, diet_date date, carbs_g numeric,
    protein_g numeric, fat_g numeric, calories_kcal numeric, cardio_weekly_min numeric,
    bodyweight_kg numeric, cycle_id integer, notes text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_cycles (
    athlete_id text, cycle_id integer, cycle_name text, cycle_type text, start_date date, end_date date
) ON COMMIT DROP;
CREATE TEMP TABLE stage_activities (
    athlete_id text, source_sha256 text, source_file text, source_line integer, source text,
    source_workout_id text, activity_date date, submitted_date date, activity_type text,
    distance_km double precision, duration_s double precision, avg_pace_min_per_km double precision,
    max_pace_min_per_km double precision, avg_speed_kmh double precision, max_speed_kmh double precision,
    calories_kcal double precision, avg_heart_rate double precision, steps integer, notes text,
    source_device text, link text, activity_hash text
) ON COMMIT DROP;
-- Athletes whose full snapshot is in this load: only their rows may be removed by it.
CREATE TEMP TABLE stage_snapshots (athlete_id text, dataset text) ON COMMIT DROP;
CREATE TEMP TABLE stage_quarantine (
    athlete_id text, source_sha256 text, source_file text, line integer, rule text, reason text, raw_values jsonb
) ON COMMIT DROP;
CREATE TEMP TABLE stage_corrections (
    athlete_id text, dataset text, natural_key text, field text, old_value text, new_value text,
    reason text, source_sha256 text, source_line integer
) ON COMMIT DROP;
CREATE TEMP TABLE stage_manifest (
    sha256 text, athlete_id text, file_name text, size_bytes bigint, detected_format text,
    row_count integer, landed_at timestamptz, raw_path text
) ON COMMIT DROP;
CREATE TEMP TABLE stage_muscle_map (exercise_title text, muscle_group text) ON COMMIT DROP;
CREATE TEMP TABLE stage_templates (
    exercise_template_id text, title text, exercise_type text, equipment text, primary_muscle_group text,
    secondary_muscle_groups text, is_custom boolean
) ON COMMIT DROP;
CREATE TEMP TABLE stage_title_aliases (alias text, template_title text) ON COMMIT DROP;
CREATE TEMP TABLE stage_body_weights (athlete_id text, measured_on date, weight_kg numeric, source_sha256 text)
    ON COMMIT DROP;
-- Every diet day this load adds, changes ('diet') or removes ('diet_removed'), from 05_changes.sql.
CREATE TEMP TABLE changed_days (athlete_id text, day date, kind text) ON COMMIT DROP;
