"""The synthetic exports must stay deterministic and shaped like the real ones.

Headers are spelled out here rather than imported, so a change to the generator's
constants cannot silently change the contract the ingestion code relies on.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import datetime
from importlib.resources import files
from pathlib import Path

import pytest

from tools.generate import write_sample_exports

HEVY_HEADER_LINE = (
    '"title","start_time","end_time","description","exercise_title","superset_id",'
    '"exercise_notes","set_index","set_type","weight_kg","reps","distance_km",'
    '"duration_seconds","rpe"'
)
DIET_HEADER_LINE = "data,carboidratos_g,proteinas_g,gorduras_g,kcal,cardio_semanal_min,cicle,peso_kg,observacoes"
SET_TYPES = {"normal", "warmup", "failure", "dropset"}
MUSCLE_GROUPS = {
    "Abdominals", "Abductors", "Adductors", "Biceps", "Calves", "Cardio", "Chest", "Forearms",
    "Full Body", "Glutes", "Hamstrings", "Lats", "Lower Back", "Neck", "Quadriceps", "Shoulders",
    "Traps", "Triceps", "Upper Back",
}  # fmt: skip
HEVY_TIME_FORMAT = "%d %b %Y, %H:%M"


@pytest.fixture(scope="module")
def exports(tmp_path_factory) -> dict[str, Path]:
    return write_sample_exports(tmp_path_factory.mktemp("sample"))


@pytest.fixture(scope="module")
def sets(exports) -> list[dict[str, str]]:
    # csv, not line counting: exercise notes contain embedded newlines.
    with exports["hevy"].open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def diet(exports) -> list[dict[str, str]]:
    with exports["diet"].open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def muscle_map() -> list[dict[str, str]]:
    text = files("fitness_assets").joinpath("data/exercise_muscle_map.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def _blocks_by_workout(sets: list[dict[str, str]]) -> dict[tuple[str, str], list[str]]:
    """Exercise title of each block, in order; a block starts where set_index restarts."""
    blocks: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in sets:
        if row["set_index"] == "0":
            blocks[(row["title"], row["start_time"])].append(row["exercise_title"])
    return blocks


def test_same_seed_gives_identical_bytes(tmp_path):
    first = write_sample_exports(tmp_path / "a", seed=7)
    second = write_sample_exports(tmp_path / "b", seed=7)
    assert set(first) == {"hevy", "diet", "mapmyrun"}
    for key in first:
        assert first[key].read_bytes() == second[key].read_bytes(), key


def test_different_seed_changes_output(tmp_path):
    first = write_sample_exports(tmp_path / "a", seed=7)
    other = write_sample_exports(tmp_path / "b", seed=8)
    assert first["hevy"].read_bytes() != other["hevy"].read_bytes()


def test_file_names(exports):
    assert exports["hevy"].name == "hevy_workouts.csv"
    assert exports["diet"].name == "diet_log.csv"
    assert exports["mapmyrun"].name == "user48613207_workout_history.csv"


def test_headers_are_exact(exports):
    assert exports["hevy"].read_text(encoding="utf-8").splitlines()[0] == HEVY_HEADER_LINE
    assert exports["diet"].read_text(encoding="utf-8").splitlines()[0] == DIET_HEADER_LINE


def test_set_row_count(sets):
    assert 9_000 <= len(sets) <= 11_000


def test_distinct_exercise_titles(sets):
    assert 100 <= len({row["exercise_title"] for row in sets}) <= 140


def test_set_types_are_known(sets):
    assert {row["set_type"] for row in sets} <= SET_TYPES


def test_workouts_are_newest_first_and_in_range(sets):
    starts = [datetime.strptime(row["start_time"], HEVY_TIME_FORMAT) for row in sets]
    assert starts == sorted(starts, reverse=True)
    assert starts[-1].date().isoformat() == "2023-01-02"
    assert starts[0].date().isoformat() < "2025-12-29"


def test_some_notes_span_lines(sets):
    assert any("\n" in row["exercise_notes"] for row in sets)


def test_an_exercise_repeats_in_non_adjacent_blocks(sets):
    def repeats_apart(titles: list[str]) -> bool:
        return any(
            titles[i] == titles[j] for i in range(len(titles)) for j in range(i + 2, len(titles))
        )

    assert any(repeats_apart(titles) for titles in _blocks_by_workout(sets).values())


def test_some_titles_are_missing_from_muscle_map(sets, muscle_map):
    mapped = {row["exercise_title"] for row in muscle_map}
    unmapped = {row["exercise_title"] for row in sets} - mapped
    assert 1 <= len(unmapped) <= 5, sorted(unmapped)


def test_injected_workout_errors_are_present(sets):
    assert any(row["reps"] == "111" and "Curl" in row["exercise_title"] for row in sets)
    assert any(
        row["exercise_title"] == "Preacher Curl (Machine)" and row["set_type"] == "failure" and row["weight_kg"] == ""
        for row in sets
    )
    durations = {
        (datetime.strptime(r["end_time"], HEVY_TIME_FORMAT) - datetime.strptime(r["start_time"], HEVY_TIME_FORMAT))
        for r in sets
    }
    assert min(durations).total_seconds() == 6 * 60


def test_diet_days_and_cycles(diet):
    assert 950 <= len(diet) <= 1_050
    cycles = {row["cicle"] for row in diet}
    assert 8 <= len(cycles) <= 12
    assert sum("XX/XX/XXXX" in cycle for cycle in cycles) == 1


def test_diet_kcal_matches_macros_except_two_entry_errors(diet):
    def off(row: dict[str, str]) -> bool:
        expected = 4 * float(row["carboidratos_g"]) + 4 * float(row["proteinas_g"]) + 9 * float(row["gorduras_g"])
        return abs(int(row["kcal"]) - expected) > 0.05 * expected

    assert sum(off(row) for row in diet) == 2


def test_muscle_map_is_curated(muscle_map):
    titles = [row["exercise_title"] for row in muscle_map]
    assert list(muscle_map[0]) == ["exercise_title", "muscle_group"]
    assert 180 <= len(titles) <= 220
    assert titles == sorted(titles)
    assert len(set(titles)) == len(titles)
    assert {row["muscle_group"] for row in muscle_map} <= MUSCLE_GROUPS
