"""The silver_activities rules (lib/quality/activity_rules.py) on parsed MapMyRun exports."""

from __future__ import annotations

from datetime import date

import dagster as dg
import pandas as pd

from fitness_assets.lib.quality import activity_rules
from fitness_assets.lib.raw.zone import land_inbox
from fitness_assets.lib.silver.build import build_silver, empty_frame
from fitness_assets.lib.silver.quarantine import empty_quarantine
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets.lib.silver.sources import ACTIVITIES
from fitness_assets_tests.conftest import hevy_csv
from fitness_assets_tests.harness import check_evaluations, failed_checks, run_ingest
from fitness_assets_tests.lib.silver.test_mapmyrun import activity, mapmyrun_csv


def silver_of(tmp_path, rows, variant="metric", today=date(2025, 12, 1)):
    (tmp_path / "inbox").mkdir(exist_ok=True)
    (tmp_path / "inbox" / "user7_workout_history.csv").write_bytes(mapmyrun_csv(rows, variant))
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    silver = build_silver(tmp_path / "raw", manifest, bounds=DateBounds(today=today))
    return silver, pd.DataFrame([vars(f) for f in silver.files])


def lines(found) -> list[int]:
    return sorted(int(x) for x in found.offending["line"])


def test_every_rule_passes_on_an_empty_frame():
    frame, quarantine = empty_frame(ACTIVITIES), empty_quarantine()
    for found in (activity_rules.duplicate_workout_ids(frame, quarantine), activity_rules.non_negative(frame, quarantine),
                  activity_rules.distance_with_duration(frame), activity_rules.plausible_foot_speed(frame),
                  activity_rules.heart_rate_in_range(frame), activity_rules.no_future_dates(frame, quarantine),
                  activity_rules.no_dates_before_earliest_year(frame, quarantine)):
        assert found.passed and found.checked == 0


def test_duplicate_ids_are_listed_from_the_quarantine_and_from_the_frame(tmp_path):
    silver, accounts = silver_of(tmp_path, [activity(1), activity(1), activity(2, distance="1"),
                                            activity(2, distance="2"), activity(3)])
    found = activity_rules.duplicate_workout_ids(silver.activities, silver.quarantine, accounts)
    assert lines(found) == [3, 4, 5]
    assert set(found.offending["file"]) == {"user7_workout_history.csv"}
    # a duplicate that reached the frame (a parser regression, or two sources one day) is listed too
    doubled = pd.concat([silver.activities, silver.activities.tail(1)], ignore_index=True)
    found = activity_rules.duplicate_workout_ids(doubled, silver.quarantine.iloc[0:0], accounts)
    assert found.offending["workout_id"].tolist() == ["3", "3"]
    assert found.offending["problem"].tolist()[0] == "workout id 3 appears more than once"


def test_negative_values_are_listed_from_the_quarantine(tmp_path):
    silver, _ = silver_of(tmp_path, [activity(1), activity(2, calories="-5")])
    found = activity_rules.non_negative(silver.activities, silver.quarantine)
    assert lines(found) == [3] and found.offending["problem"].tolist() == ["'-5' in Calories Burned (kcal) is negative"]


def test_a_run_with_a_duration_and_no_distance_is_reported_a_weight_workout_is_not(tmp_path):
    silver, accounts = silver_of(tmp_path, [
        activity(1, distance="0", duration="1800"), activity(2, distance="", duration="1800", activity_type="Walk"),
        activity(3, distance="0", duration="2400", activity_type="Weight Workout"),
        activity(4, distance="0", duration="0"), activity(5)])
    found = activity_rules.distance_with_duration(silver.activities, accounts)
    assert lines(found) == [2, 3]
    assert found.offending["problem"].tolist()[0] == "a duration of 1,800 s but no distance"
    assert found.checked == 4  # the activities that cover a distance


def test_impossible_speed_on_foot_is_reported_on_a_bike_it_is_not(tmp_path):
    silver, accounts = silver_of(tmp_path, [
        activity(1, distance="20", duration="1800", avg_speed="40", activity_type="Run / Jog"),  # 40 km/h
        activity(2, distance="5", duration="3600", avg_speed="45", activity_type="Walk"),  # logged avg absurd
        activity(3, distance="20", duration="1800", avg_speed="40", activity_type="Bike Ride"),
        activity(4, distance="5", duration="1500", avg_speed="12", max_speed="124", activity_type="Run")])
    found = activity_rules.plausible_foot_speed(silver.activities, accounts)
    assert lines(found) == [2, 3]
    assert found.offending["problem"].tolist() == ["an average of 40.0 km/h on foot (above 30)",
                                                   "an average of 45.0 km/h on foot (above 30)"]
    assert activity_rules.FOOT_MAX_SPEED_KMH == 30.0


def test_heart_rate_outside_30_to_230_is_reported_zero_is_missing(tmp_path):
    silver, accounts = silver_of(tmp_path, [activity(1, avg_heart_rate="0"), activity(2, avg_heart_rate="25"),
                                            activity(3, avg_heart_rate="231"), activity(4, avg_heart_rate="230")])
    found = activity_rules.heart_rate_in_range(silver.activities, accounts)
    assert lines(found) == [3, 4]
    assert found.checked == 3
    assert found.offending["problem"].tolist()[0] == "average heart rate 25 bpm is outside 30–230"


def test_future_and_too_early_dates_are_reported_from_the_quarantine(tmp_path):
    silver, _ = silver_of(tmp_path, [activity(3, workout_date="Jan. 5, 2099"), activity(2),
                                     activity(1, workout_date="June 1, 1985")])
    future = activity_rules.no_future_dates(silver.activities, silver.quarantine)
    early = activity_rules.no_dates_before_earliest_year(silver.activities, silver.quarantine)
    assert lines(future) == [2] and lines(early) == [4]
    assert future.offending["problem"].tolist()[0].startswith("activity date 2099-01-05 is after today")
    assert set(future.offending["file"]) == {"user7_workout_history.csv"}


def test_an_ingest_with_a_mapmyrun_export_materializes_silver_activities_and_reports_its_checks(settings):
    """The whole ingest_job, as Dagster runs it: the activities frame is an asset with its checks,
    including the removal guard that gates the warehouse load."""
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv([]))
    (settings.inbox / "user7_workout_history.csv").write_bytes(mapmyrun_csv([
        activity(3, workout_date="Oct. 7, 2025", avg_heart_rate="0"),
        activity(2, workout_date="Sept. 14, 2019", distance="20", duration="1800", avg_speed="40"),
        activity(1, workout_date="Aug. 25, 2015", avg_heart_rate="250")], "metric"))
    instance = dg.DagsterInstance.ephemeral()
    result = run_ingest(settings, instance)
    assert result.success
    materialized = {m.asset_key.to_user_string(): m for m in
                    (e.event_specific_data.materialization for e in result.get_asset_materialization_events())}
    assert materialized["silver_activities"].metadata["rows"].value == 3
    evaluations = check_evaluations(instance, result.run_id)
    assert {name for asset, name in evaluations if asset == "silver_activities"} == {
        "no_duplicate_workout_ids", "no_negative_values", "no_future_dates", "no_dates_before_earliest_year",
        "distance_with_duration", "plausible_foot_speed", "heart_rate_in_range", "removals_confirmed"}
    failed = {k: v for k, v in failed_checks(instance, result.run_id).items() if k[0] == "silver_activities"}
    assert failed == {("silver_activities", "plausible_foot_speed"): "WARN",
                      ("silver_activities", "heart_rate_in_range"): "WARN"}
