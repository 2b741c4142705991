-- The Hevy API's ids (issue 12), where the source has them: a workout loaded from a CSV export
-- has none. The workout key stays (athlete, start, title), shared by both sources; the ids tie a
-- loaded workout, exercise block and set back to the account's own.
ALTER TABLE fitness.workouts ADD COLUMN hevy_workout_id text;
ALTER TABLE fitness.workout_exercises ADD COLUMN exercise_template_id text;
ALTER TABLE fitness.sets ADD COLUMN hevy_set_id text;
CREATE INDEX workouts_hevy_workout_id ON fitness.workouts (athlete_id, hevy_workout_id)
    WHERE hevy_workout_id IS NOT NULL;
