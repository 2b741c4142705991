-- Core normalized warehouse. Every fact table carries athlete_id so a coach can load several
-- people into one warehouse; single-user setups use the 'default' athlete.

CREATE TABLE fitness.athletes (
    athlete_id   text PRIMARY KEY,
    created_at   timestamptz NOT NULL DEFAULT now()
);
INSERT INTO fitness.athletes (athlete_id) VALUES ('default');

-- One row per landed export (mirrors FITNESS_HOME/raw/manifest.json).
CREATE TABLE fitness.raw_manifest (
    sha256           text NOT NULL,
    athlete_id       text NOT NULL REFERENCES fitness.athletes,
    file_name        text NOT NULL,
    size_bytes       bigint NOT NULL,
    detected_format  text NOT NULL,
    row_count        integer NOT NULL,
    landed_at        timestamptz NOT NULL,
    raw_path         text NOT NULL,
    PRIMARY KEY (athlete_id, sha256)
);

CREATE TABLE fitness.muscle_groups (
    muscle_group_id    serial PRIMARY KEY,
    muscle_group_name  text NOT NULL UNIQUE
);

-- exercise_id is derived from the name so it is identical in every warehouse built from the
-- same exports, whatever the load order (payloads carry it). 48 bits: exact in JSON/JavaScript.
CREATE FUNCTION fitness.exercise_id_for(exercise_name text) RETURNS bigint
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    AS $$ SELECT ('x' || left(md5(exercise_name), 12))::bit(48)::bigint $$;

CREATE TABLE fitness.exercises (
    exercise_id    bigint PRIMARY KEY,
    exercise_name  text NOT NULL UNIQUE,
    is_cardio      boolean NOT NULL DEFAULT false
);

CREATE TABLE fitness.exercise_muscle_map (
    exercise_id      bigint PRIMARY KEY REFERENCES fitness.exercises ON DELETE CASCADE,
    muscle_group_id  integer NOT NULL REFERENCES fitness.muscle_groups,
    is_curated       boolean NOT NULL
);

CREATE TABLE fitness.workouts (
    workout_id        bigserial PRIMARY KEY,
    athlete_id        text NOT NULL REFERENCES fitness.athletes,
    started_at        timestamp NOT NULL,
    ended_at          timestamp NOT NULL,
    title             text NOT NULL,
    description       text,
    training_date     date NOT NULL,
    duration_minutes  numeric(8, 2) NOT NULL,
    -- sha256 over the workout's normalized rows: an unchanged workout is never rewritten.
    content_hash      text NOT NULL,
    source_sha256     text NOT NULL,
    UNIQUE (athlete_id, started_at, title)
);
CREATE INDEX workouts_training_date ON fitness.workouts (athlete_id, training_date);

-- One row per exercise block: the same exercise can appear in two blocks of one workout.
CREATE TABLE fitness.workout_exercises (
    workout_exercise_id  bigserial PRIMARY KEY,
    workout_id           bigint NOT NULL REFERENCES fitness.workouts ON DELETE CASCADE,
    block_index          integer NOT NULL,
    exercise_id          bigint NOT NULL REFERENCES fitness.exercises,
    superset_id          integer,
    exercise_notes       text,
    UNIQUE (workout_id, block_index)
);
CREATE INDEX workout_exercises_exercise ON fitness.workout_exercises (exercise_id);

CREATE TABLE fitness.sets (
    set_id               bigserial PRIMARY KEY,
    workout_exercise_id  bigint NOT NULL REFERENCES fitness.workout_exercises ON DELETE CASCADE,
    -- set_order is the position in the export; set_index is Hevy's own number, kept as data
    -- so a gap or duplicate in it is visible rather than a load failure.
    set_order            integer NOT NULL,
    set_index            integer NOT NULL,
    set_type             text NOT NULL,
    weight_kg            numeric,
    reps                 integer,
    distance_km          numeric,
    duration_seconds     integer,
    rpe                  numeric(3, 1),
    source_line          integer NOT NULL,
    UNIQUE (workout_exercise_id, set_order)
);

-- Workouts that a newer full export no longer contains (see docs/ARCHITECTURE.md, "Removed workouts").
CREATE TABLE fitness.removed_workouts (
    athlete_id         text NOT NULL,
    started_at         timestamp NOT NULL,
    title              text NOT NULL,
    content_hash       text NOT NULL,
    set_count          integer NOT NULL,
    last_source_sha256 text NOT NULL,
    removed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (athlete_id, started_at, title, content_hash)
);

CREATE TABLE fitness.cycles (
    athlete_id   text NOT NULL REFERENCES fitness.athletes,
    cycle_id     integer NOT NULL,
    cycle_name   text NOT NULL,
    cycle_type   text NOT NULL CHECK (cycle_type IN ('cutting', 'bulking', 'reverse', 'maintenance')),
    start_date   date NOT NULL,
    end_date     date,
    PRIMARY KEY (athlete_id, cycle_id)
);

CREATE TABLE fitness.diet_daily (
    athlete_id         text NOT NULL REFERENCES fitness.athletes,
    diet_date          date NOT NULL,
    carbs_g            numeric,
    protein_g          numeric,
    fat_g              numeric,
    calories_kcal      numeric,
    cardio_weekly_min  numeric,
    cycle_id           integer,
    bodyweight_kg      numeric,
    notes              text,
    source_sha256      text NOT NULL,
    source_line        integer NOT NULL,
    PRIMARY KEY (athlete_id, diet_date),
    FOREIGN KEY (athlete_id, cycle_id) REFERENCES fitness.cycles
);

-- Rows that could not be loaded, with the reason. Never deleted by a re-run.
CREATE TABLE fitness.quarantine (
    quarantine_id   bigserial PRIMARY KEY,
    athlete_id      text NOT NULL,
    source_sha256   text NOT NULL,
    source_file     text NOT NULL,
    line            integer NOT NULL,
    rule            text NOT NULL,
    reason          text NOT NULL,
    raw_values      jsonb NOT NULL,
    quarantined_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_sha256, line, rule)
);

-- Every correction from the corrections file that changed a value, with its reason.
CREATE TABLE fitness.corrections_applied (
    athlete_id     text NOT NULL,
    dataset        text NOT NULL,
    natural_key    text NOT NULL,
    field          text NOT NULL,
    old_value      text,
    new_value      text,
    reason         text NOT NULL,
    source_sha256  text NOT NULL,
    source_line    integer NOT NULL,
    PRIMARY KEY (athlete_id, dataset, natural_key, field, source_sha256)
);
