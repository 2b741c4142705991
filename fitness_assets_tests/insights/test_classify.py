"""The run/walk classifier on synthetic histories with planted labels (lib level, no database)."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd
import pytest
from scipy.spatial.distance import cdist
from sklearn.metrics import silhouette_score

from fitness_assets.defs.resources import ClassifierResource
from fitness_assets.lib.insights.change_point import detect_change_point
from fitness_assets.lib.insights.classify import classify, logged_kind, model_version, silhouette
from fitness_assets.lib.insights.user_labels import UserLabel
from fitness_assets_tests.insights.synthetic import EVENT, accuracy, history

PARAMS = ClassifierResource()


@pytest.fixture(scope="module")
def planted() -> pd.DataFrame:
    return history()


@pytest.fixture(scope="module")
def classified(planted):
    return classify(planted, PARAMS)


def test_recovers_the_planted_labels(planted, classified):
    assert accuracy(classified.labels, planted) >= 0.95
    athlete = classified.athletes[0]
    assert athlete["method"] == "kmeans" and athlete["k"] in (2, 3)
    assert [c["label"] for c in athlete["clusters"]][0] == "run"
    labels = classified.labels
    assert labels["confidence"].between(0, 1).all()
    assert set(labels["method"]) <= {"kmeans", "rule"}
    # every planted outlier is one, by rule, and bikes are not classified
    outliers = planted.loc[planted["planted"] == "outlier", "activity_id"]
    assert set(labels.set_index("activity_id").loc[outliers, "label"]) == {"outlier"}
    bikes = planted.loc[planted["activity_type"] == "Bike Ride", "activity_id"]
    assert not labels["activity_id"].isin(bikes).any()


def test_several_seeds_stay_accurate():
    for seed in (1, 2, 3):
        frame = history(seed=seed)
        assert accuracy(classify(frame, PARAMS).labels, frame) >= 0.95, seed


def test_change_point_within_four_weeks_of_the_planted_event(classified):
    found = classified.athletes[0]["change_point"]
    assert found["method"] == "detected"
    assert abs((date.fromisoformat(found["week"]) - EVENT).days) <= 28
    assert found["weekly_count_after"] > 2 * found["weekly_count_before"]
    assert found["median_pace_after"] > found["median_pace_before"]


def test_no_change_point_in_a_steady_history():
    steady = history(event=None, seed=11)
    scope = steady[steady["planted"] == "run"]
    assert detect_change_point(scope["activity_date"], scope["avg_pace_min_per_km"], PARAMS.change_point_penalty) \
        is None


def test_a_configured_life_event_wins_over_detection(planted):
    result = classify(planted, ClassifierResource(life_event_date="2016-01-06"))
    assert result.athletes[0]["change_point"]["week"] == "2016-01-04"
    assert result.athletes[0]["change_point"]["method"] == "configured"
    with pytest.raises(ValueError, match="life_event_date"):
        classify(planted, ClassifierResource(life_event_date="June 2019"))


def test_deterministic_labels_and_report_bytes(planted, classified):
    again = classify(planted, PARAMS)
    pd.testing.assert_frame_equal(again.labels, classified.labels)
    assert again.report_bytes() == classified.report_bytes()


def test_input_order_and_cluster_index_do_not_name_clusters(planted, classified):
    shuffled = planted.sample(frac=1.0, random_state=3).reset_index(drop=True)
    pd.testing.assert_frame_equal(classify(shuffled, PARAMS).labels, classified.labels)
    # another seed finds the same clusters under other indices: names follow the pace, not the index
    for seed in (0, 1, 5):
        other = classify(planted, ClassifierResource(random_state=seed))
        assert accuracy(other.labels, planted) >= 0.95
        assert [c["label"] for c in other.athletes[0]["clusters"]] == \
            [c["label"] for c in classified.athletes[0]["clusters"]]


def test_changed_parameters_change_the_model_version(planted):
    assert model_version(PARAMS) != model_version(ClassifierResource(k=3))
    three = classify(planted, ClassifierResource(k=3))
    assert three.athletes[0]["k"] == 3
    assert {c["label"] for c in three.athletes[0]["clusters"]} <= {"run", "walk", "mixed"}


def _few(n: int, start: date, pace: float, km: float, athlete: str = "few") -> pd.DataFrame:
    return pd.DataFrame({"activity_id": range(1000, 1000 + n), "athlete_id": athlete,
                         "activity_date": [start + timedelta(days=30 * i) for i in range(n)],
                         "activity_type": "Run", "distance_km": km, "duration_s": pace * km * 60,
                         "avg_pace_min_per_km": pace})


def test_fewer_than_five_with_a_life_event_use_the_era_default():
    frame = pd.concat([_few(2, date(2019, 1, 1), 5.5, 6), _few(2, date(2020, 1, 1), 6.0, 6).assign(
        activity_id=[2000, 2001])])
    result = classify(frame, ClassifierResource(life_event_date="2019-06-01"))
    labels = result.labels.set_index("activity_id")
    assert list(labels["method"]) == ["era_default"] * 4
    assert list(labels["label"]) == ["run", "run", "walk", "walk"]
    assert set(labels["confidence"]) == {0.5}


def test_fewer_than_five_without_a_life_event_use_pace_rules():
    frame = pd.concat([_few(1, date(2020, 1, 1), 5.5, 6),
                       _few(1, date(2020, 2, 1), 9.0, 4).assign(activity_id=2),
                       _few(1, date(2020, 3, 1), 15.0, 3).assign(activity_id=3)])
    labels = classify(frame, PARAMS).labels.set_index("activity_id")
    assert list(labels["label"]) == ["mixed", "walk", "run"]  # ids 2 (9.0 min/km), 3 (15.0), 1000 (5.5)
    assert set(labels["method"]) == {"rule"}


def test_user_labels_beat_the_model(planted, classified):
    run = int(classified.labels.loc[classified.labels["label"] == "run", "activity_id"].iloc[0])
    bike = int(planted.loc[planted["activity_type"] == "Bike Ride", "activity_id"].iloc[0])
    mine = {run: UserLabel("walk", "slow walk with a fast dog", 1, activity_id=run),
            bike: UserLabel("outlier", "a bike ride logged by mistake", 2, activity_id=bike)}
    labels = classify(planted, PARAMS, mine).labels.set_index("activity_id")
    assert labels.loc[run, ["label", "method", "confidence"]].tolist() == ["walk", "user", 1.0]
    assert "fast dog" in labels.loc[run, "reason"]
    assert labels.loc[bike, "label"] == "outlier" and labels.loc[bike, "method"] == "user"


def test_in_scope_types():
    assert [logged_kind(t) for t in ("Run", "Run / Jog", "Indoor Run / Jog", "Walk", "Hike", "Dog Walk",
                                     "Bike Ride", "Indoor Bike Ride", "Swim", "Weight Workout", "Treadmill")] == \
        ["run", "run", "run", "walk", "walk", "walk", None, None, None, None, None]


def test_silhouette_is_sklearns():
    rng = np.random.default_rng(4)
    points = np.vstack([rng.normal(0, 1, (60, 3)), rng.normal(4, 1, (40, 3))])
    for k in (2, 3):
        labels = rng.integers(0, k, 100)
        labels[:60] = 0
        assert silhouette(cdist(points, points), labels, k) == pytest.approx(silhouette_score(points, labels))

