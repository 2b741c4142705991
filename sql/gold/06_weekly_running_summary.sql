-- Per athlete and Monday week with at least one logged activity (MapMyRun today), by the
-- classifier's label (fitness.activity_classification). Runs and walks are summed; mixed
-- outings and outliers (implausible recordings) are only counted, so they never distort a pace;
-- activities without a label (rides, swims, …) count as other_activities.
--   run/walk distance and duration: sums of the known values (0 when none that week).
--   avg_run_pace_min_per_km: total time / total distance over the runs that have both, so a long
--     run weighs more than a short one (a mean of per-run paces would not).
--   fastest_run_pace_min_per_km: the best pace among runs of at least fastest_run_min_distance_km
--     (compared as the report shows the distance, to 2 decimals), so a sprint never counts.
-- Distances round to 2 decimals (km), durations to 1 decimal (minutes), paces to 2 decimals
-- (min/km), half away from zero on numeric.
CREATE OR REPLACE VIEW fitness.weekly_running_summary AS
WITH thresholds AS (
    SELECT 3::numeric AS fastest_run_min_distance_km
),
labelled AS (
    SELECT a.athlete_id,
           date_trunc('week', a.activity_date)::date AS week_start,
           c.label,
           a.distance_km::numeric                    AS distance_km,
           a.duration_s::numeric                     AS duration_s,
           (a.distance_km > 0 AND a.duration_s > 0)  AS has_pace
    FROM fitness.activities a
    LEFT JOIN fitness.activity_classification c USING (activity_id)
)
SELECT l.athlete_id,
       l.week_start,
       count(*)                                                        AS logged_activities,
       count(*) FILTER (WHERE l.label = 'run')                         AS runs,
       count(*) FILTER (WHERE l.label = 'walk')                        AS walks,
       count(*) FILTER (WHERE l.label = 'mixed')                       AS mixed_activities,
       count(*) FILTER (WHERE l.label = 'outlier')                     AS outlier_activities,
       count(*) FILTER (WHERE l.label IS NULL)                         AS other_activities,
       round(coalesce(sum(l.distance_km) FILTER (WHERE l.label = 'run'), 0), 2)       AS run_distance_km,
       round(coalesce(sum(l.duration_s) FILTER (WHERE l.label = 'run'), 0) / 60, 1)   AS run_duration_min,
       round(sum(l.duration_s) FILTER (WHERE l.label = 'run' AND l.has_pace) / 60
             / sum(l.distance_km) FILTER (WHERE l.label = 'run' AND l.has_pace), 2)  AS avg_run_pace_min_per_km,
       round(max(l.distance_km) FILTER (WHERE l.label = 'run'), 2)                    AS longest_run_km,
       round(min(l.duration_s / 60 / l.distance_km)
             FILTER (WHERE l.label = 'run' AND l.has_pace
                     AND round(l.distance_km, 2) >= t.fastest_run_min_distance_km), 2) AS fastest_run_pace_min_per_km,
       t.fastest_run_min_distance_km,
       round(coalesce(sum(l.distance_km) FILTER (WHERE l.label = 'walk'), 0), 2)      AS walk_distance_km,
       round(coalesce(sum(l.duration_s) FILTER (WHERE l.label = 'walk'), 0) / 60, 1)  AS walk_duration_min
FROM labelled l
CROSS JOIN thresholds t
GROUP BY l.athlete_id, l.week_start, t.fastest_run_min_distance_km;
