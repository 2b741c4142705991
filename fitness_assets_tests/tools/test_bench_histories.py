"""The benchmark's synthetic exports: deterministic, exactly sized, clean, and appendable."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from fitness_assets.lib.raw.formats import detect_export
from fitness_assets.lib.silver.quarantine import SourceFile
from fitness_assets.lib.silver.sources.hevy_csv import parse_hevy
from fitness_assets.lib.silver.muscle_map import curated_muscle_map
from fitness_assets_tests.tools.inboxes import csv_digests, silver_of
from tools.generate import append_workout, write_benchmark_exports
from tools.generate.bench_histories import END_DAY

TOTAL_SETS, ATHLETES = 3_001, 2  # odd on purpose: athlete_01 takes the extra set
HEVY_HEADER_LINE = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"'
)
DIET_HEADER_LINE = "data,carboidratos_g,proteinas_g,gorduras_g,kcal,cardio_semanal_min,cicle,peso_kg,observacoes"


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    return write_benchmark_exports(tmp_path_factory.mktemp("bench") / "inbox", TOTAL_SETS, ATHLETES, seed=3)


@pytest.fixture(scope="module")
def silver(exports, tmp_path_factory):
    return silver_of(exports.inbox, tmp_path_factory.mktemp("raw"))



def _records(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))[1:]


def _parse(path: Path):
    data = path.read_bytes()
    return parse_hevy(data, detect_export(data, path.name), SourceFile("a", "sha", path.name))


def test_same_seed_gives_same_bytes(exports, tmp_path):
    again = write_benchmark_exports(tmp_path / "again", TOTAL_SETS, ATHLETES, seed=3)
    other = write_benchmark_exports(tmp_path / "other", TOTAL_SETS, ATHLETES, seed=4)
    assert csv_digests(again.inbox) == csv_digests(exports.inbox)
    assert csv_digests(other.inbox) != csv_digests(exports.inbox)


def test_layout_and_row_counts(exports):
    assert [p.parent.name for p in exports.hevy_files] == ["athlete_01", "athlete_02"]
    assert [p.name for p in exports.hevy_files + exports.diet_files] == ["hevy_workouts.csv"] * 2 + ["diet_log.csv"] * 2
    sets = [len(_records(p)) for p in exports.hevy_files]
    assert sets == [1_501, 1_500] and exports.set_rows == TOTAL_SETS  # exact, split evenly
    for hevy, diet in zip(exports.hevy_files, exports.diet_files):
        assert hevy.read_text(encoding="utf-8").splitlines()[0] == HEVY_HEADER_LINE
        assert diet.read_text(encoding="utf-8").splitlines()[0] == DIET_HEADER_LINE
    diet_rows = [len(_records(p)) for p in exports.diet_files]
    assert sum(diet_rows) == exports.diet_rows
    assert exports.last_day == END_DAY and exports.first_day < END_DAY


def test_parses_with_nothing_quarantined(exports, silver):
    assert len(silver.quarantine) == 0
    sets, days = silver.workout_sets, silver.diet_days
    assert len(sets) == TOTAL_SETS and len(days) == exports.diet_rows
    workouts = sets.groupby(["athlete_id", "started_at", "title"])["duration_minutes"].first()
    assert len(workouts) == exports.workouts  # (start, title) distinct per athlete
    assert workouts.between(30, 120).all()
    assert sets["training_date"].max() <= END_DAY
    assert set(sets["exercise_title"]) <= set(curated_muscle_map()["exercise_title"])
    assert set(sets["set_type"]) == {"normal", "warmup", "failure", "dropset"}
    assert sets["distance_km"].notna().any() and sets["rpe"].notna().any()
    for athlete, group in days.groupby("athlete_id"):
        # one row per day, from the first workout day to END_DAY
        first_workout = sets.loc[sets["athlete_id"] == athlete, "training_date"].min()
        assert group["diet_date"].dt.date.min() == first_workout
        assert group["diet_date"].dt.date.max() == END_DAY
        assert len(group) == (END_DAY - first_workout).days + 1
    assert days["cycle_id"].notna().all()
    kcal = 4 * days["carbs_g"] + 4 * days["protein_g"] + 9 * days["fat_g"]
    assert ((days["calories_kcal"] - kcal).abs() <= 1).all()
    open_cycles = silver.cycles[silver.cycles["end_date"].isna()]
    assert sorted(open_cycles["athlete_id"]) == ["athlete_01", "athlete_02"]


def test_append_workout_adds_one_newest_workout(exports, tmp_path):
    source = exports.hevy_files[1]
    out = tmp_path / "appended.csv"
    added = append_workout(source, out)
    before, after = _parse(source), _parse(out)
    assert len(after.quarantine) == 0 and 1 <= added <= 10
    assert len(after.rows) == len(before.rows) + added
    key = ["started_at", "title"]
    assert after.rows.groupby(key).ngroups == before.rows.groupby(key).ngroups + 1
    newest = after.rows["started_at"].max()
    assert newest > before.rows["started_at"].max()
    assert (after.rows["started_at"] == newest).sum() == added
    # newest first, as Hevy writes it: the new rows sit right under the header, the rest is unchanged
    data, original = out.read_bytes(), source.read_bytes()
    header_end = original.index(b"\n") + 1
    assert data.startswith(original[:header_end]) and data.endswith(original[header_end:])
    assert after.rows.sort_values("source_line")["started_at"].iloc[0] == newest
