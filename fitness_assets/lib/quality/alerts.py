"""Alerts: what a person is told when checks or runs fail, and the channels that carry it.

Channels: `log` (the Dagster/daemon log, always available), `webhook` (a JSON POST whose
`text` field is Slack-compatible; the structured alert rides along under `alert`) and `sns`
(an Amazon SNS topic via boto3; the endpoint can be redirected with boto3's standard
AWS_ENDPOINT_URL_SNS variable). The same channels carry the ingest notification
(lib/quality/ingest_summary.py): `deliver` takes any `Notice`.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass, field
from typing import ClassVar, Protocol

from fitness_assets.lib.core.redact import redact_text, redact_url

CHANNELS = ("log", "webhook", "sns")
WEBHOOK_TIMEOUT_SECONDS = 10


class AlertChannels(Protocol):
    """Where alerts go. The Dagster NotifierResource (defs/resources.py) is one, and owns the
    defaults; this module stays free of Dagster."""
    channels: str            # comma-separated: log, webhook, sns
    webhook_url: str
    sns_topic_arn: str
    aws_region: str
    ui_url: str


class Notice(Protocol):
    """What the channels carry: an Alert, or an ingest summary."""
    kind: str
    webhook_field: str       # the webhook body's key for as_json(), beside the Slack-compatible `text`
    run_id: str

    @property
    def severity(self) -> str: ...

    @property
    def subject(self) -> str: ...

    def text(self) -> str: ...

    def as_json(self) -> dict: ...


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check: str
    severity: str
    blocking: bool
    offending_rows: int
    checked_rows: int
    description: str = ""


@dataclass(frozen=True)
class Alert:
    kind: str                      # "failed_checks" or "run_failure"
    job_name: str
    run_id: str
    run_url: str
    checks: list[FailedCheck] = field(default_factory=list)
    error: str = ""                # the run's failure message, for run failures

    webhook_field: ClassVar[str] = "alert"

    @property
    def severity(self) -> str:
        return "ERROR" if self.kind == "run_failure" or any(c.severity == "ERROR" for c in self.checks) else "WARN"

    @property
    def subject(self) -> str:
        if self.kind == "run_failure":
            return f"[fitness_assets] {self.job_name} failed (run {self.run_id[:8]})"
        return f"[fitness_assets] {len(self.checks)} failed check(s) in {self.job_name} (run {self.run_id[:8]})"

    def text(self) -> str:
        lines = [f"*{self.subject}* ({self.severity})"]
        if self.error:
            lines.append(f"Error: {self.error}")
        for check in self.checks:
            lines.append(f"• {check.severity}{' (blocking)' if check.blocking else ''} {check.asset} / {check.check}: "
                         f"{check.offending_rows:,} offending of {check.checked_rows:,} checked"
                         + (f" — {check.description}" if check.description else ""))
        lines.append(f"Run: {self.run_url}")
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {**asdict(self), "severity": self.severity, "subject": self.subject}


def run_url(to: AlertChannels, run_id: str) -> str:
    return f"{to.ui_url}/runs/{run_id}"


def deliver(alert: Notice, to: AlertChannels, log, always_log: bool = False) -> list[str]:
    """Send to every configured channel (and to the log as well when `always_log`); a failing
    channel does not stop the others, but is raised afterwards so the sensor tick shows it."""
    channels = [c.strip() for c in to.channels.split(",") if c.strip()]
    if always_log and "log" not in channels:
        channels.insert(0, "log")
    unknown = sorted(set(channels) - set(CHANNELS))
    if unknown:
        raise ValueError(f"FITNESS_ALERT_CHANNELS: unknown channel(s) {unknown}; expected some of {list(CHANNELS)}")
    delivered, errors = [], []
    for channel in channels:
        try:
            {"log": _to_log, "webhook": _to_webhook, "sns": _to_sns}[channel](alert, to, log)
            delivered.append(channel)
        except Exception as error:  # noqa: BLE001 - reported below, after the other channels had their turn
            errors.append(f"{channel}: {error}")
    if errors:
        # Redacted: a channel's error may quote its URL (the webhook's token) or a key.
        raise RuntimeError(redact_text("alert delivery failed: " + "; ".join(errors), [to.webhook_url]))
    return delivered


def _to_log(alert: Notice, to: AlertChannels, log) -> None:
    {"ERROR": log.error, "WARN": log.warning}.get(alert.severity, log.info)(alert.text())


def _to_webhook(alert: Notice, to: AlertChannels, log) -> None:
    if not to.webhook_url:
        raise ValueError("FITNESS_ALERT_WEBHOOK_URL is not set")
    body = json.dumps({"text": alert.text(), alert.webhook_field: alert.as_json()}).encode()
    target = redact_url(to.webhook_url)  # the URL's path is the webhook's credential
    try:
        request = urllib.request.Request(to.webhook_url, data=body, method="POST",
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        # Not the reason phrase or body: an endpoint may echo the request path back.
        reason = f"HTTP {error.code}"
    except urllib.error.URLError as error:
        reason = redact_text(str(error.reason), [to.webhook_url])
    except (ValueError, OSError) as error:  # a malformed URL (quoted whole by urllib), a socket error
        reason = redact_text(f"{type(error).__name__}: {error}", [to.webhook_url])
    else:
        return
    raise RuntimeError(f"POST to {target} failed: {reason}")


def _to_sns(alert: Notice, to: AlertChannels, log) -> None:
    import boto3  # only needed when the channel is on

    if not to.sns_topic_arn:
        raise ValueError("FITNESS_ALERT_SNS_TOPIC_ARN is not set")
    client = boto3.client("sns", region_name=to.aws_region or None)
    client.publish(TopicArn=to.sns_topic_arn, Subject=alert.subject[:100], Message=alert.text(),
                   MessageAttributes={"severity": {"DataType": "String", "StringValue": alert.severity},
                                      # lets a subscription filter ingest summaries from alerts
                                      "kind": {"DataType": "String", "StringValue": alert.kind}})
