"""reports: one Markdown report and three charts per athlete-week, written from the payload.

Backfills from the UI run one week per run (`BackfillPolicy.multi_run(1)`), so a Bedrock
failure affects only its week, and the `bedrock` pool caps concurrent calls. The asset is
still range-aware: the `fitness` CLI writes every template report in one run.
"""

import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pandas as pd
from dagster_aws.s3 import S3Resource

from fitness_assets.defs.partitions import weekly_partitions
from fitness_assets.defs.progress import report
from fitness_assets.defs.quality.checks import check_result, check_specs
from fitness_assets.defs.quality.gate import refuse_if_blocked
from fitness_assets.defs.resources import FitnessFilesResource, ReportWriterResource, WarehouseResource
from fitness_assets.lib.payloads.payload import canonical_bytes, query_weeks, write_if_changed
from fitness_assets.lib.quality.core import Finding
from fitness_assets.lib.reports.charts import CHARTS, ChartRenderer
from fitness_assets.lib.reports.grounding import ungrounded_numbers
from fitness_assets.lib.reports.publish import publish, week_key
from fitness_assets.lib.core.constants import DEFAULT_ATHLETE

HISTORY_WEEKS = 12  # charts look back this far (this week included)


def report_folder(files: FitnessFilesResource, athlete_id: str, week: str):
    base = files.report_dir if athlete_id == DEFAULT_ATHLETE else files.report_dir / athlete_id
    return base / week


@dg.asset(
    group_name="reports",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.multi_run(max_partitions_per_run=1),
    deps=["weekly_payload"],
    kinds={"markdown"},
    pool="bedrock",
    check_specs=check_specs("weekly_report"),
)
def weekly_report(context: dg.AssetExecutionContext, warehouse: WarehouseResource, files: FitnessFilesResource,
                  report_writer: ReportWriterResource, s3: S3Resource):
    """report.md + charts under FITNESS_HOME/reports/<week>/ (other athletes: reports/<athlete>/<week>/).

    A report with a number its payload lacks is not written; the grounding check lists the
    number. With FITNESS_S3_BUCKET set, payload, report and charts are uploaded (unchanged
    objects are skipped by their sha256).
    """
    refuse_if_blocked(context, "weekly_report")
    window = context.partition_time_window
    first_week, last_week = window.start.date(), date.fromordinal(window.end.date().toordinal() - 7)
    with warehouse.engine.connect() as conn:
        payloads = query_weeks(conn, first_week - timedelta(weeks=HISTORY_WEEKS - 1), last_week)
    targets = sorted(key for key in payloads if first_week.isoformat() <= key[1] <= last_week.isoformat())

    ungrounded, failures, written, usage, shown = [], [], 0, [], []
    client = s3.get_client() if files.s3_bucket else None
    uploaded = 0
    with ChartRenderer() as charts:
        for athlete_id, week in targets:
            payload = payloads[(athlete_id, week)]
            try:
                result = report_writer.write(payload)
            except Exception as error:  # noqa: BLE001 - one week's failure must not stop the others
                failures.append({"athlete": athlete_id, "week": week, "error": f"{type(error).__name__}: {error}"})
                continue
            usage.append(result.usage)
            missing = ungrounded_numbers(result.text, payload)
            if missing:
                ungrounded.append({"athlete": athlete_id, "week": week, "engine": result.engine,
                                   "numbers": ", ".join(missing)})
                continue
            folder = report_folder(files, athlete_id, week)
            written += write_if_changed(folder / "report.md", result.text.encode("utf-8"))
            since = (date.fromisoformat(week) - timedelta(weeks=HISTORY_WEEKS - 1)).isoformat()
            history = [payloads[(a, w)] for (a, w) in sorted(payloads) if a == athlete_id and since <= w <= week]
            chart_paths = _charts_if_changed(charts, history, folder)
            shown.append((athlete_id, week, result, payload, folder / "report.md"))
            if client is not None:
                outputs = {"payload.json": canonical_bytes(payload), "report.md": result.text.encode("utf-8"),
                           **{p.name: p.read_bytes() for p in chart_paths}}
                uploaded += sum(publish(client, files.s3_bucket, week_key(files.s3_prefix, athlete_id, week, name),
                                        data) for name, data in outputs.items())

    report(context, f"reports: {len(targets)} athlete-week(s), {written} written, {len(ungrounded)} ungrounded, "
                    f"{len(failures)} failed" + (f", {uploaded} object(s) uploaded" if client else ""))
    yield check_result("weekly_report", "report_grounded",
                       Finding(pd.DataFrame(ungrounded, columns=["athlete", "week", "engine", "numbers"]),
                               len(targets) - len(failures)))
    tokens = {key: sum(u.get(key, 0) for u in usage) for key in ("input_tokens", "output_tokens", "retries")}
    metadata = {
        "engine": report_writer.engine, "reports": len(targets), "reports_written": written,
        "report_dir": dg.MetadataValue.path(str(files.report_dir)),
        **tokens, "estimated_cost_usd": round(sum(u.get("estimated_cost_usd", 0) for u in usage), 6),
    }
    if files.s3_bucket:
        metadata["s3_objects_uploaded"] = uploaded
    metadata.update(_report_metadata(shown, single_week=first_week == last_week, home=files.fitness_home))
    yield dg.MaterializeResult(metadata=metadata)
    if failures:
        raise dg.Failure(description=f"{len(failures)} report(s) could not be written: "
                                     + "; ".join(f"{f['week']} ({f['athlete']}): {f['error']}" for f in failures),
                         metadata={"failures": dg.MetadataValue.json(failures)})


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
    athlete_id, week, result, payload, _ = latest
    metadata = {"report_week": week, "report_athlete": athlete_id, "report": dg.MetadataValue.md(result.text)}
    if single_week and len(shown) == 1:
        metadata["payload"] = dg.MetadataValue.json(payload)
    if len(shown) > 1:
        rows = [f"| {w} | {a} | {Path(path).relative_to(home).as_posix()} | {len(r.text.split())} |"
                for a, w, r, _, path in sorted(shown, key=lambda item: (item[1], item[0]))]
        metadata["reports_table"] = dg.MetadataValue.md(
            "\n".join(["| Week | Athlete | Report | Words |", "| --- | --- | --- | ---: |", *rows]))
    return metadata


def _charts_if_changed(charts: ChartRenderer, history: list[dict], folder):
    """Render only when the payloads behind the charts changed (rendering is the slow part)."""
    digest = hashlib.sha256(json.dumps(history, sort_keys=True).encode()).hexdigest() + "\n"
    stamp = folder / "charts.sha256"
    paths = [folder / name for name in CHARTS]
    if stamp.exists() and stamp.read_text(encoding="utf-8") == digest and all(p.exists() for p in paths):
        return paths
    paths = charts.render(history, folder)
    write_if_changed(stamp, digest.encode("utf-8"))
    return paths
