"""Export sensors (local inbox, S3 on moto's server mode), the refresh-after-ingest sensor and
the weekly schedule, each evaluated the way the daemon does, against real files, a real S3
API and the embedded PostgreSQL."""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from fitness_assets.defs.automation.freshness import WEEKLY_FRESHNESS_CHECKS
from fitness_assets.defs.automation.schedules import weekly_refresh_schedule, weekly_schedule_for
from fitness_assets.defs.automation.sensors import inbox_exports, refresh_changed_weeks, s3_exports
from fitness_assets.defs.partitions import range_tags, weekly_partitions_for
from fitness_assets.defs.payloads.assets import changed_weeks_of_run, weekly_payload
from fitness_assets.defs.reports.assets import published_reports, weekly_report
from fitness_assets.defs.resources import build_resources
from fitness_assets_tests.conftest import hevy_csv, workout_set
from fitness_assets_tests.harness import QUIET, definitions_for, query, run_ingest
from fitness_assets_tests.pipeline.test_weekly_pipeline import workout_rows


def evaluate(sensor, cursor, **resources):
    result = sensor(dg.build_sensor_context(cursor=cursor, resources=resources))
    requests = (result.run_requests or []) if isinstance(result, dg.SensorResult) else []
    return requests, (result.cursor if isinstance(result, dg.SensorResult) else cursor)


def test_inbox_sensor_runs_once_per_new_content(settings):
    files = build_resources(settings)["files"]
    export = settings.inbox / "workouts.csv"
    export.write_bytes(hevy_csv(workout_rows()))

    first, cursor = evaluate(inbox_exports, None, files=files)
    assert len(first) == 1 and first[0].run_key.startswith("inbox:")

    again, cursor_again = evaluate(inbox_exports, cursor, files=files)
    assert again == [] and cursor_again == cursor  # the cursor round-trips through its JSON

    export.write_bytes(hevy_csv(workout_rows(bench_top_weight=85)))
    os.utime(export, (export.stat().st_atime, export.stat().st_mtime + 5))
    modified, cursor = evaluate(inbox_exports, cursor, files=files)
    assert len(modified) == 1 and modified[0].run_key != first[0].run_key

    # Once landed, the same bytes under another name are not news.
    run_ingest(settings)
    (settings.inbox / "copy_of_workouts.csv").write_bytes(export.read_bytes())
    copied, _ = evaluate(inbox_exports, cursor, files=files)
    assert copied == []


def test_inbox_sensor_sees_files_sharing_the_cursor_timestamp(settings):
    files = build_resources(settings)["files"]
    first = settings.inbox / "a.csv"
    first.write_bytes(hevy_csv(workout_rows()))
    _, cursor = evaluate(inbox_exports, None, files=files)
    second = settings.inbox / "athlete_b" / "b.csv"
    second.parent.mkdir()
    second.write_bytes(hevy_csv(workout_rows(include_pull=False)))
    os.utime(second, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns))  # same timestamp
    requests, _ = evaluate(inbox_exports, cursor, files=files)
    assert len(requests) == 1


@pytest.fixture
def moto_s3(s3_client):
    s3_client.create_bucket(Bucket="exports")
    return s3_client


def test_s3_sensor_runs_once_per_object_content_and_the_run_ingests_it(settings, moto_s3):
    settings = settings.with_fields("files", s3_bucket="exports", s3_inbox_prefix="drop/")
    resources = build_resources(settings)
    s3_resources = {"files": resources["files"], "s3": resources["s3"]}
    moto_s3.put_object(Bucket="exports", Key="drop/coach_kim/workouts.csv", Body=hevy_csv(workout_rows()))
    moto_s3.put_object(Bucket="exports", Key="drop/", Body=b"")  # a console "folder" marker

    first, cursor = evaluate(s3_exports, None, **s3_resources)
    assert len(first) == 1
    assert first[0].run_config == {"ops": {"raw_exports": {"config": {"s3_keys": ["drop/coach_kim/workouts.csv"]}}}}
    assert evaluate(s3_exports, cursor, **s3_resources)[0] == []

    # Rewritten within the same second or later: a new ETag is a new export.
    moto_s3.put_object(Bucket="exports", Key="drop/coach_kim/workouts.csv",
                       Body=hevy_csv(workout_rows(bench_top_weight=85)))
    modified, cursor = evaluate(s3_exports, cursor, **s3_resources)
    assert len(modified) == 1 and modified[0].run_key != first[0].run_key

    result = definitions_for(settings).resolve_job_def("ingest_job").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), run_config=modified[0].run_config | QUIET)
    assert result.success
    assert (settings.inbox / "coach_kim" / "workouts.csv").read_bytes() == hevy_csv(workout_rows(bench_top_weight=85))
    loaded = query(settings, "SELECT athlete_id, count(*) AS n FROM fitness.workouts GROUP BY 1")
    assert loaded == [{"athlete_id": "coach_kim", "n": 4}]


def test_the_s3_sensor_skips_without_a_bucket(settings):
    resources = build_resources(settings)
    result = s3_exports(dg.build_sensor_context(resources={"files": resources["files"], "s3": resources["s3"]}))
    assert isinstance(result, dg.SkipReason)


def test_an_ingest_without_a_bucket_builds_no_s3_client(settings, monkeypatch):
    # A stand-in that fails (the one replaced part here): building a boto3 client costs ~0.25 s,
    # and dagster-aws's own resource builds one for every step that declares it.
    import dagster_aws.s3.resources

    def no_client(**_):
        raise AssertionError("an S3 client was built without FITNESS_S3_BUCKET")

    monkeypatch.setattr(dagster_aws.s3.resources, "construct_s3_client", no_client)
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(workout_rows()))
    assert run_ingest(settings).success
    assert query(settings, "SELECT count(*) AS n FROM fitness.workouts") == [{"n": 4}]


def test_the_schedule_targets_the_week_that_just_ended_in_the_configured_time_zone():
    # The job infers its partitions from its assets, so the schedule resolves within Definitions.
    schedule = dg.Definitions(assets=[weekly_payload, weekly_report, published_reports],
                              asset_checks=WEEKLY_FRESHNESS_CHECKS, schedules=[weekly_refresh_schedule],
                              resources=build_resources()).resolve_schedule_def("weekly_refresh_schedule")
    assert schedule.cron_schedule == "0 6 * * 1"
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING

    partitions = weekly_partitions_for("2024-01-01", "America/Sao_Paulo")

    @dg.asset(partitions_def=partitions)
    def weekly_thing() -> None: ...

    job = dg.define_asset_job("weekly_thing_job", selection=[weekly_thing])
    defs = dg.Definitions(assets=[weekly_thing], jobs=[job], schedules=[weekly_schedule_for(job)])
    schedule = defs.resolve_schedule_def("weekly_thing_schedule")
    assert schedule.execution_timezone == "America/Sao_Paulo"
    monday_morning = datetime(2026, 11, 23, 6, 0, tzinfo=ZoneInfo("America/Sao_Paulo"))  # 09:00 UTC
    tick = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=monday_morning))
    assert [r.partition_key for r in tick.run_requests] == ["2026-11-16"]


# Three training weeks; editing the last one can change only that week's payload.
W1 = ("Push", "5 Jan 2026, 18:00", "5 Jan 2026, 19:00")
W2 = ("Push", "12 Jan 2026, 18:00", "12 Jan 2026, 19:00")
W3 = ("Push", "19 Jan 2026, 18:00", "19 Jan 2026, 19:00")


def three_weeks(w2_weight: float = 80, w3_weight: float = 82.5) -> bytes:
    rows = [workout_set(*W3, "Bench Press (Barbell)", 0, w3_weight, 5),
            workout_set(*W2, "Bench Press (Barbell)", 0, w2_weight, 5),
            workout_set(*W1, "Bench Press (Barbell)", 0, 77.5, 5)]
    return hevy_csv(rows)


def refresh_requests(settings, instance, run_id):
    run = instance.get_run_by_id(run_id)
    success = instance.get_records_for_run(run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records[0]
    with dg.build_run_status_sensor_context(
            sensor_name="refresh_changed_weeks", dagster_instance=instance, dagster_run=run,
            dagster_event=success.event_log_entry.dagster_event,
            resources={name: build_resources(settings)[name] for name in ("warehouse", "files")}) as context:
        requests = refresh_changed_weeks(context) or []
    return [(r.tags["dagster/asset_partition_range_start"], r.tags["dagster/asset_partition_range_end"])
            for r in requests]


def payload_bytes(settings) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in settings.payload_dir.glob("*.json")}


def refresh(settings, instance, first: str, last: str):
    return definitions_for(settings).resolve_job_def("weekly_refresh_job").execute_in_process(
        instance=instance, run_config=QUIET, tags=range_tags(first, last))


def test_an_edited_workout_republishes_exactly_the_weeks_whose_payload_changed(settings):
    """The sensor asks for every week with data; the payload step finds the changed ones by
    comparing bytes with the stored files (the load no longer knows)."""
    instance = dg.DagsterInstance.ephemeral()
    (settings.inbox / "workouts.csv").write_bytes(three_weeks())
    first = run_ingest(settings, instance)
    assert refresh_requests(settings, instance, first.run_id) == [("2026-01-05", "2026-01-19")]
    assert changed_weeks_of_run(instance, refresh(settings, instance, "2026-01-05", "2026-01-19").run_id) == [
        "2026-01-05", "2026-01-12", "2026-01-19"]

    # An edit in the last week: only that week.
    (settings.inbox / "workouts.csv").write_bytes(three_weeks(w3_weight=85))
    edited = run_ingest(settings, instance)
    [(start, end)] = refresh_requests(settings, instance, edited.run_id)
    assert changed_weeks_of_run(instance, refresh(settings, instance, start, end).run_id) == ["2026-01-19"]

    # An edit in the middle: its week and the next (whose deltas compare with it), and exactly the
    # payloads that really change.
    before = payload_bytes(settings)
    (settings.inbox / "workouts.csv").write_bytes(three_weeks(w2_weight=90, w3_weight=85))
    middle = run_ingest(settings, instance)
    [(start, end)] = refresh_requests(settings, instance, middle.run_id)
    reported = changed_weeks_of_run(instance, refresh(settings, instance, start, end).run_id)
    after = payload_bytes(settings)
    really_changed = sorted(name[-15:-5] for name in after if before.get(name) != after[name])
    assert reported == really_changed == ["2026-01-12", "2026-01-19"]

    # Unchanged export: the refresh finds nothing to rewrite.
    again = run_ingest(settings, instance)
    [(start, end)] = refresh_requests(settings, instance, again.run_id)
    assert changed_weeks_of_run(instance, refresh(settings, instance, start, end).run_id) == []
    assert payload_bytes(settings) == after


def test_the_refresh_range_keeps_a_week_that_lost_its_data(settings):
    """A stored payload whose week no longer has data widens the range, so its file is removed."""
    instance = dg.DagsterInstance.ephemeral()
    (settings.inbox / "workouts.csv").write_bytes(three_weeks())
    run_ingest(settings, instance)
    stray = settings.payload_dir / "weekly_fitness_context_2025-12-29.json"
    stray.parent.mkdir(parents=True, exist_ok=True)
    stray.write_bytes(b"{}\n")
    again = run_ingest(settings, instance)
    [(start, end)] = refresh_requests(settings, instance, again.run_id)
    assert (start, end) == ("2025-12-29", "2026-01-19")
    assert changed_weeks_of_run(instance, refresh(settings, instance, start, end).run_id)[0] == "2025-12-29"
    assert not stray.exists()


def test_refresh_runs_publish_payload_and_report_for_the_requested_range(settings):
    instance = dg.DagsterInstance.ephemeral()
    (settings.inbox / "workouts.csv").write_bytes(three_weeks())
    ingest = run_ingest(settings, instance)
    [(first, last)] = refresh_requests(settings, instance, ingest.run_id)
    assert refresh(settings, instance, first, last).success
    assert sorted(payload_bytes(settings)) == [f"weekly_fitness_context_{w}.json"
                                               for w in ("2026-01-05", "2026-01-12", "2026-01-19")]
    assert sorted(p.parent.name for p in settings.report_dir.glob("*/report.md")) == ["2026-01-05", "2026-01-12",
                                                                                      "2026-01-19"]
