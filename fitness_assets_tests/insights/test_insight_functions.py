"""The insight functions on small generated data with answers known by construction or by hand."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from fitness_assets.defs.resources import InsightsResource, configuration_from
from fitness_assets.lib.insights.anomalies import find_anomalies, flag_method
from fitness_assets.lib.insights.before_after import before_after
from fitness_assets.lib.insights.consistency import consistency_scores, streaks
from fitness_assets.lib.insights.table_rules import (
    flags_inside_bounds,
    intervals_without_estimate,
    scores_out_of_range,
)
from fitness_assets.lib.insights.trends import fit_trend, trend_tables

PARAMS = InsightsResource()            # the defaults: window 8 weeks, streak target 8, k 1.5, z 3, M 3.5
NO_RUNS = pd.DataFrame(columns=["athlete_id", "activity_date", "distance_km", "pace_min_per_km"])
NO_VOLUME = pd.DataFrame(columns=["athlete_id", "week_start", "volume_kg"])


def lifting(days, hour: int = 18, athlete: str = "a") -> pd.DataFrame:
    days = pd.to_datetime(list(days))
    return pd.DataFrame({"athlete_id": athlete, "session_date": days.date,
                         "started_at": days + pd.Timedelta(hours=hour), "kind": "lifting"})


def weekly_volume(first: str, weeks: int, kg: float = 5000.0) -> pd.DataFrame:
    return pd.DataFrame({"athlete_id": "a", "week_start": pd.date_range(first, periods=weeks, freq="7D").date,
                         "volume_kg": kg})


# --- consistency --------------------------------------------------------------------------

def test_a_perfectly_regular_athlete_scores_100():
    """Monday, Wednesday, Friday at 18:00 for 12 weeks, the same volume every week."""
    days = [d for d in pd.date_range("2024-01-01", periods=84) if d.weekday() in (0, 2, 4)]
    scores = consistency_scores(lifting(days), NO_RUNS, weekly_volume("2024-01-01", 12), PARAMS)
    assert len(scores) == 12 and scores["week_start"].iloc[0] == date(2024, 1, 1)
    assert (scores["timing_score"] == 100).all() and (scores["weekday_regularity"] == 100).all()
    assert (scores["time_of_day_regularity"] == 100).all() and (scores["frequency_score"] == 100).all()
    # stability needs 3 weeks of volume; the streak reaches the 8-week target in week 8
    assert scores["stability_score"].isna().tolist()[:3] == [True, True, False]
    assert scores["streak_score"].tolist()[:8] == [12.5, 25.0, 37.5, 50.0, 62.5, 75.0, 87.5, 100.0]
    assert (scores["consistency_score"].iloc[7:] == 100).all()
    last = scores.iloc[-1]
    assert (last["norm_sessions"], last["norm_weeks"], last["sessions"]) == (3.0, 8, 3)
    assert (last["current_streak_weeks"], last["longest_streak_weeks"]) == (12, 12)
    assert (last["current_streak_days"], last["longest_streak_days"]) == (0, 1)   # never two days in a row
    assert scores_out_of_range(scores).empty


def test_one_session_a_week_on_a_different_day_has_no_weekday_pattern():
    """Week w trains on weekday w mod 7: no weekday is trained in more than half the weeks."""
    days = [pd.Timestamp("2024-01-01") + pd.Timedelta(days=7 * w + w % 7) for w in range(14)]
    scores = consistency_scores(lifting(days), NO_RUNS, NO_VOLUME, PARAMS)
    assert scores["weekday_regularity"].iloc[-1] == 0.0
    # same clock time every time: the timing score is the mean of 0 and 100
    assert scores["timing_score"].iloc[-1] == 50.0


def test_frequency_against_the_median_of_the_previous_weeks():
    """Three sessions a week for 8 weeks, then one: 1 / 3 of the norm."""
    days = [d for d in pd.date_range("2024-01-01", periods=56) if d.weekday() in (0, 2, 4)] + ["2024-02-26"]
    scores = consistency_scores(lifting(days), NO_RUNS, NO_VOLUME, PARAMS)
    ninth = scores.iloc[8]
    assert (ninth["sessions"], ninth["norm_sessions"], ninth["frequency_score"]) == (1, 3.0, 33.3)
    # a week without sessions after it (the athlete logged diet until then) scores 0 on frequency
    through = consistency_scores(lifting(days), NO_RUNS, NO_VOLUME, PARAMS, through={"a": date(2024, 3, 6)})
    assert through["week_start"].iloc[-1] == date(2024, 3, 4)
    assert (through["sessions"].iloc[-1], through["frequency_score"].iloc[-1]) == (0, 0.0)
    assert (through["current_streak_weeks"].iloc[-1], through["longest_streak_weeks"].iloc[-1]) == (0, 9)


def test_stability_is_one_minus_the_mean_coefficient_of_variation():
    days = ["2024-01-01", "2024-01-03", "2024-01-05", "2024-01-07"]
    runs = pd.DataFrame({"athlete_id": "a", "activity_date": pd.to_datetime(days).date,
                         "distance_km": [4.0, 5.0, 6.0, 5.0], "pace_min_per_km": [5.0, 5.0, 5.0, 5.0]})
    sessions = pd.DataFrame({"athlete_id": "a", "session_date": pd.to_datetime(days).date,
                             "started_at": pd.NaT, "kind": "activity"})
    week = consistency_scores(sessions, runs, NO_VOLUME, PARAMS).iloc[0]
    cv = np.std([4.0, 5.0, 6.0, 5.0], ddof=1) / 5.0          # 0.1633; pace CV 0
    assert week["run_distance_cv"] == round(cv, 4) and week["run_pace_cv"] == 0.0
    assert week["stability_score"] == round(100 * (1 - cv / 2), 1)
    # runs carry dates only: timing is the weekday part alone
    assert np.isnan(week["time_of_day_regularity"]) and week["timing_score"] == week["weekday_regularity"]
    # Sunday 2024-01-07 trained, Saturday not: the current streak of days is 1
    assert (week["current_streak_days"], week["longest_streak_days"]) == (1, 1)


def test_streaks_by_hand():
    units = np.array([1, 2, 3, 7, 8])
    current, longest = streaks(units, np.array([0, 2, 3, 5, 8, 20]))
    assert current.tolist() == [0, 2, 3, 0, 2, 0]
    assert longest.tolist() == [0, 2, 3, 3, 3, 3]
    assert [a.tolist() for a in streaks(np.array([], dtype=int), np.array([4]))] == [[0], [0]]


# --- trends -------------------------------------------------------------------------------

def test_a_known_slope_is_recovered_within_its_interval_and_matches_scipy():
    rng = np.random.default_rng(3)
    x = np.arange(-25, 1)
    y = 80.0 - 0.2 * x + rng.normal(0, 0.4, len(x))     # slope -0.2 kg/week in time (x counts back)
    trend = fit_trend(x, y)
    reference = stats.linregress(x, y)
    assert trend.slope == pytest.approx(reference.slope, rel=1e-12)
    assert trend.slope_std_error == pytest.approx(reference.stderr, rel=1e-9)
    assert trend.p_value == pytest.approx(reference.pvalue, rel=1e-6)
    assert trend.intercept == pytest.approx(reference.intercept, rel=1e-12)
    assert trend.r_squared == pytest.approx(reference.rvalue ** 2, rel=1e-9)
    assert trend.slope_ci[0] < -0.2 < trend.slope_ci[1] and trend.significant
    half = stats.t.ppf(0.975, len(x) - 2) * reference.stderr
    assert trend.slope_ci == pytest.approx((reference.slope - half, reference.slope + half), rel=1e-9)
    # prediction interval 1 week ahead, by the textbook formula
    ahead = trend.forecast([1]).iloc[0]
    s = np.sqrt(((y - (reference.intercept + reference.slope * x)) ** 2).sum() / (len(x) - 2))
    spread = stats.t.ppf(0.975, len(x) - 2) * s * np.sqrt(1 + 1 / len(x) + (1 - x.mean()) ** 2 / ((x - x.mean()) ** 2).sum())
    assert ahead["predicted"] == pytest.approx(reference.intercept + reference.slope, rel=1e-12)
    assert (ahead["pi_high"] - ahead["predicted"]) == pytest.approx(spread, rel=1e-9)


def test_flat_noise_is_not_significant_and_too_few_points_give_no_trend():
    rng = np.random.default_rng(11)
    flat = fit_trend(np.arange(20), 5 + rng.normal(0, 1, 20))
    assert flat.slope_ci[0] < 0 < flat.slope_ci[1] and not flat.significant
    assert fit_trend(np.arange(3), np.array([1.0, 2.0, 3.0])) is None
    exact = fit_trend(np.arange(5), 2.0 * np.arange(5))
    assert exact.slope == 2.0 and exact.p_value == 0.0 and exact.slope_ci == (2.0, 2.0)


def test_trend_tables_fit_each_window_over_the_weeks_with_data():
    weeks = pd.date_range("2024-01-01", periods=30, freq="7D").date
    series = pd.DataFrame({"athlete_id": "a", "metric": "top_weight_kg", "exercise_name": "Squat (Barbell)",
                           "exercise_id": 7, "week_start": weeks, "value": 100 + 2.5 * np.arange(30)})
    series = series.drop(index=[27, 28])                      # two weeks without the lift
    params = SimpleNamespace(trend_windows_weeks=[12, 52], forecast_weeks=4)
    fitted, forecasts = trend_tables(series, params)
    assert fitted["window_weeks"].tolist() == [12, 52]
    assert fitted["points"].tolist() == [10, 28]             # 12 weeks back from the last, two missing
    assert fitted["slope_per_week"].tolist() == [2.5, 2.5] and fitted["intercept"].tolist() == [172.5, 172.5]
    assert forecasts["week_start"].tolist()[:4] == [date(2024, 7, 29), date(2024, 8, 5), date(2024, 8, 12),
                                                    date(2024, 8, 19)]
    assert forecasts["predicted"].tolist()[:4] == [175.0, 177.5, 180.0, 182.5]
    assert intervals_without_estimate(fitted, forecasts).empty


# --- anomalies ----------------------------------------------------------------------------

def values(numbers, group: str = "run", metric: str = "distance_km") -> pd.DataFrame:
    return pd.DataFrame({"athlete_id": "a", "dataset": "activities", "record_key": [str(i) for i in range(len(numbers))],
                         "record_date": pd.date_range("2024-01-01", periods=len(numbers)).date,
                         "group_key": group, "metric": metric, "value": numbers})


def test_a_planted_outlier_is_flagged_by_all_three_methods():
    rng = np.random.default_rng(5)
    numbers = list(np.round(rng.normal(5.0, 0.2, 19), 3)) + [42.0]
    found = find_anomalies(values(numbers), PARAMS)
    assert set(zip(found["record_key"], found["method"])) == {("19", "iqr"), ("19", "zscore"), ("19", "mad")}
    assert (found["group_size"] == 20).all() and flags_inside_bounds(found).empty
    assert all(found["reason"].str.startswith("distance_km 42 above its group: "))
    assert (found["group_median"] == np.median(numbers)).all()


def test_each_method_by_hand():
    numbers = [10, 10, 11, 12, 12, 13, 14, 30]
    frame = values(numbers)
    iqr = flag_method(frame, "iqr", PARAMS)
    # Q1 = 10.75, Q3 = 13.25 (linear), IQR = 2.5, fences 7 and 17
    assert iqr["record_key"].tolist() == ["7"]
    assert (iqr["lower_bound"].iloc[0], iqr["upper_bound"].iloc[0]) == (7.0, 17.0)
    # z-score: 8 values can never exceed (8 − 1)/√8 = 2.47 > 3 is impossible — masking, documented
    assert flag_method(frame, "zscore", PARAMS).empty
    # MAD: median 12, |deviations| 2,2,1,0,0,1,2,18 → MAD 1.5; M(30) = 0.6745 · 18 / 1.5 = 8.09
    mad = flag_method(frame, "mad", PARAMS)
    assert mad["record_key"].tolist() == ["7"] and mad["score"].iloc[0] == pytest.approx(0.6745 * 18 / 1.5)


def test_one_value_apart_from_eleven_equal_ones_by_hand():
    frame = values([10.0] * 11 + [50.0])
    # z-score: mean 160/12 = 13.33, σ² = (11 · (10/3)² + (110/3)²) / 12 = 1466.67 / 12, σ = 11.06, z = √11 = 3.32
    z = flag_method(frame, "zscore", PARAMS)
    assert z["record_key"].tolist() == ["11"] and z["score"].iloc[0] == pytest.approx(11 ** 0.5)
    assert z["reason"].iloc[0] == ("distance_km 50 above its group: z = 3.32, beyond ±3 "
                                   "(mean 13.33, standard deviation 11.06)")
    # MAD 0 (eleven values equal the median 10): mean absolute deviation 40/12, M = 40 / (1.253314 · 40/12) = 9.57
    mad = flag_method(frame, "mad", PARAMS)
    assert mad["score"].iloc[0] == pytest.approx(12 / 1.253314)
    assert mad["reason"].iloc[0].endswith("modified z = 9.57, beyond ±3.5 (median 10, MAD 0, mean absolute "
                                          "deviation 3.333)")
    assert flag_method(frame, "iqr", PARAMS).empty  # Q1 = Q3 = 10: no spread, no fences


def test_no_spread_and_small_groups():
    # more than half equal: MAD 0, the mean absolute deviation stands in; IQR 0 flags nothing
    numbers = [100.0] * 9 + [140.0]
    assert flag_method(values(numbers), "iqr", PARAMS).empty
    mad = flag_method(values(numbers), "mad", PARAMS)
    assert mad["record_key"].tolist() == ["9"] and "mean absolute deviation 4" in mad["reason"].iloc[0]
    # fewer than anomaly_min_group values are not judged
    assert find_anomalies(values([5.0] * 6 + [50.0]), PARAMS).empty
    with pytest.raises(ValueError, match="unknown anomaly method"):
        flag_method(values(numbers), "grubbs", PARAMS)


# --- before / after -----------------------------------------------------------------------

def test_before_and_after_by_hand():
    activities = pd.DataFrame({
        "athlete_id": "a",
        "activity_date": pd.to_datetime(["2024-01-01", "2024-01-15", "2024-01-31", "2024-02-05", "2024-02-06",
                                         "2024-02-07", "2024-02-08", "2024-03-01"]).date,
        "label": ["run", "run", "outlier", "walk", "walk", "run", "mixed", None],
        "distance_km": [5.0, 7.0, 0.0, 3.0, 3.0, 6.0, 4.0, 20.0],
        "duration_s": [1500.0, 2100.0, 600.0, 2700.0, 2700.0, 1800.0, 2400.0, 3600.0]})
    workouts = pd.DataFrame({"athlete_id": "a", "training_date": pd.to_datetime(["2024-01-10", "2024-02-20"]).date})
    events = pd.DataFrame({"athlete_id": ["a"], "event_week": [date(2024, 2, 5)], "method": ["detected"]})
    before, after = before_after(activities, workouts, events).to_dict("records")
    # before: 2024-01-01 … 2024-02-04 = 35 days; after: 2024-02-05 … 2024-03-01 = 26 days
    assert (before["first_date"], before["last_date"], after["first_date"], after["last_date"]) == (
        date(2024, 1, 1), date(2024, 2, 4), date(2024, 2, 5), date(2024, 3, 1))
    assert before["months"] == round(35 / (365.25 / 12), 4) and before["activities"] == 3
    assert before["activities_per_month"] == round(3 / (35 / (365.25 / 12)), 4)
    assert (before["runs"], before["outliers"], before["run_share"], before["outlier_share"]) == (2, 1, 0.6667, 0.3333)
    assert before["avg_pace_min_per_km"] == 5.0 and before["avg_distance_km"] == 6.0   # 60 min / 12 km
    assert (after["runs"], after["walks"], after["mixed"], after["activities"]) == (1, 2, 1, 5)
    assert (after["walk_share"], after["run_share"], after["mixed_share"]) == (0.5, 0.25, 0.25)
    # (45 + 45 + 30 + 40) min / (3 + 3 + 6 + 4) km = 10 min/km; the unlabelled ride is not on foot
    assert after["avg_pace_min_per_km"] == 10.0 and after["avg_run_pace_min_per_km"] == 5.0
    assert (before["lifting_sessions"], after["lifting_sessions"]) == (1, 1)


# --- configuration ------------------------------------------------------------------------

def test_trend_windows_come_from_a_comma_separated_variable():
    configured = configuration_from({"FITNESS_TREND_WINDOWS_WEEKS": "8, 26", "FITNESS_ANOMALY_IQR_K": "3"})
    assert configured.insights.trend_windows_weeks == [8, 26] and configured.insights.iqr_k == 3.0
    assert configuration_from({}).insights.trend_windows_weeks == [12, 26, 52]
