"""corrections.yaml: known data-entry errors fixed by data, applied inside parse_hevy/parse_diet."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from fitness_assets.lib.silver.corrections import (
    DIET_DAYS,
    STALE_COLUMNS,
    WORKOUT_SETS,
    CorrectionsFileError,
    load_corrections,
)
from fitness_assets_tests.lib.silver.test_diet import DIET_DAYS as DIET_ROWS
from fitness_assets_tests.lib.silver.test_diet import diet_csv, parse_csv
from fitness_assets_tests.lib.silver.test_hevy import hevy_csv, hevy_set
from fitness_assets_tests.lib.silver.test_hevy import parse as parse_hevy_bytes

CURL = "Bicep Curl (Dumbbell)"
WORKOUT = hevy_csv([
    hevy_set(exercise_title=CURL, set_index=0, weight_kg="14", reps="12"),
    hevy_set(exercise_title=CURL, set_index=1, weight_kg="14", reps="10"),
    hevy_set(exercise_title=CURL, set_index=2, weight_kg="14", reps="111"),  # line 4: the typo
])

CORRECTIONS_YAML = """\
workout_sets:
  - start_time: "13 Jan 2026, 18:43"
    exercise_title: "Bicep Curl (Dumbbell)"
    set_index: 2
    set: {reps: 11}
    reason: "typed 111 instead of 11"
diet_days:
  - date: "2023-09-17"
    set: {calories_kcal: 2150}
    reason: "kcal typed with a missing digit"
"""


def write_corrections(tmp_path, text: str):
    path = tmp_path / "corrections.yaml"
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return load_corrections(path)


def test_load_corrections_reads_both_sections(tmp_path):
    corrections = write_corrections(tmp_path, CORRECTIONS_YAML)
    assert [c.dataset for c in corrections] == [WORKOUT_SETS, DIET_DAYS]
    assert corrections[0].changes == {"reps": 11}
    assert corrections[0].athlete_id == "default"
    assert corrections[1].natural_key == "date=2023-09-17"


def test_missing_corrections_file_means_no_corrections(tmp_path):
    assert load_corrections(tmp_path / "absent.yaml") == []


def test_workout_set_correction_is_applied_and_recorded(tmp_path):
    corrections = write_corrections(tmp_path, CORRECTIONS_YAML)
    parsed = parse_hevy_bytes(WORKOUT, corrections=corrections)
    assert parsed.rows["reps"].tolist() == [12, 10, 11]
    applied = parsed.corrections_applied
    assert len(applied) == 1
    change = applied.iloc[0]
    assert (change["dataset"], change["field"], change["old_value"], change["new_value"]) == (
        WORKOUT_SETS, "reps", "111", "11")
    assert change["reason"] == "typed 111 instead of 11"
    assert change["source_line"] == 4
    assert "set_index=2" in change["natural_key"]
    assert parsed.stale_corrections == []


def test_workout_correction_matches_an_iso_start_time(tmp_path):
    corrections = write_corrections(tmp_path, CORRECTIONS_YAML.replace('"13 Jan 2026, 18:43"', '"2026-01-13 18:43"'))
    parsed = parse_hevy_bytes(WORKOUT, corrections=corrections)
    assert parsed.rows["reps"].iloc[2] == 11


def test_diet_day_correction_is_applied_and_recorded(tmp_path):
    corrections = write_corrections(tmp_path, CORRECTIONS_YAML)
    parsed, _ = parse_csv(diet_csv(DIET_ROWS), corrections=corrections)
    kcal = dict(zip(parsed.rows["diet_date"].dt.strftime("%Y-%m-%d"), parsed.rows["calories_kcal"]))
    assert kcal["2023-09-17"] == 2150.0
    assert kcal["2023-09-16"] == 2300.0  # other days untouched
    change = parsed.corrections_applied.iloc[0]
    assert (change["field"], change["old_value"], change["new_value"]) == ("calories_kcal", "2250.0", "2150")
    assert change["reason"] == "kcal typed with a missing digit"
    assert change["source_line"] == 3
    assert parsed.stale_corrections == []


def test_corrections_for_the_other_dataset_are_ignored(tmp_path):
    corrections = write_corrections(tmp_path, CORRECTIONS_YAML)
    parsed = parse_hevy_bytes(WORKOUT, corrections=[c for c in corrections if c.dataset == DIET_DAYS])
    assert parsed.rows["reps"].iloc[2] == 111
    assert parsed.corrections_applied.empty and parsed.stale_corrections == []


def test_correction_matching_no_row_is_stale(tmp_path):
    corrections = write_corrections(tmp_path, """\
        workout_sets:
          - start_time: "14 Jan 2026, 18:43"
            exercise_title: "Bicep Curl (Dumbbell)"
            set_index: 2
            set: {reps: 11}
            reason: "wrong day"
        """)
    parsed = parse_hevy_bytes(WORKOUT, corrections=corrections)
    assert parsed.rows["reps"].iloc[2] == 111
    assert parsed.corrections_applied.empty
    assert len(parsed.stale_corrections) == 1
    stale = parsed.stale_corrections[0]
    assert stale["matches"] == 0 and stale["entry"] == 1 and stale["reason"] == "wrong day"


def test_correction_matching_several_rows_is_stale_and_changes_nothing(tmp_path):
    corrections = write_corrections(tmp_path, """\
        workout_sets:
          - start_time: "13 Jan 2026, 18:43"
            exercise_title: "Bicep Curl (Dumbbell)"
            set_index: 0
            set: {reps: 1}
            reason: "ambiguous"
        """)
    data = hevy_csv([hevy_set(exercise_title=CURL, set_index=0, reps="8"),
                     hevy_set(exercise_title="Dips", set_index=0),
                     hevy_set(exercise_title=CURL, set_index=0, reps="9")])
    parsed = parse_hevy_bytes(data, corrections=corrections)
    assert parsed.stale_corrections[0]["matches"] == 2
    assert sorted(parsed.rows.loc[parsed.rows["exercise_title"] == CURL, "reps"].tolist()) == [8, 9]


def test_correction_rescues_a_row_that_would_be_quarantined(tmp_path):
    data = hevy_csv([hevy_set(set_index=0), hevy_set(set_index=1, set_type="bogus")])
    assert parse_hevy_bytes(data).quarantine["line"].tolist() == [3]  # without the correction
    corrections = write_corrections(tmp_path, """\
        workout_sets:
          - start_time: "13 Jan 2026, 18:43"
            exercise_title: "Bench Press (Barbell)"
            set_index: 1
            set: {set_type: normal}
            reason: "set type lost in export"
        """)
    parsed = parse_hevy_bytes(data, corrections=corrections)
    assert parsed.quarantine.empty
    assert parsed.rows["set_type"].tolist() == ["normal", "normal"]
    assert parsed.corrections_applied.iloc[0]["old_value"] == "bogus"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("""\
         workout_sets:
           - start_time: "13 Jan 2026, 18:43"
             exercise_title: "Bicep Curl (Dumbbell)"
             set_index: 2
             set: {reps: 11}
         """, "has no reason"),
        ("""\
         diet_days:
           - date: "2023-09-17"
             set: {diet_date: "2023-09-18"}
             reason: "dates are keys, not correctable values"
         """, "'set' must change some of"),
        ("""\
         diet_days:
           - set: {calories_kcal: 2150}
             reason: "no key"
         """, "missing key field(s) ['date']"),
        ("""\
         workouts:
           - reason: "typo in the section name"
         """, "unknown section(s) ['workouts']"),
    ],
)
def test_invalid_corrections_file_is_rejected(tmp_path, text, message):
    with pytest.raises(CorrectionsFileError) as info:
        write_corrections(tmp_path, text)
    assert message in str(info.value)
    assert "corrections.yaml" in str(info.value)


def test_shipped_example_corrections_fix_the_sample_entry_errors(tmp_path):
    """corrections.example.yaml is documentation users copy: it must match the sample exactly."""
    from fitness_assets.lib.raw.zone import land_inbox
    from tools.generate import write_sample_exports
    from fitness_assets.lib.silver.build import build_silver

    write_sample_exports(tmp_path / "inbox")
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    example = Path(__file__).resolve().parents[3] / "corrections.example.yaml"
    silver = build_silver(tmp_path / "raw", manifest, load_corrections(example))
    assert silver.stale_corrections == []
    applied = silver.corrections_applied.set_index("field")
    assert applied.loc["reps", ["old_value", "new_value"]].tolist() == ["111", "11"]
    assert applied.loc["calories_kcal", ["old_value", "new_value"]].tolist() == ["7160.0", "1760"]
    assert silver.workout_sets["reps"].max() < 111


def test_a_correction_for_an_athlete_or_dataset_without_a_current_export_is_stale(tmp_path):
    """A typo in `athlete:` (or a correction for a dataset the athlete has no export of) would
    otherwise never be compared with any row, so nobody would learn that it changes nothing."""
    from fitness_assets.lib.raw.zone import land_inbox
    from fitness_assets.lib.silver.build import build_silver

    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "workouts.csv").write_bytes(WORKOUT)  # the default athlete's workouts only
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    corrections = write_corrections(tmp_path, """\
        workout_sets:
          - athlete: defualt
            start_time: "13 Jan 2026, 18:43"
            exercise_title: "Bicep Curl (Dumbbell)"
            set_index: 2
            set: {reps: 11}
            reason: "typed 111 instead of 11"
        diet_days:
          - date: "2023-09-17"
            set: {calories_kcal: 2150}
            reason: "kcal typed with a missing digit"
        """)
    silver = build_silver(tmp_path / "raw", manifest, corrections)
    assert silver.workout_sets["reps"].tolist() == [12, 10, 111]  # nothing was corrected
    stale = sorted(silver.stale_corrections, key=lambda s: s["dataset"])
    assert [(s["athlete_id"], s["dataset"], s["entry"], s["matches"]) for s in stale] == [
        ("default", DIET_DAYS, 1, 0), ("defualt", WORKOUT_SETS, 1, 0)]
    assert all(set(s) == set(STALE_COLUMNS) for s in stale)
    assert "no current export for athlete 'defualt'" in stale[1]["reason"]
    assert "typed 111 instead of 11" in stale[1]["reason"]
    assert stale[1]["natural_key"] == corrections[0].natural_key


def test_editing_one_athletes_correction_reparses_that_athlete_only(tmp_path):
    from fitness_assets.lib.raw.zone import land_inbox
    from fitness_assets.lib.silver.build import build_silver

    for athlete in ("anna", "ben"):
        (tmp_path / "inbox" / athlete).mkdir(parents=True)
        (tmp_path / "inbox" / athlete / "workouts.csv").write_bytes(WORKOUT)
    manifest, _ = land_inbox(tmp_path / "inbox", tmp_path / "raw")
    cache = tmp_path / "cache"

    def ingest_with(reps: int):
        corrections = write_corrections(tmp_path, f"""\
            workout_sets:
              - athlete: ben
                start_time: "13 Jan 2026, 18:43"
                exercise_title: "Bicep Curl (Dumbbell)"
                set_index: 2
                set: {{reps: {reps}}}
                reason: "typed 111"
            """)
        silver = build_silver(tmp_path / "raw", manifest, corrections, cache_dir=cache)
        return {a: g["reps"].tolist() for a, g in silver.workout_sets.groupby("athlete_id")}

    assert ingest_with(11) == {"anna": [12, 10, 111], "ben": [12, 10, 11]}
    assert len(list(cache.glob("*.pickle"))) == 2
    assert ingest_with(12) == {"anna": [12, 10, 111], "ben": [12, 10, 12]}
    assert len(list(cache.glob("*.pickle"))) == 3  # anna's parse came from the cache
