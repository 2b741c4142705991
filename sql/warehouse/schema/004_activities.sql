-- Running and walking (issue 11): one row per activity as logged (MapMyRun today), and the
-- classifier's label for each in-scope activity (the `activity_classification` asset writes it).
-- Units are stored metric: km, seconds, min/km, km/h.

CREATE TABLE fitness.activities (
    activity_id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    athlete_id           text NOT NULL REFERENCES fitness.athletes,
    source               text NOT NULL,            -- e.g. 'mapmyrun'
    source_workout_id    text NOT NULL,            -- the natural key: the id in the export's Link
    activity_date        date NOT NULL,
    submitted_date       date,
    activity_type        text NOT NULL,            -- as logged ('Run', 'Run / Jog', 'Walk', 'Bike Ride', …)
    distance_km          double precision,
    duration_s           double precision,
    avg_pace_min_per_km  double precision,
    max_pace_min_per_km  double precision,         -- kept as exported; often 0 or impossible
    avg_speed_kmh        double precision,
    max_speed_kmh        double precision,
    calories_kcal        double precision,
    avg_heart_rate       double precision,         -- NULL when the export says 0 or nothing
    steps                integer,
    notes                text,
    source_device        text,
    link                 text,
    -- sha256 over the activity's normalized fields: an unchanged activity is never rewritten.
    activity_hash        text NOT NULL,
    source_sha256        text NOT NULL,            -- the export it was last loaded from
    source_file          text NOT NULL,
    source_line          integer NOT NULL,
    UNIQUE (athlete_id, source, source_workout_id)
);
CREATE INDEX activities_activity_date ON fitness.activities (athlete_id, activity_date);

-- An activity that the athlete's newest complete export no longer holds was deleted in the app:
-- removed from fitness.activities (its label goes with it) and logged here, as workouts are.
CREATE TABLE fitness.removed_activities (
    athlete_id         text NOT NULL,
    source             text NOT NULL,
    source_workout_id  text NOT NULL,
    activity_date      date NOT NULL,
    activity_hash      text NOT NULL,
    last_source_sha256 text NOT NULL,
    removed_at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (athlete_id, source, source_workout_id, activity_hash)
);

-- One label per classified activity. Out-of-scope types (bike, swim, weights) have no row.
CREATE TABLE fitness.activity_classification (
    activity_id    bigint PRIMARY KEY REFERENCES fitness.activities ON DELETE CASCADE,
    label          text NOT NULL CHECK (label IN ('run', 'walk', 'mixed', 'outlier')),
    confidence     double precision NOT NULL CHECK (confidence BETWEEN 0 AND 1),
    method         text NOT NULL CHECK (method IN ('kmeans', 'era_default', 'rule', 'user')),
    model_version  text NOT NULL,
    reason         text
);
