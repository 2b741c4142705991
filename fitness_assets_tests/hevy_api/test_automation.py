"""The hourly Hevy API schedule and the week refresh after a sync."""

from __future__ import annotations

from datetime import datetime, timezone

import dagster as dg

from fitness_assets.defs.automation.schedules import hevy_api_sync_schedule
from fitness_assets.defs.automation.sensors import refresh_changed_weeks
from fitness_assets.defs.resources import build_resources
from fitness_assets_tests.harness import QUIET, definitions_for
from fitness_assets_tests.hevy_api.data import API_KEY, workout
from fitness_assets_tests.hevy_api.fixtures import hevy_api  # noqa: F401  (fixture)


def evaluate(settings):
    context = dg.build_schedule_context(resources={"hevy_api": settings.hevy_api},
                                        scheduled_execution_time=datetime(2026, 3, 2, 9, tzinfo=timezone.utc))
    return hevy_api_sync_schedule(context)


def test_the_schedule_is_hourly_and_skips_without_a_key(settings):
    assert hevy_api_sync_schedule.cron_schedule == "0 * * * *"
    assert hevy_api_sync_schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    assert isinstance(evaluate(settings), dg.SkipReason)
    request = evaluate(settings.with_fields("hevy_api", api_key=API_KEY))
    assert isinstance(request, dg.RunRequest) and request.run_key == "2026-03-02T09:00:00+00:00"


def refresh_after(settings, instance, result):
    run = instance.get_run_by_id(result.run_id)
    success = instance.get_records_for_run(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS).records[0]
    with dg.build_run_status_sensor_context(
            sensor_name="refresh_changed_weeks", dagster_instance=instance, dagster_run=run,
            dagster_event=success.event_log_entry.dagster_event,
            resources={name: build_resources(settings)[name] for name in ("warehouse", "files")}) as context:
        return refresh_changed_weeks(context)


def test_weeks_are_refreshed_after_a_sync_that_changed_something_only(hevy_api, settings):
    hevy_api.state.workouts = [workout(n) for n in range(6)]
    settings = settings.with_fields("hevy_api", base_url=hevy_api.base_url, api_key=API_KEY, backoff_seconds=0.01)
    instance = dg.DagsterInstance.ephemeral()
    job = definitions_for(settings).resolve_job_def("hevy_api_sync_job")
    first = job.execute_in_process(instance=instance, run_config=QUIET)
    requests = refresh_after(settings, instance, first)
    assert isinstance(requests, list) and len(requests) >= 1
    quiet = job.execute_in_process(instance=instance, run_config=QUIET)
    assert isinstance(refresh_after(settings, instance, quiet), dg.SkipReason)
