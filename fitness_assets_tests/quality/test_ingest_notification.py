"""The ingest notification, end to end: a small inbox (Hevy, diet log, MapMyRun) through the real
ingest_job and PostgreSQL, delivered for real to a local webhook server and to moto's SNS (server
mode, read back through a subscribed SQS queue) — by the run-status sensor (daemon path) and by
`fitness run` itself (CLI path), once per successful run and never for a failed one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import dagster as dg

from fitness_assets.defs.quality.ingest_notification import NOTIFIED_BY_CLI, NOTIFIED_BY_TAG, ingest_notifications
from fitness_assets.defs.resources import NotifierResource
from fitness_assets.lib.core.constants import INGEST_COUNTS_KEY
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.harness import QUIET, definitions_for, run_ingest
from fitness_assets_tests.lib.silver.test_mapmyrun import activity, mapmyrun_csv
from fitness_assets_tests.pipeline.test_activities_load import history
from fitness_assets_tests.quality.rules_helpers import MONDAY, clean_diet_lines, clean_workouts
from fitness_assets_tests.quality.test_alerts import run_event, sns_topic, webhook  # noqa: F401 - fixtures

REPO = Path(__file__).resolve().parents[2]
SECRET = "T0KEN-never-shown"
COUNTS = ("new", "changed", "removed", "quarantined", "total")


def write_inbox(inbox: Path, diet_edit: bool = False, drop_activity: bool = False) -> None:
    """2 workouts (14 sets) and a set with a negative weight; 7 diet days; 4 activities and one with
    a negative distance. `diet_edit` changes one day's bodyweight, `drop_activity` leaves out one."""
    sets = clean_workouts() + [workout_set(*MONDAY, "Squat (Barbell)", 4, -100, 8)]
    lines = clean_diet_lines()
    if diet_edit:
        lines[0] = lines[0].replace(",81.2,", ",81.9,")
    runs = history(4)[:-1] if drop_activity else history(4)
    broken = activity(2000, workout_date="Feb. 1, 2024", date_submitted="Feb. 1, 2024", distance="-3.0")
    (inbox / "workouts.csv").write_bytes(hevy_csv(sets))
    (inbox / "diet.csv").write_bytes(diet_csv(lines))
    (inbox / "user7_workout_history.csv").write_bytes(mapmyrun_csv([broken, *runs]))


def table(body: dict) -> dict[tuple[str, str], tuple]:
    """{(source, layer): (new, changed, removed, quarantined, total)} of a webhook body."""
    return {(r["source"], r["layer"]): tuple(r[c] for c in COUNTS) for r in body["ingest"]["rows"]}


FIRST = {
    ("hevy_csv", "raw"): (1, 0, 0, 0, 1), ("hevy_csv", "silver"): (None, None, None, 1, 14),
    ("hevy_csv", "warehouse"): (2, 0, 0, 1, 2),
    ("diet", "raw"): (1, 0, 0, 0, 1), ("diet", "silver"): (None, None, None, 0, 7),
    ("diet", "warehouse"): (7, 0, 0, 0, 7),
    ("mapmyrun", "raw"): (1, 0, 0, 0, 1), ("mapmyrun", "silver"): (None, None, None, 1, 4),
    ("mapmyrun", "warehouse"): (4, 0, 0, 1, 4),
}
# The same inbox again: nothing new or changed anywhere; silver still holds its quarantined rows.
AGAIN = {**{key: (0, 0, 0, 0, value[4]) for key, value in FIRST.items()},
         **{key: value for key, value in FIRST.items() if key[1] == "silver"}}


def evaluate_sensor(instance: dg.DagsterInstance, run_id: str, notifier: NotifierResource):
    context = dg.build_run_status_sensor_context(
        sensor_name="ingest_notifications", dagster_instance=instance, dagster_run=instance.get_run_by_id(run_id),
        dagster_event=run_event(instance, run_id, dg.DagsterEventType.RUN_SUCCESS), resources={"notifier": notifier})
    return ingest_notifications(context)


def test_each_successful_ingest_sends_one_notification_to_the_webhook_and_sns(settings, webhook, sns_topic):
    topic_arn, receive = sns_topic
    sns_messages: dict[str, dict] = {}

    def published() -> list[dict]:
        """Every SNS message so far, once each (SQS hands an unacknowledged one out again later)."""
        sns_messages.update((m["MessageId"], m) for m in receive())
        return list(sns_messages.values())

    notifier = NotifierResource(channels="webhook,sns", webhook_url=f"{webhook.url}/{SECRET}?token={SECRET}",
                                sns_topic_arn=topic_arn, aws_region="eu-west-1", ui_url="http://dagster.local:3000")
    with dg.instance_for_test() as instance:
        write_inbox(settings.inbox)
        first = run_ingest(settings, instance)
        evaluate_sensor(instance, first.run_id, notifier)
        assert len(webhook.bodies) == 1
        [message] = published()
        body = webhook.bodies[0]
        assert table(body) == FIRST
        assert body["ingest"]["run_id"] == first.run_id
        totals = {t["layer"]: tuple(t[c] for c in COUNTS) for t in body["ingest"]["totals"]}
        assert totals == {"raw": (3, 0, 0, 0, 3), "silver": (None, None, None, 2, 25), "warehouse": (13, 0, 0, 2, 13)}
        # SNS carries the same text as the webhook's `text` (the log gets it too).
        assert message["Message"] == body["text"]
        assert message["Subject"] == (f"[fitness_assets] ingest_job succeeded (run {first.run_id[:8]}): 13 new, "
                                      "0 changed, 0 removed, 2 quarantined")
        assert message["MessageAttributes"]["kind"]["Value"] == "ingest_summary"
        assert message["MessageAttributes"]["severity"]["Value"] == "INFO"
        assert f"http://dagster.local:3000/runs/{first.run_id}" in body["text"]

        again = run_ingest(settings, instance)  # the same inbox: a notification saying nothing changed
        evaluate_sensor(instance, again.run_id, notifier)
        assert len(webhook.bodies) == 2 and table(webhook.bodies[1]) == AGAIN
        assert len(published()) == 2
        quiet = next(m for m in published() if again.run_id[:8] in m["Subject"])
        assert quiet["Message"] == webhook.bodies[1]["text"]
        assert "0 new, 0 changed, 0 removed, 0 quarantined" in quiet["Subject"]

        write_inbox(settings.inbox, diet_edit=True, drop_activity=True)  # one day edited, one run deleted
        edited = run_ingest(settings, instance)
        evaluate_sensor(instance, edited.run_id, notifier)
        changed = table(webhook.bodies[2])
        assert changed["diet", "raw"] == (0, 1, 0, 0, 2) and changed["mapmyrun", "raw"] == (0, 1, 0, 0, 2)
        assert changed["diet", "warehouse"] == (0, 1, 0, 0, 7)
        # The broken activity is in the new export too: its line is that export's, stored for the first time.
        assert changed["mapmyrun", "warehouse"] == (0, 0, 1, 1, 3)
        assert changed["hevy_csv", "warehouse"] == (0, 0, 0, 0, 2)
        assert len(published()) == 3

        # Secrets reach no message and no metadata.
        everything = json.dumps(webhook.bodies) + json.dumps(published())
        records = instance.get_records_for_run(edited.run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
        everything += "".join(str(r.event_log_entry.asset_materialization.metadata) for r in records.records)
        assert SECRET not in everything and "/hooks/fitness" not in everything


def test_the_counts_are_reported_under_one_stable_key_per_ingest_asset(settings):
    write_inbox(settings.inbox)
    result = run_ingest(settings)
    reported = {m.asset_key.to_user_string(): m.metadata[INGEST_COUNTS_KEY].value
                for m in (e.event_specific_data.materialization for e in result.get_asset_materialization_events())
                if INGEST_COUNTS_KEY in m.metadata}
    assert sorted(reported) == ["activities", "diet_daily", "raw_exports", "silver_activities", "silver_diet_days",
                                "silver_workout_sets", "workouts"]
    assert reported["workouts"] == {"layer": "warehouse", "counts": {
        "hevy_csv": {"new": 2, "changed": 0, "removed": 0, "quarantined": 1, "total": 2}}}
    assert reported["silver_activities"] == {"layer": "silver", "counts": {"mapmyrun": {"quarantined": 1, "total": 4}}}


def test_a_run_of_fitness_run_is_left_to_the_command(settings, webhook):
    """`fitness run` tags its ingest run and sends the notification itself: the sensor sends none."""
    write_inbox(settings.inbox)
    with dg.instance_for_test() as instance:
        run = definitions_for(settings).resolve_job_def("ingest_job").execute_in_process(
            instance=instance, run_config=QUIET, tags={NOTIFIED_BY_TAG: NOTIFIED_BY_CLI})
        evaluate_sensor(instance, run.run_id, NotifierResource(channels="webhook", webhook_url=webhook.url))
    assert webhook.bodies == []


def fitness_run(workdir: Path, database_url: str, webhook_url: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("FITNESS_", "DAGSTER_"))}
    environment |= {"FITNESS_DATABASE_URL": database_url, "FITNESS_HOME": str(workdir / "home"),
                    "FITNESS_INBOX": str(workdir / "inbox"), "FITNESS_ALERT_CHANNELS": "webhook",
                    "FITNESS_ALERT_WEBHOOK_URL": webhook_url}
    return subprocess.run([sys.executable, "-m", "fitness_assets.cli", "run"], cwd=REPO, env=environment,
                          capture_output=True, text=True, timeout=600)


def test_fitness_run_notifies_once_per_successful_ingest_and_not_after_a_failed_one(tmp_path, database_url, webhook):
    (tmp_path / "inbox").mkdir()
    write_inbox(tmp_path / "inbox")
    url = f"{webhook.url}/{SECRET}"
    first = fitness_run(tmp_path, database_url, url)
    assert first.returncode == 0, first.stderr
    assert len(webhook.bodies) == 1 and table(webhook.bodies[0]) == FIRST
    assert webhook.bodies[0]["text"].splitlines()[0] in first.stderr  # the log channel: the terminal
    assert SECRET not in first.stderr + first.stdout

    again = fitness_run(tmp_path, database_url, url)
    assert again.returncode == 0, again.stderr
    assert len(webhook.bodies) == 2 and table(webhook.bodies[1]) == AGAIN

    lines = clean_diet_lines()
    (tmp_path / "inbox" / "diet.csv").write_bytes(diet_csv(lines + [lines[-1]]))  # a date twice: blocking
    failed = fitness_run(tmp_path, database_url, url)
    assert failed.returncode == 1
    assert len(webhook.bodies) == 2


def test_one_daemon_tick_over_several_runs_notifies_each_successful_ingest_once(settings, webhook):
    """Evaluated as the daemon does (evaluate_tick from a cursor): a successful run is notified,
    a failed one is not, a run of `fitness run` is left to the command."""
    notifier = NotifierResource(channels="webhook", webhook_url=webhook.url)
    with dg.instance_for_test() as instance:
        def tick(cursor):
            context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"notifier": notifier},
                                              definitions=definitions_for(settings))
            return ingest_notifications.evaluate_tick(context)

        first = tick(None)  # the first tick only places the cursor
        write_inbox(settings.inbox)
        succeeded = run_ingest(settings, instance)
        lines = clean_diet_lines()
        (settings.inbox / "diet.csv").write_bytes(diet_csv(lines + [lines[-1]]))  # a date twice: blocking
        failed = run_ingest(settings, instance, raise_on_error=False)
        assert not failed.success
        write_inbox(settings.inbox)
        definitions_for(settings).resolve_job_def("ingest_job").execute_in_process(
            instance=instance, run_config=QUIET, tags={NOTIFIED_BY_TAG: NOTIFIED_BY_CLI})
        tick(first.cursor)
    assert [body["ingest"]["run_id"] for body in webhook.bodies] == [succeeded.run_id]
