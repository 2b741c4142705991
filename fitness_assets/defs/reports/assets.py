"""reports: one Markdown report and three charts per athlete-week, read from the stored payloads.

`weekly_report` writes the reports that are due (their payload changed since they were written,
or they are missing; lib/reports/sources.py), checks each against its payload, and redraws the
charts whose weeks changed. `published_reports` uploads payload, report and charts to S3.

Backfills from the UI run one week per run (`BackfillPolicy.multi_run(1)`), so a Bedrock
failure affects only its week, and the `bedrock` pool caps concurrent calls. The asset is
still range-aware: the `fitness` CLI writes every template report in one run.
"""

from dataclasses import dataclass, field
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_aws.s3 import S3Resource

from fitness_assets.defs.partitions import weekly_partitions
from fitness_assets.defs.progress import report
from fitness_assets.defs.quality.checks import check_result, check_specs
from fitness_assets.defs.quality.gate import refuse_if_blocked
from fitness_assets.defs.resources import FitnessFilesResource, ReportWriterResource
from fitness_assets.lib.core.constants import DEFAULT_ATHLETE
from fitness_assets.lib.payloads.payload import write_if_changed
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.reports.charts import CHARTS, draw_charts
from fitness_assets.lib.reports.grounding import ungrounded_numbers
from fitness_assets.lib.reports.publish import publish, week_key, week_objects
from fitness_assets.lib.reports.sources import (
    REPORT_FILE,
    ReportSources,
    history_digest,
    report_sources,
    store_report,
)

CHART_STAMP = "charts.sha256"


def range_of(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """First and last Monday of the run's partition range."""
    keys = context.partition_keys
    return keys[0], keys[-1]


@dataclass
class WrittenReports:
    due: int = 0                # reports the writer was asked for
    written: int = 0            # report files whose bytes changed
    ungrounded: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    usage: list[dict] = field(default_factory=list)


def write_due_reports(writer: ReportWriterResource, sources: ReportSources) -> WrittenReports:
    """Ask the writer only for due reports; a report with a number its payload lacks is not written."""
    outcome = WrittenReports()
    for key in sources.targets:
        if sources.report_is_current(key):
            continue
        outcome.due += 1
        athlete_id, week = key
        payload = sources.payloads[key]
        try:
            result = writer.write(payload)
        except Exception as error:  # noqa: BLE001 - one week's failure must not stop the others
            outcome.failures.append({"athlete": athlete_id, "week": week, "error": f"{type(error).__name__}: {error}"})
            continue
        outcome.usage.append(result.usage)
        missing = ungrounded_numbers(result.text, payload)
        if missing:
            outcome.ungrounded.append({"athlete": athlete_id, "week": week, "engine": result.engine,
                                       "numbers": ", ".join(missing)})
            continue
        outcome.written += store_report(sources.folder(key) / REPORT_FILE, result.text)
    return outcome


def redraw_changed_charts(sources: ReportSources, keys: list[tuple[str, str]]) -> int:
    """Charts of a week plot its history: redraw them only when that history changed, which also
    redraws the later weeks that plot a changed week."""
    stale = []
    for key in keys:
        folder, digest = sources.folder(key), history_digest(sources.history(*key))
        stamp = folder / CHART_STAMP
        if not (stamp.exists() and stamp.read_text(encoding="utf-8") == digest
                and all((folder / name).exists() for name in CHARTS)):
            stale.append((key, digest))
    for key, digest in stale:
        draw_charts(sources.history(*key), sources.folder(key))
        write_if_changed(sources.folder(key) / CHART_STAMP, digest.encode("utf-8"))
    return len(stale)


@dg.asset(
    group_name="reports",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1),
    deps=["weekly_payload"],
    kinds={"markdown"},
    pool="bedrock",
    check_specs=check_specs("weekly_report"),
)
def weekly_report(context: dg.AssetExecutionContext, files: FitnessFilesResource, report_writer: ReportWriterResource):
    """report.md + charts under FITNESS_HOME/reports/<week>/ (other athletes: reports/<athlete>/<week>/),
    from the stored payload files alone.

    A report with a number its payload lacks is not written; the grounding check lists the number.
    """
    refuse_if_blocked(context, "weekly_report")
    first_week, last_week = range_of(context)
    sources = report_sources(files.payload_dir, files.report_dir, first_week, last_week)
    outcome = write_due_reports(report_writer, sources)
    current = [key for key in sources.targets if sources.report_is_current(key)]
    redrawn = redraw_changed_charts(sources, current)
    report(context, f"reports: {len(sources.targets)} athlete-week(s), {outcome.due} due, {outcome.written} written, "
                    f"{redrawn} chart set(s) redrawn, {len(outcome.ungrounded)} ungrounded, "
                    f"{len(outcome.failures)} failed")
    yield check_result("weekly_report", "report_grounded",
                       Finding(pd.DataFrame(outcome.ungrounded, columns=["athlete", "week", "engine", "numbers"]),
                               outcome.due - len(outcome.failures)))
    usage = outcome.usage
    tokens = {key: sum(u.get(key, 0) for u in usage) for key in ("input_tokens", "output_tokens", "retries")}
    shown = [(a, w, (sources.folder((a, w)) / REPORT_FILE).read_text("utf-8"), sources.payloads[(a, w)],
              sources.folder((a, w)) / REPORT_FILE) for a, w in current]
    yield dg.MaterializeResult(metadata={
        "engine": report_writer.engine, "reports": len(sources.targets), "reports_due": outcome.due,
        "reports_written": outcome.written, "charts_redrawn": redrawn,
        "report_dir": dg.MetadataValue.path(str(files.report_dir)),
        **tokens, "estimated_cost_usd": round(sum(u.get("estimated_cost_usd", 0) for u in usage), 6),
        **_report_metadata(shown, single_week=first_week == last_week, home=files.fitness_home),
    })
    if outcome.failures:
        raise dg.Failure(description=f"{len(outcome.failures)} report(s) could not be written: "
                                     + "; ".join(f"{f['week']} ({f['athlete']}): {f['error']}" for f in outcome.failures),
                         metadata={"failures": dg.MetadataValue.json(outcome.failures)})


@dg.asset(
    group_name="reports",
    partitions_def=weekly_partitions,
    # The report's policy: a backfill publishes each week in the run that wrote its report.
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1),
    deps=["weekly_payload", "weekly_report"],
    kinds={"s3"},
    # Not materialized at all when no bucket is configured: nothing was published.
    output_required=False,
)
def published_reports(context: dg.AssetExecutionContext, files: FitnessFilesResource, s3: S3Resource):
    """With FITNESS_S3_BUCKET set, each week's payload, report and charts under
    s3://<bucket>/<prefix>/<athlete>/<week>/; unchanged objects are skipped by their sha256.

    Only weeks whose report is current are published: a report that failed or was not grounded
    keeps its week (payload included) off S3 until it is written.
    """
    if not files.s3_bucket:
        context.log.info("FITNESS_S3_BUCKET is not set: nothing to publish")
        return
    refuse_if_blocked(context, "published_reports")
    first_week, last_week = range_of(context)
    sources = report_sources(files.payload_dir, files.report_dir, first_week, last_week)
    current = [key for key in sources.targets if sources.report_is_current(key)]
    client = s3.get_client()
    uploaded = sum(publish(client, files.s3_bucket, week_key(files.s3_prefix, athlete_id, week, name), data)
                   for athlete_id, week in current
                   for name, data in week_objects(sources.payload_file((athlete_id, week)),
                                                  sources.folder((athlete_id, week))).items())
    report(context, f"s3: {len(current)} athlete-week(s) published to s3://{files.s3_bucket}, {uploaded} object(s) uploaded")
    yield dg.MaterializeResult(metadata={
        "weeks_published": len(current), "s3_objects_uploaded": uploaded,
        "weeks_not_published": len(sources.targets) - len(current),
        "destination": dg.MetadataValue.url(f"s3://{files.s3_bucket}/{files.s3_prefix.strip('/')}"),
    })


def _report_metadata(shown: list, single_week: bool, home: str) -> dict:
    """What the UI shows about the reports of one run.

    Dagster records one materialization per run and copies its metadata onto every partition the
    run covers. A one-week run with one report (a UI backfill runs one week per run) shows that
    report and its payload. Otherwise (a range run such as `fitness run`, or several athletes in
    one week) no single report belongs to every partition, so it shows the latest week's report
    (the default athlete's first), names it in `report_week` and `report_athlete`, leaves the
    payload out, and adds `reports_table`: every report of the run, its path and word count.
    """
    if not shown:
        return {}
    latest = max(shown, key=lambda item: (item[1], item[0] == DEFAULT_ATHLETE, item[0]))
    athlete_id, week, text, payload, _ = latest
    metadata = {"report_week": week, "report_athlete": athlete_id, "report": dg.MetadataValue.md(text)}
    if single_week and len(shown) == 1:
        metadata["payload"] = dg.MetadataValue.json(payload)
    if len(shown) > 1:
        rows = [f"| {w} | {a} | {Path(path).relative_to(home).as_posix()} | {len(t.split())} |"
                for a, w, t, _, path in sorted(shown, key=lambda item: (item[1], item[0]))]
        metadata["reports_table"] = dg.MetadataValue.md(
            "\n".join(["| Week | Athlete | Report | Words |", "| --- | --- | --- | ---: |", *rows]))
    return metadata
