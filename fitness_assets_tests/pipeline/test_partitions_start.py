"""The weekly partitions start at the first week with data (lib/core/partitions_start.py): the
ingest records it in FITNESS_HOME/partitions_start, only ever moving it earlier, and
FITNESS_WEEKS_START, when set, wins. `fitness run` reloading after the start moved, and the
webserver listing the moved start, are checked in fitness_assets_tests/ui/test_dagster_ui.py."""

from __future__ import annotations

from datetime import date

import dagster as dg

from fitness_assets.lib.core.partitions_start import (
    DEFAULT_WEEKS_START,
    record_first_week,
    recorded_start,
    weeks_start,
)
from fitness_assets_tests.conftest import hevy_csv
from fitness_assets_tests.faults.test_snapshots import drop, workouts
from fitness_assets_tests.harness import check_evaluations, run_ingest


def test_a_fresh_home_ingesting_data_from_2019_03_04_starts_its_partitions_there(settings, monkeypatch):
    monkeypatch.delenv("FITNESS_WEEKS_START", raising=False)
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(10, date(2019, 3, 6))))   # a Wednesday
    result = run_ingest(settings, instance)
    assert recorded_start(settings.home) == "2019-03-04"
    assert weeks_start({}, settings.home) == "2019-03-04"          # what the next code load uses
    # judged against that start, not the 2015 one this run loaded with: passed
    assert check_evaluations(instance, result.run_id)[("weekly_fitness_summary", "every_week_partitioned")].passed
    [summary] = [m for m in result.asset_materializations_for_node("gold_views")
                 if m.asset_key.path == ["weekly_fitness_summary"]]
    assert summary.metadata["partitions_start"].value == "2019-03-04"


def test_the_recorded_start_moves_earlier_never_later(tmp_path):
    assert recorded_start(tmp_path) is None
    assert weeks_start({}, tmp_path) == DEFAULT_WEEKS_START      # neither variable nor file
    assert record_first_week(tmp_path, "2019-03-04") == "2019-03-04"
    assert record_first_week(tmp_path, "2019-01-07") == "2019-01-07"   # older data arrived
    assert record_first_week(tmp_path, "2020-06-01") == "2019-01-07"   # newer data: unchanged
    assert weeks_start({}, tmp_path) == "2019-01-07"
    assert weeks_start({"FITNESS_WEEKS_START": "2018-01-01"}, tmp_path) == "2018-01-01"   # the variable wins
    assert weeks_start({"FITNESS_HOME": str(tmp_path)}) == "2019-01-07"   # found through FITNESS_HOME


def test_a_damaged_record_is_not_trusted(tmp_path):
    for text in ("2019-03-05\n", "not a date", ""):                  # a Tuesday, garbage, empty
        (tmp_path / "partitions_start").write_text(text)
        assert recorded_start(tmp_path) is None
        assert weeks_start({}, tmp_path) == DEFAULT_WEEKS_START
    assert record_first_week(tmp_path, "2019-03-04") == "2019-03-04"
