"""The sample's MapMyRun workout history: shaped like the real export in each header variant, read
by the real parser to the same activities, and the run/walk classifier (default parameters)
recovers the planted labels and life event from it.

Headers are spelled out here rather than imported from the generator, so a change to its
constants cannot silently change the contract the parser relies on.
"""

from __future__ import annotations

import json
import re
from datetime import date

import numpy as np
import pandas as pd
import pytest

from fitness_assets.defs.resources import ClassifierResource
from fitness_assets.lib.insights.classify import classify
from fitness_assets.lib.raw.formats import MAPMYRUN, detect_export
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets.lib.silver.sources.mapmyrun import parse_mapmyrun
from fitness_assets.schemas.silver import SilverActivity
from tools.generate import planted_running_truth, write_sample_exports
from tools.generate.__main__ import main as generate_main

FILE_NAME = "user48613207_workout_history.csv"
HEADER_LINES = {
    "imperial": "Date Submitted,Workout Date,Activity Type,Calories Burned (kCal),Distance (mi),Workout Time (seconds),"
                "Avg Pace (min/mi),Max Pace (min/mi),Avg Speed (mi/h),Max Speed (mi/h),Avg Heart Rate,Steps,Notes,"
                "Source,Link",
    "metric": "Date Submitted,Workout Date,Activity Type,Calories Burned (kCal),Distance (km),Workout Time (seconds),"
              "Avg Pace (min/km),Max Pace (min/km),Avg Speed (km/h),Max Speed (km/h),Avg Heart Rate,Steps,Notes,"
              "Source,Link",
    "oldest": "Date Submitted,Workout Date,Activity Type,Calories Burned (kcal),Distance (mi),Workout Time (seconds),"
              "Avg Pace (min/mi),Max Pace,Avg Speed (mi/h),Max Speed,Avg Heart Rate,Steps,Notes,Source,Link",
}
UNITS = {"imperial": "mi", "metric": "km", "oldest": "mi"}
AP_DATE = r'"(?:Jan\.|Feb\.|March|April|May|June|July|Aug\.|Sept\.|Oct\.|Nov\.|Dec\.) \d{1,2}, \d{4}"'
# Six significant digits in each column, so two unit systems agree to within 1e-5 relative.
RELATIVE = 1e-5
NUMBERS = ["distance_km", "avg_pace_min_per_km", "max_pace_min_per_km", "avg_speed_kmh", "max_speed_kmh"]
EXACT = ["source_workout_id", "activity_date", "submitted_date", "activity_type", "duration_s", "calories_kcal",
         "avg_heart_rate", "steps", "notes", "source_device", "link"]
PARAMS = ClassifierResource()  # the defaults, as the pipeline runs them
MIN_ACCURACY = 0.95
MAX_CHANGE_POINT_DAYS = 28


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, bytes]:
    return {variant: write_sample_exports(tmp_path_factory.mktemp(variant), mapmyrun_header=variant)["mapmyrun"]
            .read_bytes() for variant in HEADER_LINES}


def parse(data: bytes):
    detected = detect_export(data, FILE_NAME)
    assert detected.kind == MAPMYRUN
    return detected, parse_mapmyrun(data, detected, SourceFile("default", "sha", FILE_NAME))


@pytest.fixture(scope="module")
def parsed(exports) -> dict[str, pd.DataFrame]:
    return {variant: parse(data)[1] for variant, data in exports.items()}


@pytest.fixture(scope="module")
def truth():
    return planted_running_truth()


@pytest.fixture(scope="module")
def classified(parsed):
    """The imperial export through the parser and the classifier; the Link's id stands for the
    warehouse's activity_id (any unique whole number does: the classifier only orders by it)."""
    rows = parsed["imperial"].rows
    frame = rows.assign(activity_id=rows["source_workout_id"].astype("int64"))
    return frame, classify(frame, PARAMS)


# --- the bytes are the export's ---------------------------------------------------------------


@pytest.mark.parametrize("variant", list(HEADER_LINES))
def test_each_variant_is_shaped_like_the_real_export(exports, variant):
    data = exports[variant]
    assert data.count(b"\r\n") == data.count(b"\n") > 1000  # CRLF only
    lines = data.decode("utf-8").split("\r\n")
    assert lines[0] == HEADER_LINES[variant] and lines[-1] == ""
    rows = lines[1:-1]
    assert all(re.match(rf"^{AP_DATE},{AP_DATE},", row) for row in rows)
    ids = [int(re.search(r"/workout/(\d+)$", row).group(1)) for row in rows]
    assert ids == sorted(ids, reverse=True)  # newest first
    assert any(row.startswith('"Sept. ') for row in rows) and any(',"May ' in row for row in rows)
    assert any("http://www.mapmyrun.com/workout/" in row for row in rows)
    assert any("http://www.mapmyfitness.com/workout/" in row for row in rows)
    assert sum(",b''," in row for row in rows) > 50


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    for variant in HEADER_LINES:
        first = write_sample_exports(tmp_path / f"{variant}_a", mapmyrun_header=variant)["mapmyrun"].read_bytes()
        again = write_sample_exports(tmp_path / f"{variant}_b", mapmyrun_header=variant)["mapmyrun"].read_bytes()
        assert first == again, variant
    other = write_sample_exports(tmp_path / "seed_8", seed=8)["mapmyrun"].read_bytes()
    assert other != write_sample_exports(tmp_path / "seed_7", seed=7)["mapmyrun"].read_bytes()


def test_an_unknown_header_variant_is_refused(tmp_path):
    with pytest.raises(ValueError, match="imperial, metric, oldest"):
        write_sample_exports(tmp_path, mapmyrun_header="nautical")


# --- the parser reads every variant to the same activities --------------------------------------


@pytest.mark.parametrize("variant", list(HEADER_LINES))
def test_each_variant_is_detected_in_its_unit_and_loses_nothing(exports, parsed, truth, variant):
    detected, result = parse(exports[variant])
    assert detected.details["unit"] == UNITS[variant]
    assert result.quarantine.empty and result.rows_read == len(result.rows) == len(truth.activities)
    SilverActivity.validate(result.rows)


@pytest.mark.parametrize("variant", ["metric", "oldest"])
def test_every_variant_parses_to_the_imperial_activities(parsed, variant):
    imperial, other = parsed["imperial"].rows, parsed[variant].rows
    pd.testing.assert_frame_equal(other[EXACT], imperial[EXACT])
    for column in NUMBERS:
        np.testing.assert_allclose(other[column], imperial[column], rtol=RELATIVE, atol=0, err_msg=column)
    if variant == "oldest":  # the same miles, only the two max columns' header differs
        pd.testing.assert_frame_equal(other[NUMBERS], imperial[NUMBERS])


def test_parsed_values_are_the_planted_ones(parsed, truth):
    rows = parsed["metric"].rows.set_index("source_workout_id")
    planted = pd.DataFrame([{"id": str(a.workout_id), "km": a.distance_km, "s": a.duration_s, "date": a.workout_date,
                             "type": a.activity_type} for a in truth.activities]).set_index("id")
    rows = rows.loc[planted.index]
    np.testing.assert_allclose(rows["distance_km"], planted["km"], rtol=RELATIVE / 2)
    assert (rows["duration_s"] == planted["s"]).all() and (rows["activity_type"] == planted["type"]).all()
    assert (rows["activity_date"].dt.date == planted["date"]).all()
    # entry errors arrive as logged: HR 0 and b'' read as missing, max values of 0 kept
    assert rows["avg_heart_rate"].isna().sum() > 500 and rows["notes"].ne("b''").all()
    assert (rows["max_speed_kmh"] == 0).sum() > 50
    assert (rows["max_speed_kmh"] > 300).sum() == 1  # the GPS spike of 212.7 mi/h


# --- the classifier recovers the planted truth --------------------------------------------------


def test_the_history_has_the_planted_shape(truth):
    before = [a for a in truth.activities if a.workout_date < truth.life_event and a.label in ("run", "walk")]
    after = [a for a in truth.activities if a.workout_date >= truth.life_event and a.label in ("run", "walk")]
    months_before = (truth.life_event - date(2016, 1, 4)).days / 30.44
    months_after = (date(2025, 12, 29) - truth.life_event).days / 30.44
    assert 3.5 <= len(before) / months_before <= 5.5 and 14 <= len(after) / months_after <= 18
    walks_after = [a for a in after if a.label == "walk"]
    assert len(walks_after) > 0.75 * len(after)
    assert sum(a.activity_type == "Run" for a in walks_after) > 0.6 * len(walks_after)  # still logged "Run"
    assert sum(a.label == "run" for a in after) > 100  # genuine runs continue
    assert {"Bike Ride", "Walk", "Hike", "Weight Workout"} <= {a.activity_type for a in truth.activities}


def test_the_classifier_recovers_the_planted_labels_and_life_event(classified, truth):
    frame, result = classified
    labels = result.labels.assign(workout_id=result.labels["activity_id"].astype(str))
    labels["planted"] = labels["workout_id"].map(truth.labels())
    scored = labels[labels["planted"].isin(["run", "walk"])]
    accuracy = float((scored["label"] == scored["planted"]).mean())
    athlete = result.athletes[0]
    change = athlete["change_point"]
    days_off = (date.fromisoformat(change["week"]) - truth.life_event).days
    print(f"\nsample MapMyRun history: {len(frame)} activities, {len(scored)} planted run/walk scored, "
          f"accuracy {accuracy:.4f}; k={athlete['k']} silhouette {athlete['silhouette']}; change point week "
          f"{change['week']} ({days_off:+d} days from the planted {truth.life_event}, gain {change['gain']})")
    planted_runs_walks = sum(a.label in ("run", "walk") for a in truth.activities)
    assert len(scored) == planted_runs_walks  # every planted run and walk got a label
    assert accuracy >= MIN_ACCURACY
    assert change["method"] == "detected" and abs(days_off) <= MAX_CHANGE_POINT_DAYS
    # the planted entry errors whose pace cannot be trusted are outliers; nothing else is
    outliers = {str(a.workout_id) for a in truth.activities if a.label == "outlier"}
    assert set(labels.loc[labels["label"] == "outlier", "workout_id"]) == outliers and len(outliers) == 4
    # bike rides, weights and yoga are not classified
    not_on_foot = {str(a.workout_id) for a in truth.activities if a.label is None}
    assert not_on_foot and not labels["workout_id"].isin(not_on_foot).any()


# --- the command line ---------------------------------------------------------------------------


def test_the_truth_is_written_only_outside_the_inbox(tmp_path, capsys, truth):
    inbox = tmp_path / "inbox"
    with pytest.raises(SystemExit):
        generate_main(["--out", str(inbox), "--running-truth", str(inbox / "truth.json")])
    assert "outside --out" in capsys.readouterr().err and not inbox.exists()
    assert generate_main(["--out", str(inbox), "--mapmyrun-header", "metric",
                          "--running-truth", str(tmp_path / "truth.json")]) == 0
    assert sorted(p.name for p in inbox.iterdir()) == ["diet_log.csv", "hevy_workouts.csv", FILE_NAME]
    assert (inbox / FILE_NAME).read_bytes().decode("utf-8").startswith(HEADER_LINES["metric"] + "\r\n")
    written = json.loads((tmp_path / "truth.json").read_text(encoding="utf-8"))
    assert written["life_event"] == truth.life_event.isoformat() == "2021-04-10"
    assert len(written["activities"]) == len(truth.activities)
