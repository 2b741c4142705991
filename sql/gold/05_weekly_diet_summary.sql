-- Per athlete and Monday week. Macro and calorie averages round to whole numbers, bodyweight
-- to 2 decimals; cardio_weekly_min is the week's maximum of the daily weekly-cardio field;
-- logged_days counts diet rows. The week's cycle is the one most of its days belong to
-- (ties: the later cycle).
-- `days` is NOT MATERIALIZED: used twice, PostgreSQL would otherwise compute it for every athlete
-- and week before filtering, so a query for one athlete-week (the dashboard's This week) could not
-- reach diet_daily's primary key.
CREATE OR REPLACE VIEW fitness.weekly_diet_summary AS
WITH days AS NOT MATERIALIZED (
    SELECT d.*, date_trunc('week', d.diet_date)::date AS week_start FROM fitness.diet_daily d
),
week_cycle AS (
    SELECT DISTINCT ON (athlete_id, week_start) athlete_id, week_start, cycle_id
    FROM days
    WHERE cycle_id IS NOT NULL
    GROUP BY athlete_id, week_start, cycle_id
    ORDER BY athlete_id, week_start, count(*) DESC, cycle_id DESC
)
SELECT days.athlete_id,
       days.week_start,
       round(avg(days.calories_kcal))       AS avg_calories_kcal,
       round(avg(days.carbs_g))             AS avg_carbs_g,
       round(avg(days.protein_g))           AS avg_protein_g,
       round(avg(days.fat_g))               AS avg_fat_g,
       max(days.cardio_weekly_min)          AS cardio_weekly_min,
       round(avg(days.bodyweight_kg), 2)    AS avg_bodyweight_kg,
       count(*)                             AS logged_days,
       wc.cycle_id
FROM days
LEFT JOIN week_cycle wc USING (athlete_id, week_start)
GROUP BY days.athlete_id, days.week_start, wc.cycle_id;
