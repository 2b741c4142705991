-- The stored labels summed up per athlete, as the dashboard's Classifier page shows them: labels
-- per year, and what each label holds. `activity_classification` rewrites both in the transaction
-- that writes the labels (store.write_label_summaries), so a page load reads a few dozen rows
-- instead of joining every labelled activity of the athlete to fitness.activities twice (50,000
-- rows an athlete on the benchmark's 1,000,000 activities: 0.44 + 0.52 s by EXPLAIN ANALYZE).
-- An activity a later load deletes takes its label with it (ON DELETE CASCADE); the summaries
-- count it until the next classification, which ingest_job runs right after every load.
CREATE TABLE fitness.classification_label_years (
    athlete_id       text NOT NULL REFERENCES fitness.athletes,
    year             integer NOT NULL,            -- of activity_date
    label            text NOT NULL,
    activities       integer NOT NULL,
    mean_confidence  double precision NOT NULL,
    PRIMARY KEY (athlete_id, year, label)
);

CREATE TABLE fitness.classification_label_profiles (
    athlete_id              text NOT NULL REFERENCES fitness.athletes,
    label                   text NOT NULL,
    method                  text NOT NULL,
    model_version           text NOT NULL,
    activities              integer NOT NULL,
    median_pace_min_per_km  double precision,     -- NULL when no activity of the group has a pace
    median_distance_km      double precision,
    median_confidence       double precision NOT NULL,
    PRIMARY KEY (athlete_id, label, method, model_version)
);

-- A warehouse classified before this migration shows its counts at once, not after the next run.
INSERT INTO fitness.classification_label_years
SELECT a.athlete_id, extract(year FROM a.activity_date)::int, c.label, count(*),
       avg(c.confidence::numeric)::double precision
FROM fitness.activity_classification c JOIN fitness.activities a USING (activity_id)
GROUP BY 1, 2, 3;

INSERT INTO fitness.classification_label_profiles
SELECT a.athlete_id, c.label, c.method, c.model_version, count(*),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.avg_pace_min_per_km),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY a.distance_km),
       percentile_cont(0.5) WITHIN GROUP (ORDER BY c.confidence)
FROM fitness.activity_classification c JOIN fitness.activities a USING (activity_id)
GROUP BY 1, 2, 3, 4;
