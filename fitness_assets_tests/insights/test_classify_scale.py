"""The classifier's shortcuts for large inputs give the answers of the slow ways (issue 11, bench)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import ruptures as rpt

from fitness_assets.defs.resources import ClassifierResource
from fitness_assets.lib.insights.change_point import MIN_SEGMENT_WEEKS, best_split
from fitness_assets.lib.insights.classify import FIT_SAMPLE, _distinct_up_to_three, classify
from fitness_assets_tests.insights.synthetic import accuracy, history

PARAMS = ClassifierResource()


def _signals(count: int):
    rng = np.random.default_rng(8)
    for n in rng.integers(2 * MIN_SEGMENT_WEEKS, 700, count):
        signal = rng.normal(0, 1, (int(n), 2))
        signal[int(n) // 3:] += rng.normal(0, 2, 2)   # a break, of random strength
        if n % 2:
            signal = signal.round()                    # many equal gains: ties must break the same way
        yield (signal - signal.mean(axis=0)) / signal.std(axis=0)


@pytest.mark.parametrize("signal", list(_signals(60)))
def test_best_split_is_ruptures_exact_single_break(signal):
    expected = rpt.KernelCPD(kernel="linear", min_size=MIN_SEGMENT_WEEKS, jump=1).fit(signal).predict(n_bkps=1)[0]
    cost = rpt.costs.CostL2().fit(signal)
    expected_gain = cost.error(0, len(signal)) - cost.error(0, expected) - cost.error(expected, len(signal))
    split, gain = best_split(signal, MIN_SEGMENT_WEEKS)
    assert split == expected
    assert gain == pytest.approx(expected_gain, rel=1e-9, abs=1e-9)


def test_distinct_points_counted_up_to_three():
    one = np.zeros((5, 3))
    assert _distinct_up_to_three(one) == 1
    two = one.copy()
    two[3, 1] = 1.0
    assert _distinct_up_to_three(two) == 2
    three = two.copy()
    three[4, 2] = -1.0
    assert _distinct_up_to_three(three) == 3
    assert _distinct_up_to_three(np.vstack([three, three])) == 3


@pytest.fixture(scope="module")
def large() -> pd.DataFrame:
    """One athlete with more activities than FIT_SAMPLE: eight histories' outings as one person's."""
    frames, first = [], 1
    for seed in range(8):
        frames.append(history(athlete="busy", seed=20 + seed, first_id=first))
        first += len(frames[-1])
    frame = pd.concat(frames, ignore_index=True)
    assert frame["planted"].isin(["run", "walk"]).sum() > FIT_SAMPLE
    return frame


def test_a_large_history_is_fitted_on_a_sample_and_stays_accurate_and_deterministic(large):
    result = classify(large, PARAMS)
    assert accuracy(result.labels, large) >= 0.95
    athlete = result.athletes[0]
    assert athlete["method"] == "kmeans" and athlete["modelled"] > FIT_SAMPLE
    # every modelled activity has a label, and cluster sizes count all of them, not the fitted sample
    assert sum(c["size"] for c in athlete["clusters"]) == athlete["modelled"]
    again = classify(large.sample(frac=1.0, random_state=1), PARAMS)
    pd.testing.assert_frame_equal(again.labels, result.labels)
    assert again.report_bytes() == result.report_bytes()


def test_no_activities_give_no_labels():
    empty = history().head(0)
    result = classify(empty, PARAMS)
    assert result.labels.empty and list(result.labels.columns) == ["activity_id", "label", "confidence", "method",
                                                                   "model_version", "reason"]
    assert result.athletes == []
