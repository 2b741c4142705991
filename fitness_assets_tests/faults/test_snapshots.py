"""A damaged or odd export can never delete history (issue 9, items 1 and 2).

Each test drives the real ingest_job on a real PostgreSQL with exports a user really produces:
a download cut in the middle, a date typed as 2099 or 1900, a history older than the first
weekly partition, an export that would remove most of an athlete's workouts.
"""

from __future__ import annotations

import os
import re
import time
from datetime import date, timedelta

import dagster as dg

from fitness_assets_tests.conftest import hevy_csv, workout_set
from fitness_assets_tests.harness import check_evaluations, query, run_ingest, table_counts

FIRST_DAY = date(2025, 3, 3)


def workouts(count: int, first_day: date = FIRST_DAY, title: str = "Legs") -> list[dict]:
    """`count` workouts, one every third day, four sets each, newest first as Hevy writes them."""
    rows = []
    for n in reversed(range(count)):
        day = first_day + timedelta(days=3 * n)
        start, end = f"{day:%d %b %Y}, 18:00", f"{day:%d %b %Y}, 19:00"
        rows += [workout_set(title, start, end, "Squat (Barbell)", i, 100 + n, 5, exercise_notes=f"note {n}, set {i}")
                 for i in range(4)]
    return rows


def drop(settings, name: str, data: bytes) -> None:
    """Put an export into the inbox as a user does: a new file, newer than anything before it."""
    path = settings.inbox / name
    path.write_bytes(data)
    later = time.time() + len(list(settings.inbox.iterdir()))
    os.utime(path, (later, later))


def loaded_workouts(settings) -> list[str]:
    return [str(r["started_at"]) for r in query(settings, "SELECT started_at FROM fitness.workouts ORDER BY 1")]


def failed(instance, result) -> dict:
    return {key: e for key, e in check_evaluations(instance, result.run_id).items() if not e.passed}


def offending(evaluation) -> str:
    return evaluation.metadata["offending"].value


def located(evaluation) -> list[tuple[str, int]]:
    """(file, line) of each offending row of a check's Markdown table."""
    rows = [[cell.strip() for cell in line.strip("|").split("|")] for line in offending(evaluation).splitlines()]
    header = rows[0]
    return [(row[header.index("file")], int(row[header.index("line")])) for row in rows[2:]]


def test_an_export_cut_inside_a_quoted_field_adds_rows_but_removes_nothing(settings):
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(12)))
    assert run_ingest(settings, instance).success
    before = loaded_workouts(settings)
    assert len(before) == 12

    # A newer export (two more workouts at the top) whose download stopped inside a note,
    # three quarters of the way down: the oldest workouts are missing from it.
    full = hevy_csv(workouts(14))
    cut_at = full.index(b'note 3, set 2')+len(b'note 3')
    drop(settings, "workouts (1).csv", full[:cut_at])
    result = run_ingest(settings, instance)

    after = loaded_workouts(settings)
    assert set(before) <= set(after), "an incomplete export removed workouts"
    assert len(after) == 14  # the two new workouts loaded; nothing removed
    assert table_counts(settings)["removed_workouts"] == 0
    cut_line = full[:cut_at].count(b"\n") + 1
    complete = failed(instance, result)[("silver_file_accounts", "complete_exports")]
    assert complete.severity == dg.AssetCheckSeverity.ERROR
    assert located(complete) == [("workouts (1).csv", cut_line)]
    # The workout cut in the middle keeps its complete copy from the first export.
    assert query(settings, "SELECT count(*) AS n FROM fitness.sets s JOIN fitness.workout_exercises we "
                           "USING (workout_exercise_id) JOIN fitness.workouts w USING (workout_id) "
                           "WHERE w.training_date = :day", day=FIRST_DAY + timedelta(days=9))[0]["n"] == 4


def test_an_export_cut_at_a_field_boundary_adds_rows_but_removes_nothing(settings):
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(12)))
    assert run_ingest(settings, instance).success
    full = hevy_csv(workouts(13))
    lines = full.split(b"\n")
    # Cut right after the 8th field of a row in the middle: a row of the wrong width at the end.
    middle = len(lines) // 2
    cut = b"\n".join(lines[:middle]) + b"\n" + b",".join(lines[middle].split(b",")[:8])
    drop(settings, "workouts (1).csv", cut)
    result = run_ingest(settings, instance)
    assert len(loaded_workouts(settings)) == 13
    complete = failed(instance, result)[("silver_file_accounts", "complete_exports")]
    assert located(complete) == [("workouts (1).csv", middle + 1)]


def test_a_future_dated_typo_is_quarantined_and_later_exports_still_load(settings):
    instance = dg.DagsterInstance.ephemeral()
    typo = workouts(1, date(2099, 1, 1), title="Typo") + workouts(10)
    drop(settings, "workouts.csv", hevy_csv(typo))
    result = run_ingest(settings, instance)
    assert len(loaded_workouts(settings)) == 10  # the 2099 workout is not loaded
    future = failed(instance, result)[("silver_workout_sets", "no_future_dates")]
    assert "workout start 2099-01-01 is after today" in offending(future)
    reasons = query(settings, "SELECT DISTINCT rule, reason FROM fitness.quarantine")
    assert [r["rule"] for r in reasons] == ["date_in_future"]

    # The next, correct export (the typo fixed, one new workout) is the current one.
    drop(settings, "workouts (1).csv", hevy_csv(workouts(11)))
    run_ingest(settings, instance)
    assert len(loaded_workouts(settings)) == 11


def test_a_workout_dated_1900_is_quarantined_with_its_reason(settings):
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(10) + workouts(1, date(1900, 1, 1), title="Typo")))
    result = run_ingest(settings, instance)
    assert len(loaded_workouts(settings)) == 10
    ancient = failed(instance, result)[("silver_workout_sets", "no_dates_before_earliest_year")]
    assert "workout start 1900-01-01 is before 1990 (FITNESS_EARLIEST_YEAR)" in offending(ancient)


def test_weeks_before_the_first_partition_stop_the_run_with_the_setting_to_change(settings):
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(10, date(2014, 12, 1))))  # before 2015-01-05
    result = run_ingest(settings, instance, raise_on_error=False)
    assert not result.success
    check = failed(instance, result)[("weekly_fitness_summary", "every_week_partitioned")]
    assert check.blocking and check.severity == dg.AssetCheckSeverity.ERROR
    message = check.metadata["message"].value
    assert "2014-12-01" in message and "FITNESS_WEEKS_START=2014-12-01" in message
    # FITNESS_WEEKS_START is set (the test session pins it): the variable decides, nothing is recorded
    assert not (settings.home / "partitions_start").exists()


def test_a_large_removal_writes_nothing_until_confirmed(settings):
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(12)))
    assert run_ingest(settings, instance).success
    before = table_counts(settings)

    # A complete, intact export that lacks 4 of the 12 workouts (33 %): a wrong account? a
    # filtered export? Not written until the user says so.
    drop(settings, "partial.csv", hevy_csv(workouts(8)))
    stopped = run_ingest(settings, instance, raise_on_error=False)
    assert not stopped.success
    assert table_counts(settings) == before
    guard = failed(instance, stopped)[("silver_workout_sets", "removals_confirmed")]
    assert guard.blocking
    message = guard.metadata["message"].value
    assert "partial.csv would remove 4 of 12 loaded workouts" in message and "--allow-removals" in message

    confirmed = settings.with_fields("quality", allow_removals=True)
    assert run_ingest(confirmed, instance).success
    assert len(loaded_workouts(settings)) == 8
    assert table_counts(settings)["removed_workouts"] == 4


def test_deleting_one_or_two_workouts_in_the_app_just_works(settings):
    instance = dg.DagsterInstance.ephemeral()
    drop(settings, "workouts.csv", hevy_csv(workouts(12)))
    assert run_ingest(settings, instance).success
    two_fewer = [r for r in workouts(12) if "note 5," not in r["exercise_notes"] and "note 7," not in r["exercise_notes"]]
    drop(settings, "workouts (1).csv", hevy_csv(two_fewer))
    assert run_ingest(settings, instance).success
    assert len(loaded_workouts(settings)) == 10


def test_an_export_put_into_the_inbox_again_is_current_again(settings):
    """Exports are ordered by when they landed, so dropping an already-landed file again makes
    it the current snapshot (a soak ends by dropping the clean export again)."""
    instance = dg.DagsterInstance.ephemeral()
    clean = hevy_csv(workouts(12))
    drop(settings, "workouts.csv", clean)
    assert run_ingest(settings, instance).success
    edited = workouts(12)
    edited[0]["weight_kg"] = "150"
    drop(settings, "workouts.csv", hevy_csv(edited))
    assert run_ingest(settings, instance).success
    assert query(settings, "SELECT max(weight_kg) AS w FROM fitness.sets")[0]["w"] == 150
    drop(settings, "workouts.csv", clean)
    assert run_ingest(settings, instance).success
    assert query(settings, "SELECT max(weight_kg) AS w FROM fitness.sets")[0]["w"] == 111


def test_the_cli_says_what_happened_in_one_line_and_confirms_a_removal(tmp_path, database_url):
    """`fitness run` as a user runs it: a cut export is one line, a large removal is refused with
    the export, the count and how to confirm, `--allow-removals` confirms it; no traceback."""
    from fitness_assets_tests.cli.test_fitness_command import fitness

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    env = {"FITNESS_HOME": str(tmp_path / "home"), "FITNESS_INBOX": str(inbox), "FITNESS_DATABASE_URL": database_url}
    (inbox / "workouts.csv").write_bytes(hevy_csv(workouts(12)))
    assert fitness(["run"], tmp_path, **env).returncode == 0

    full = hevy_csv(workouts(13))
    cut = full[:full.index(b"note 4, set 1") + 4]
    (inbox / "workouts (1).csv").write_bytes(cut)
    os.utime(inbox / "workouts (1).csv", (time.time() + 5, time.time() + 5))
    incomplete = fitness(["run"], tmp_path, **env)
    assert incomplete.returncode == 0, incomplete.stderr
    line = cut.count(b"\n") + 1
    assert (f"workouts (1).csv looks cut or damaged at line {line}: its intact rows load, but it removes nothing"
            in incomplete.stderr)

    (inbox / "partial.csv").write_bytes(hevy_csv(workouts(6)))
    os.utime(inbox / "partial.csv", (time.time() + 10, time.time() + 10))
    refused = fitness(["run"], tmp_path, **env)
    assert refused.returncode == 1
    assert "partial.csv would remove 7 of 13 loaded workouts of athlete 'default' (54%)" in refused.stderr
    assert "fitness run --allow-removals" in refused.stderr and "Traceback" not in refused.stderr
    confirmed = fitness(["run", "--allow-removals"], tmp_path, **env)
    assert confirmed.returncode == 0, confirmed.stderr
    assert re.search(r"removed workouts\s+7\n", confirmed.stdout) and re.search(r"  workouts\s+6\n", confirmed.stdout)


def test_a_damaged_sqlite_diet_export_is_rejected_naming_the_file(settings):
    import sqlite3

    import pytest

    from fitness_assets.lib.core.errors import ExportFileError
    from fitness_assets.lib.raw.formats import DIET_HEADERS
    from fitness_assets.lib.raw.zone import land_inbox

    database = settings.inbox / "dieta.db"
    with sqlite3.connect(database) as conn:
        conn.execute(f"CREATE TABLE dieta ({', '.join(DIET_HEADERS['pt'])})")
        conn.executemany(f"INSERT INTO dieta VALUES ({', '.join('?' * 9)})",
                         [(f"2026-01-{d:02d}", 200, 180, 60, 2060, 90, "5Cutting III (05/01/2026 - XX/XX/XXXX)", 80.0,
                           "x" * 500) for d in range(1, 29)])
    conn.close()
    whole = database.read_bytes()
    database.write_bytes(whole[:len(whole) // 2])  # a copy interrupted halfway
    with pytest.raises(ExportFileError, match=r"^dieta\.db: the SQLite database is damaged .*Expected a complete"):
        land_inbox(settings.inbox, settings.raw_zone)
    assert not settings.raw_zone.exists()  # nothing landed
