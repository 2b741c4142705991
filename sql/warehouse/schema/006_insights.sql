-- Insights (issue 13): computed once by the `insights` assets (fitness_assets/lib/insights/),
-- read alike by the weekly payload, the report and the dashboard. Every table is derived: its
-- asset rewrites exactly the rows that changed (an unchanged warehouse writes nothing), so
-- nothing here is history to protect. Weeks are Mondays; paces are min/km, distances km.

-- The life event the classifier used for each athlete (detected change point, or the configured
-- date): written by `activity_classification` with its labels, so before/after reads the same split.
CREATE TABLE fitness.life_events (
    athlete_id           text PRIMARY KEY REFERENCES fitness.athletes,
    event_week           date NOT NULL,             -- Monday of the first week of the new era
    method               text NOT NULL CHECK (method IN ('detected', 'configured')),
    gain                 double precision,          -- l2 cost reduction of the split (detected only)
    weeks_before         integer NOT NULL,
    weeks_after          integer NOT NULL,
    weekly_count_before  double precision NOT NULL,
    weekly_count_after   double precision NOT NULL,
    median_pace_before   double precision,
    median_pace_after    double precision,
    model_version        text NOT NULL
);

-- Consistency per athlete-week, 0–100, with every dimension's inputs (lib/insights/consistency.py
-- documents the formula). A dimension without inputs is NULL and left out of the mean.
CREATE TABLE fitness.consistency_weekly (
    athlete_id               text NOT NULL REFERENCES fitness.athletes,
    week_start               date NOT NULL,
    consistency_score        double precision NOT NULL CHECK (consistency_score BETWEEN 0 AND 100),
    window_weeks             integer NOT NULL,        -- the trailing window the dimensions look at
    -- frequency: sessions this week against the median of the previous window_weeks weeks
    frequency_score          double precision NOT NULL,
    sessions                 integer NOT NULL,
    lifting_sessions         integer NOT NULL,
    activity_sessions        integer NOT NULL,
    norm_sessions            double precision,        -- NULL in an athlete's first week
    norm_weeks               integer NOT NULL,        -- previous weeks the norm was taken over
    -- timing regularity: weekdays kept to the usual pattern, and the clock time of lifting sessions
    timing_score             double precision,
    weekday_regularity       double precision,        -- 0–100
    time_of_day_regularity   double precision,        -- 0–100 (mean resultant length of start times)
    training_days_in_window  integer NOT NULL,
    timed_sessions_in_window integer NOT NULL,
    -- performance stability: 100 · (1 − mean coefficient of variation), floored at 0
    stability_score          double precision,
    run_pace_cv              double precision,
    run_distance_cv          double precision,
    lifting_volume_cv        double precision,
    runs_in_window           integer NOT NULL,
    lifting_weeks_in_window  integer NOT NULL,
    -- streaks as of the week's Sunday
    streak_score             double precision NOT NULL,
    current_streak_days      integer NOT NULL,
    longest_streak_days      integer NOT NULL,
    current_streak_weeks     integer NOT NULL,
    longest_streak_weeks     integer NOT NULL,
    PRIMARY KEY (athlete_id, week_start)
);

-- The weekly series the trends are fitted on (one value per athlete, metric and week with data).
-- exercise_name is '' for metrics that are not a lift's top weight.
CREATE TABLE fitness.trend_series (
    athlete_id     text NOT NULL REFERENCES fitness.athletes,
    metric         text NOT NULL,
    exercise_name  text NOT NULL DEFAULT '',
    exercise_id    bigint,
    week_start     date NOT NULL,
    value          double precision NOT NULL,
    PRIMARY KEY (athlete_id, metric, exercise_name, week_start)
);

-- Ordinary least squares of value on week over the last window_weeks weeks of each series.
CREATE TABLE fitness.trends (
    athlete_id       text NOT NULL REFERENCES fitness.athletes,
    metric           text NOT NULL,
    exercise_name    text NOT NULL DEFAULT '',
    exercise_id      bigint,
    window_weeks     integer NOT NULL,
    first_week       date NOT NULL,
    last_week        date NOT NULL,
    points           integer NOT NULL,
    slope_per_week   double precision NOT NULL,
    slope_ci_low     double precision NOT NULL,     -- 95 percent confidence interval of the slope
    slope_ci_high    double precision NOT NULL,
    slope_std_error  double precision NOT NULL,
    t_statistic      double precision,              -- NULL when the fit is exact (no residual)
    p_value          double precision NOT NULL,     -- two-sided t test of slope = 0
    significant      boolean NOT NULL,              -- p_value < 0.05
    intercept        double precision NOT NULL,     -- fitted value at last_week
    r_squared        double precision,
    residual_std     double precision NOT NULL,
    PRIMARY KEY (athlete_id, metric, exercise_name, window_weeks)
);

CREATE TABLE fitness.trend_forecasts (
    athlete_id     text NOT NULL REFERENCES fitness.athletes,
    metric         text NOT NULL,
    exercise_name  text NOT NULL DEFAULT '',
    window_weeks   integer NOT NULL,
    week_start     date NOT NULL,
    weeks_ahead    integer NOT NULL,
    predicted      double precision NOT NULL,
    mean_ci_low    double precision NOT NULL,       -- 95 percent interval of the fitted line
    mean_ci_high   double precision NOT NULL,
    pi_low         double precision NOT NULL,       -- 95 percent prediction interval of one new week
    pi_high        double precision NOT NULL,
    PRIMARY KEY (athlete_id, metric, exercise_name, window_weeks, week_start)
);

-- One row per flagged value and method: runs and walks, sets, diet days.
CREATE TABLE fitness.anomalies (
    athlete_id    text NOT NULL REFERENCES fitness.athletes,
    dataset       text NOT NULL CHECK (dataset IN ('activities', 'sets', 'diet_days')),
    record_key    text NOT NULL,         -- activity_id, set_id or the diet date
    record_date   date NOT NULL,
    group_key     text NOT NULL,         -- what it is compared with: a label, an exercise, a cycle
    metric        text NOT NULL,
    method        text NOT NULL CHECK (method IN ('iqr', 'zscore', 'mad')),
    value         double precision NOT NULL,
    score         double precision NOT NULL,      -- (value − centre) / spread of the method
    threshold     double precision NOT NULL,
    lower_bound   double precision NOT NULL,
    upper_bound   double precision NOT NULL,
    centre        double precision NOT NULL,      -- median (iqr, mad) or mean (zscore)
    group_median  double precision NOT NULL,      -- the group's median, whatever the method
    group_size    integer NOT NULL,
    reason        text NOT NULL,
    PRIMARY KEY (athlete_id, dataset, record_key, metric, method)
);
CREATE INDEX anomalies_record_date ON fitness.anomalies (athlete_id, record_date);

-- Before and after the life event, one row per athlete and period.
CREATE TABLE fitness.before_after (
    athlete_id                 text NOT NULL REFERENCES fitness.athletes,
    period                     text NOT NULL CHECK (period IN ('before', 'after')),
    event_week                 date NOT NULL,
    event_method               text NOT NULL,
    first_date                 date,
    last_date                  date,
    months                     double precision NOT NULL,
    activities                 integer NOT NULL,
    activities_per_month       double precision,
    lifting_sessions           integer NOT NULL,
    lifting_sessions_per_month double precision,
    runs                       integer NOT NULL,
    walks                      integer NOT NULL,
    mixed                      integer NOT NULL,
    outliers                   integer NOT NULL,
    run_share                  double precision,
    walk_share                 double precision,
    mixed_share                double precision,
    outlier_share              double precision,
    avg_pace_min_per_km        double precision,   -- runs, walks and mixed: total time / total distance
    avg_run_pace_min_per_km    double precision,
    avg_distance_km            double precision,   -- runs, walks and mixed: mean distance
    avg_run_distance_km        double precision,
    PRIMARY KEY (athlete_id, period)
);
