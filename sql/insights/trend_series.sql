-- The weekly series the `trends` asset fits (lib/insights/trends.py), one value per athlete,
-- metric and week with data. :main_lifts is how many lifts per athlete get a top-weight series:
-- those trained (with a weight, outside warm-ups) in the most weeks, ties by name. Values are
-- rounded to 4 decimals in numeric arithmetic, so the same warehouse gives the same doubles.
-- :athletes keeps only those athletes' series (NULL: every athlete's).
WITH runs AS (
    SELECT a.athlete_id, date_trunc('week', a.activity_date)::date AS week_start, a.distance_km, a.duration_s
    FROM fitness.activities a
    JOIN fitness.activity_classification c USING (activity_id)
    WHERE c.label = 'run' AND (CAST(:athletes AS text[]) IS NULL OR a.athlete_id = ANY(CAST(:athletes AS text[])))
), lifts AS (
    SELECT w.athlete_id, e.exercise_id, e.exercise_name, date_trunc('week', w.training_date)::date AS week_start,
           max(s.weight_kg) AS top_weight_kg
    FROM fitness.sets s
    JOIN fitness.workout_exercises we USING (workout_exercise_id)
    JOIN fitness.workouts w USING (workout_id)
    JOIN fitness.exercises e ON e.exercise_id = we.exercise_id
    WHERE s.set_type <> 'warmup' AND s.weight_kg > 0
      AND (CAST(:athletes AS text[]) IS NULL OR w.athlete_id = ANY(CAST(:athletes AS text[])))
    GROUP BY w.athlete_id, e.exercise_id, e.exercise_name, date_trunc('week', w.training_date)
), diet AS (
    SELECT athlete_id, diet_date, bodyweight_kg, calories_kcal FROM fitness.diet_daily
    WHERE CAST(:athletes AS text[]) IS NULL OR athlete_id = ANY(CAST(:athletes AS text[]))
), main_lifts AS (
    SELECT athlete_id, exercise_id
    FROM (SELECT athlete_id, exercise_id,
                 row_number() OVER (PARTITION BY athlete_id ORDER BY count(*) DESC, exercise_name) AS lift_rank
          FROM lifts GROUP BY athlete_id, exercise_id, exercise_name) ranked
    WHERE lift_rank <= :main_lifts
)
SELECT athlete_id, 'run_distance_km' AS metric, '' AS exercise_name, NULL::bigint AS exercise_id, week_start,
       round(sum(distance_km)::numeric, 4)::float8 AS value
FROM runs WHERE distance_km IS NOT NULL GROUP BY athlete_id, week_start
UNION ALL
SELECT athlete_id, 'run_pace_min_per_km', '', NULL, week_start,
       round((sum(duration_s) / 60.0 / sum(distance_km))::numeric, 4)::float8
FROM runs WHERE distance_km > 0 AND duration_s > 0 GROUP BY athlete_id, week_start
UNION ALL
SELECT athlete_id, 'bodyweight_kg', '', NULL, date_trunc('week', diet_date)::date, round(avg(bodyweight_kg), 4)::float8
FROM diet WHERE bodyweight_kg IS NOT NULL GROUP BY athlete_id, date_trunc('week', diet_date)
UNION ALL
SELECT athlete_id, 'calories_kcal', '', NULL, date_trunc('week', diet_date)::date, round(avg(calories_kcal), 4)::float8
FROM diet WHERE calories_kcal IS NOT NULL GROUP BY athlete_id, date_trunc('week', diet_date)
UNION ALL
SELECT l.athlete_id, 'top_weight_kg', l.exercise_name, l.exercise_id, l.week_start, round(l.top_weight_kg, 4)::float8
FROM lifts l JOIN main_lifts m USING (athlete_id, exercise_id)
ORDER BY 1, 2, 3, 5
