"""reports: one Markdown report and three charts per athlete-week, read from the stored payloads.

`weekly_report` writes the reports that are due (their payload changed since they were written,
or they are missing; lib/reports/sources.py), checks each against its payload, and redraws the
charts whose weeks changed. `published_reports` uploads payload, report and charts to S3.

Both take any range of weeks in one run (`BackfillPolicy.single_run()`, as `weekly_payload`),
from the UI, a schedule, a sensor or the `fitness` CLI. Dagster copies a range run's one
materialization onto every week, so each week's own facts (its report with the charts
embedded, its status) are recorded on its own partition, and the run's result holds only
range totals. A writer (Bedrock) failure fails only its week: the week is recorded as failed on
its partition and in the `report_written` check, stays due, and the run goes on with the
others. The `bedrock` pool caps how many report steps (each one range) call the writer at once.
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
from fitness_assets.lib.core.redact import redact_text
from fitness_assets.lib.payloads.payload import write_if_changed
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.reports.charts import (
    CHARTS,
    draw_charts,
    embedded_charts,
    with_chart_links,
    without_chart_links,
)
from fitness_assets.lib.reports.grounding import ungrounded_numbers
from fitness_assets.lib.reports.publish import publish, week_key, week_objects
from fitness_assets.lib.reports.quoting import quoted
from fitness_assets.lib.reports.sources import (
    REPORT_FILE,
    ReportSources,
    report_sources,
    store_report,
)

CHART_STAMP = "charts.sha256"


def range_of(context: dg.AssetExecutionContext) -> tuple[str, str]:
    """First and last Monday of the run's partition range."""
    keys = context.partition_keys
    return keys[0], keys[-1]


# What happened to one athlete-week's report in a run, worst first (a week shows its worst).
FAILED, UNGROUNDED, WRITTEN, UNCHANGED = "failed", "ungrounded", "written", "unchanged"
STATUS_ORDER = (FAILED, UNGROUNDED, WRITTEN, UNCHANGED)


@dataclass
class WrittenReports:
    due: int = 0                # reports the writer was asked for
    written: int = 0            # report files whose bytes changed
    status: dict[tuple[str, str], str] = field(default_factory=dict)   # every target's outcome
    ungrounded: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)
    usage: dict[tuple[str, str], dict] = field(default_factory=dict)


def write_due_reports(writer: ReportWriterResource, sources: ReportSources) -> WrittenReports:
    """Ask the writer only for due reports; a report with a number its payload lacks is not written.

    A writer failure is recorded against its athlete-week and the others go on: that report
    stays due (older than its payload, or missing), so the next run asks for it again."""
    outcome = WrittenReports()
    for key in sources.targets:
        if sources.report_is_current(key):
            outcome.status[key] = UNCHANGED
            continue
        outcome.due += 1
        athlete_id, week = key
        payload = sources.payloads[key]
        try:
            result = writer.write(payload)
        except Exception as error:  # noqa: BLE001 - one week's failure must not stop the others
            outcome.status[key] = FAILED
            outcome.failures.append({"athlete": athlete_id, "week": week, "engine": writer.engine,
                                     "error": f"{type(error).__name__}: {error}"})
            continue
        outcome.usage[key] = result.usage
        missing = ungrounded_numbers(result.text, payload)
        if missing:
            outcome.status[key] = UNGROUNDED
            outcome.ungrounded.append({"athlete": athlete_id, "week": week, "engine": result.engine,
                                       "numbers": ", ".join(missing)})
            continue
        changed = store_report(sources.folder(key) / REPORT_FILE, with_chart_links(result.text))
        outcome.written += changed
        outcome.status[key] = WRITTEN if changed else UNCHANGED
    return outcome


def redraw_changed_charts(sources: ReportSources, keys: list[tuple[str, str]]) -> int:
    """Charts of a week plot its history: redraw them only when that history changed, which also
    redraws the later weeks that plot a changed week."""
    stale = []
    for key in keys:
        folder, digest = sources.folder(key), sources.history_digest(*key)
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
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=["weekly_payload"],
    kinds={"markdown"},
    pool="bedrock",
    check_specs=check_specs("weekly_report"),
)
def weekly_report(context: dg.AssetExecutionContext, files: FitnessFilesResource, report_writer: ReportWriterResource):
    """report.md + charts under FITNESS_HOME/reports/<week>/ (other athletes: reports/<athlete>/<week>/),
    from the stored payload files alone; any range of weeks in one run.

    Each week's partition shows that week's report with its charts, its status (written,
    unchanged, failed, ungrounded) and its word count. A report with a number its payload lacks
    is not written (`report_grounded` lists the number); a week the writer failed on is listed by
    `report_written` and stays due, while the other weeks are written.
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
    for week in context.partition_keys:
        context.add_asset_metadata(week_metadata(week, sources, outcome, report_writer.engine, Path(files.fitness_home)),
                                   partition_key=week)
    yield check_result("weekly_report", "report_grounded",
                       Finding(pd.DataFrame(outcome.ungrounded, columns=["athlete", "week", "engine", "numbers"]),
                               outcome.due - len(outcome.failures)))
    failures = pd.DataFrame(outcome.failures, columns=["athlete", "week", "engine", "error"])
    yield check_result("weekly_report", "report_written", Finding(failures, outcome.due), message=(
        f"{len(failures)} report(s) could not be written ({', '.join(sorted(set(failures['week'])))}); the other "
        "weeks were written. They stay due: the next refresh (or `fitness run`) asks the writer again."
        if len(failures) else ""))
    usage = list(outcome.usage.values())
    # On every week of the range, under each week's own facts: named range_* so no week's page
    # passes them off as its own.
    yield dg.MaterializeResult(metadata={
        "range_weeks": len(context.partition_keys), "range_reports": len(sources.targets),
        "range_reports_due": outcome.due, "range_reports_written": outcome.written,
        "range_reports_failed": len(outcome.failures), "range_reports_ungrounded": len(outcome.ungrounded),
        "range_charts_redrawn": redrawn,
        **{f"range_{name}": value for name, value in usage_totals(usage).items()},
    })


def usage_totals(usage: list[dict]) -> dict[str, float]:
    totals = {key: sum(u.get(key, 0) for u in usage) for key in ("input_tokens", "output_tokens", "retries")}
    return totals | {"estimated_cost_usd": round(sum(u.get("estimated_cost_usd", 0) for u in usage), 6)}


def week_metadata(week: str, sources: ReportSources, outcome: WrittenReports, engine: str, home: Path) -> dict:
    """One week's own facts, for its own partition: its report(s) as Markdown with the charts
    embedded (the UI cannot reach the files), what happened to each, and paths relative to
    FITNESS_HOME (never this machine's absolute paths)."""
    keys = sorted((key for key in sources.targets if key[1] == week),
                  key=lambda key: (key[0] != DEFAULT_ATHLETE, key[0]))
    if not keys:
        return {"report_status": "no payload", "engine": engine,
                "report": dg.MetadataValue.md(f"_No payload for the week of {week}: nothing to report._")}
    reasons = {(f["athlete"], f["week"]): f"the writer failed ({redact_text(f['error'])})" for f in outcome.failures}
    reasons |= {(u["athlete"], u["week"]): f"numbers not in its payload ({u['numbers']})" for u in outcome.ungrounded}
    sections, words, athletes = [], 0, {}
    for key in keys:
        folder, status = sources.folder(key), outcome.status[key]
        path = (folder / REPORT_FILE).relative_to(home).as_posix()
        if key in reasons:
            sections.append(f"**No report for {quoted(key[0])}**: {reasons[key]}. It stays due: the next run "
                            "asks the writer again.")
            athletes[key[0]] = {"status": status, "reason": reasons[key]}
            continue
        text = (folder / REPORT_FILE).read_text("utf-8")
        words += len(without_chart_links(text).split())
        sections.append(embedded_charts(text, folder))
        athletes[key[0]] = {"status": status, "path": path}
    metadata = {
        "report_status": min((outcome.status[key] for key in keys), key=STATUS_ORDER.index),
        "report": dg.MetadataValue.md("\n\n---\n\n".join(sections)),
        "report_words": words, "engine": engine,
        **usage_totals([outcome.usage[key] for key in keys if key in outcome.usage]),
    }
    if len(keys) == 1:
        metadata["report_path"] = athletes[keys[0][0]].get("path", "")
        if keys[0] in reasons:
            metadata["error"] = reasons[keys[0]]
    else:
        metadata["athletes"] = dg.MetadataValue.json(athletes)
    return metadata


@dg.asset(
    group_name="reports",
    partitions_def=weekly_partitions,
    # The report's policy: any range in the one run that wrote its reports.
    backfill_policy=dg.BackfillPolicy.single_run(),
    deps=["weekly_payload", "weekly_report"],
    kinds={"s3"},
    # Not materialized at all when no bucket is configured: nothing was published.
    output_required=False,
)
def published_reports(context: dg.AssetExecutionContext, files: FitnessFilesResource, s3: S3Resource):
    """With FITNESS_S3_BUCKET set, each week's payload, report and charts under
    s3://BUCKET/PREFIX/ATHLETE/WEEK/; unchanged objects are skipped by their sha256.

    Only weeks whose report is current are published: a report that failed or was not grounded
    keeps its week (payload included) off S3 until it is written. Each week's partition records
    whether it was published and where.
    """
    if not files.s3_bucket:
        context.log.info("FITNESS_S3_BUCKET is not set: nothing to publish")
        return
    refuse_if_blocked(context, "published_reports")
    first_week, last_week = range_of(context)
    sources = report_sources(files.payload_dir, files.report_dir, first_week, last_week)
    current = [key for key in sources.targets if sources.report_is_current(key)]
    client = s3.get_client()
    uploaded: dict[tuple[str, str], int] = {}
    for athlete_id, week in current:
        objects = week_objects(sources.payload_file((athlete_id, week)), sources.folder((athlete_id, week)))
        uploaded[(athlete_id, week)] = sum(
            publish(client, files.s3_bucket, week_key(files.s3_prefix, athlete_id, week, name), data)
            for name, data in objects.items())
    report(context, f"s3: {len(current)} athlete-week(s) published to s3://{files.s3_bucket}, "
                    f"{sum(uploaded.values())} object(s) uploaded")
    for week in context.partition_keys:
        keys = [key for key in sources.targets if key[1] == week]
        context.add_asset_metadata({
            "published": bool(keys) and all(key in uploaded for key in keys),
            "s3_objects_uploaded": sum(uploaded.get(key, 0) for key in keys),
            "locations": dg.MetadataValue.json(
                {a: f"s3://{files.s3_bucket}/{week_key(files.s3_prefix, a, w, '')}/" for a, w in keys if (a, w) in uploaded}),
        }, partition_key=week)
    yield dg.MaterializeResult(metadata={
        "range_weeks_published": len(current), "range_s3_objects_uploaded": sum(uploaded.values()),
        "range_weeks_not_published": len(sources.targets) - len(current),
        "destination": dg.MetadataValue.url(f"s3://{files.s3_bucket}/{files.s3_prefix.strip('/')}"),
    })
