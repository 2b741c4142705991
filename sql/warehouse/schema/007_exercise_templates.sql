-- The Hevy API's exercise templates (issue 12): each exercise's template, type and equipment, and
-- the muscles each set works with a weight (the template's primary muscle group 1.0, each
-- secondary 0.5; an exercise no template covers: its curated group, or 'Unmapped', 1.0).
CREATE TABLE fitness.exercise_templates (
    exercise_template_id     text PRIMARY KEY,
    title                    text NOT NULL,
    exercise_type            text,
    equipment                text,
    primary_muscle_group     text,
    secondary_muscle_groups  text[] NOT NULL DEFAULT '{}',
    is_custom                boolean NOT NULL
);

ALTER TABLE fitness.exercises
    ADD COLUMN exercise_template_id text,
    ADD COLUMN exercise_type text,
    ADD COLUMN equipment text;

CREATE TABLE fitness.exercise_muscle_weights (
    exercise_id      bigint NOT NULL REFERENCES fitness.exercises ON DELETE CASCADE,
    muscle_group_id  integer NOT NULL REFERENCES fitness.muscle_groups,
    weight           numeric(3, 2) NOT NULL CHECK (weight > 0 AND weight <= 1),
    -- 'template' (the exercise's Hevy template), 'curated' (data/exercise_muscle_map.csv) or 'unmapped'
    mapped_by        text NOT NULL,
    PRIMARY KEY (exercise_id, muscle_group_id)
);

-- The Hevy account's body-weight measurements (/v1/body_measurements): they fill the body weight of
-- days the diet log has none for (gold: weekly_fitness_summary; the payload says how many days).
CREATE TABLE fitness.body_weights (
    athlete_id     text NOT NULL REFERENCES fitness.athletes,
    measured_on    date NOT NULL,
    weight_kg      numeric(6, 2) NOT NULL CHECK (weight_kg > 0),
    source_sha256  text NOT NULL,   -- the full sync record that holds it
    PRIMARY KEY (athlete_id, measured_on)
);
