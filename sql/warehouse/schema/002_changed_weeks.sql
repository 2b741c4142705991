-- The weekly payloads each load changed, keyed by the load (the Dagster run id of the ingest).
-- The `weekly_refresh_after_ingest` sensor re-materializes exactly these weeks.
CREATE TABLE fitness.changed_weeks (
    load_id      text NOT NULL,
    athlete_id   text NOT NULL,
    week_start   date NOT NULL,
    recorded_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (load_id, athlete_id, week_start)
);
