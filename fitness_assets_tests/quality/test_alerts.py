"""Alerts from the two sensors, delivered for real: a webhook to a local HTTP server, and SNS to
moto's server mode (a local AWS-compatible endpoint, reached by real boto3 over HTTP)."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import dagster as dg
import pytest

from fitness_assets.defs.quality.alerts import failed_check_alerts, run_failure_alerts
from fitness_assets.defs.resources import NotifierResource
from fitness_assets.lib.quality.alerts import Alert, deliver
from fitness_assets_tests.conftest import diet_csv, hevy_csv
from fitness_assets_tests.harness import run_ingest
from fitness_assets_tests.quality.rules_helpers import clean_diet_lines, clean_workouts


class WebhookReceiver:
    """A local HTTP server that records every JSON body POSTed to it."""

    def __init__(self):
        received = self.bodies = []

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/fitness"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook():
    receiver = WebhookReceiver()
    yield receiver
    receiver.close()


def run_event(instance: dg.DagsterInstance, run_id: str, event_type: dg.DagsterEventType) -> dg.DagsterEvent:
    return instance.get_records_for_run(run_id, of_type=event_type).records[0].event_log_entry.dagster_event


def evaluate_success_sensor(instance, run_id, notifier):
    run = instance.get_run_by_id(run_id)
    context = dg.build_run_status_sensor_context(
        sensor_name="failed_check_alerts", dagster_instance=instance, dagster_run=run,
        dagster_event=run_event(instance, run_id, dg.DagsterEventType.RUN_SUCCESS), resources={"notifier": notifier})
    return failed_check_alerts(context)


def write_inbox(settings, kcal_typo: bool = False, second_typo: bool = False) -> None:
    lines = clean_diet_lines()
    if kcal_typo:
        lines[0] = lines[0].replace(",2060,", ",2600,")
    if second_typo:
        lines[1] = lines[1].replace(",2060,", ",2500,")
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(clean_workouts()))
    (settings.inbox / "diet.csv").write_bytes(diet_csv(lines))


def test_failed_checks_reach_a_webhook_once_until_their_result_changes(settings, webhook):
    notifier = NotifierResource(channels="log,webhook", webhook_url=webhook.url, ui_url="http://dagster.local:3000")
    with dg.instance_for_test() as instance:
        write_inbox(settings, kcal_typo=True)
        first = run_ingest(settings, instance)
        evaluate_success_sensor(instance, first.run_id, notifier)
        assert len(webhook.bodies) == 1
        body = webhook.bodies[0]
        assert body["alert"]["severity"] == "WARN"
        assert [(c["asset"], c["check"], c["severity"], c["offending_rows"]) for c in body["alert"]["checks"]] == [
            ("silver_diet_days", "calories_match_macros", "WARN", 1)]
        assert f"http://dagster.local:3000/runs/{first.run_id}" in body["text"]  # Slack shows `text`
        assert "calories_match_macros" in body["text"] and "1 offending of 7 checked" in body["text"]

        same = run_ingest(settings, instance)  # same failure again: not re-sent
        evaluate_success_sensor(instance, same.run_id, notifier)
        assert len(webhook.bodies) == 1

        resend = NotifierResource(channels="webhook", webhook_url=webhook.url, resend_unchanged=True)
        evaluate_success_sensor(instance, same.run_id, resend)
        assert len(webhook.bodies) == 2

        write_inbox(settings, kcal_typo=True, second_typo=True)  # the result changes: sent again
        changed = run_ingest(settings, instance)
        evaluate_success_sensor(instance, changed.run_id, notifier)
        assert len(webhook.bodies) == 3
        assert webhook.bodies[2]["alert"]["checks"][0]["offending_rows"] == 2

        write_inbox(settings)  # fixed: a passing run alerts nobody
        clean = run_ingest(settings, instance)
        evaluate_success_sensor(instance, clean.run_id, notifier)
        assert len(webhook.bodies) == 3


@pytest.fixture
def sns_topic(moto_url, monkeypatch):
    """An SNS topic on moto's server mode, with an SQS queue subscribed to read what was published."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SNS", moto_url)
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", moto_url)
    sns, sqs = boto3.client("sns", region_name="eu-west-1"), boto3.client("sqs", region_name="eu-west-1")
    topic_arn = sns.create_topic(Name="fitness-alerts")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="alerts-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic_arn, Protocol="sqs", Endpoint=queue_arn)

    def published() -> list[dict]:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
        return [json.loads(m["Body"]) for m in messages]

    return topic_arn, published


def test_a_failed_run_is_published_to_sns(settings, sns_topic):
    topic_arn, published = sns_topic
    lines = clean_diet_lines()
    (settings.inbox / "workouts.csv").write_bytes(hevy_csv(clean_workouts()))
    (settings.inbox / "diet.csv").write_bytes(diet_csv(lines + [lines[-1]]))  # a date logged twice: blocking
    notifier = NotifierResource(channels="sns", sns_topic_arn=topic_arn, aws_region="eu-west-1")
    with dg.instance_for_test() as instance:
        failed = run_ingest(settings, instance, raise_on_error=False)
        assert not failed.success
        run = instance.get_run_by_id(failed.run_id)
        context = dg.build_run_status_sensor_context(
            sensor_name="run_failure_alerts", dagster_instance=instance, dagster_run=run,
            dagster_event=run_event(instance, failed.run_id, dg.DagsterEventType.RUN_FAILURE),
            resources={"notifier": notifier}).for_run_failure()
        run_failure_alerts(context)
    [message] = published()
    assert message["Subject"] == f"[fitness_assets] ingest_job failed (run {failed.run_id[:8]})"
    assert message["MessageAttributes"]["severity"]["Value"] == "ERROR"
    assert "ERROR (blocking) silver_diet_days / one_row_per_date: 2 offending" in message["Message"]
    assert f"/runs/{failed.run_id}" in message["Message"]


def test_every_channel_is_tried_and_failures_are_reported():
    alert = Alert("failed_checks", "ingest_job", "0123456789", "http://localhost:3000/runs/0123456789")
    with pytest.raises(RuntimeError, match="webhook: FITNESS_ALERT_WEBHOOK_URL is not set"):
        deliver(alert, NotifierResource(channels="webhook,log"), dg.get_dagster_logger())
    with pytest.raises(ValueError, match="unknown channel"):
        deliver(alert, NotifierResource(channels="email"), dg.get_dagster_logger())


def test_one_daemon_tick_over_several_runs_alerts_each_new_failure_once(settings, webhook):
    """The daemon hands a tick every run finished since its cursor. Evaluating the sensor the way
    the daemon does (evaluate_tick with a cursor) covers a tick mixing silent and alerted runs."""
    notifier = NotifierResource(channels="webhook", webhook_url=webhook.url)
    with dg.instance_for_test() as instance:
        def tick(cursor):
            context = dg.build_sensor_context(instance=instance, cursor=cursor, resources={"notifier": notifier})
            return failed_check_alerts.evaluate_tick(context)

        first = tick(None)  # the first tick only places the cursor
        write_inbox(settings, kcal_typo=True)
        run_ingest(settings, instance)                    # new failure: alert
        run_ingest(settings, instance)                    # same failure: silent
        write_inbox(settings, kcal_typo=True, second_typo=True)
        run_ingest(settings, instance)                    # changed: alert
        tick(first.cursor)
    assert [b["alert"]["checks"][0]["offending_rows"] for b in webhook.bodies] == [1, 2]
