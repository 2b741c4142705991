"""The dashboard on the benchmark warehouse (issue 13): the insight assets' materialization time,
then every page's load time.

    python -m tools.bench.run --only dashboard [--sets N] [--activities N] [--page-loads 5]

Runs in a child process of the bench (`--stage dashboard`), on a warehouse the parent filled
with the benchmark's sets, diet days and MapMyRun activities:

1. `activity_classification` and the insight tables (`consistency_weekly`, `trends`, `anomalies`,
   `before_after`) materialized through Dagster (`dg.materialize`, their checks included) on a
   Dagster instance under the work folder; each asset's time is Dagster's step time.
2. Every page of the app run by Streamlit's AppTest (the script as a browser session runs it:
   app.py, the athlete selector — the first athlete — and the page) `loads` times against that
   warehouse and instance, each time in a new session, timed as a switch to the page plus app.py's
   athlete query (a server reruns app.py before the page on every load; AppTest runs a page it
   switches to without it); p50 and p95 of those wall times. Opening a session (AppTest's set-up and the first run, on
   This week) is reported apart as `session_open_p50_s`. The first load of the
   process (imports, the engines' first connections) is reported apart and left out of p50/p95,
   as a running server has paid it before anyone opens a page.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

PAGES = ("this_week", "before_after", "calendar", "trends", "anomalies", "classifier", "data_quality",
         "sql_explorer")
MAX_PAGE_P95_S = 1.0


def materialize_insights(instance_dir: Path) -> dict:
    import dagster as dg

    from fitness_assets.defs.insights.assets import activity_classification
    from fitness_assets.defs.insights.tables import INSIGHT_TABLE_ASSETS
    from fitness_assets.defs.resources import configuration_from

    instance_dir.mkdir(parents=True, exist_ok=True)
    with dg.DagsterInstance.local_temp(str(instance_dir)) as instance:
        started = time.perf_counter()
        result = dg.materialize([activity_classification, *INSIGHT_TABLE_ASSETS],
                                resources=configuration_from().resources(), instance=instance,
                                run_config={"loggers": {"console": {"config": {"log_level": "ERROR"}}}},
                                raise_on_error=False)
        seconds = time.perf_counter() - started
        steps = {s.step_key: s.end_time - s.start_time for s in instance.get_run_step_stats(result.run_id)
                 if s.start_time is not None and s.end_time is not None}
        checks = result.get_asset_check_evaluations()
    return {"success": result.success, "run_seconds": seconds, "step_seconds": steps,
            "checks_evaluated": len(checks), "checks_failed": sorted(c.check_name for c in checks if not c.passed)}


def time_pages(database_url: str, report_dir: Path, dagster_home: Path, loads: int) -> dict:
    import os

    from streamlit.testing.v1 import AppTest

    from fitness_assets.dashboard.common import DATABASE_URL_VARIABLE, REPORT_DIR_VARIABLE
    from fitness_assets.lib.core.constants import PACKAGE_DIR
    from fitness_assets.lib.dashboard import queries

    os.environ.update({DATABASE_URL_VARIABLE: database_url, REPORT_DIR_VARIABLE: str(report_dir),
                       "DAGSTER_HOME": str(dagster_home), "FITNESS_UI_URL": "http://127.0.0.1:9"})
    main = sys.modules["__main__"]  # AppTest runs each script as __main__ and leaves it there
    app_path = str(PACKAGE_DIR / "dashboard" / "app.py")
    pages: dict[str, dict] = {}
    session_opens: list[float] = []
    first_load = None
    selector_engine = queries.read_only_engine(database_url)  # app.py's engine, as the pages' is
    try:
        for page in PAGES:
            times, errors = [], []
            for _ in range(loads + (1 if first_load is None else 0)):
                # A session opens on This week (timed apart: it includes AppTest's own session set-up);
                # each page is timed as a switch to it, which reruns app.py and the page.
                app = AppTest.from_file(app_path, default_timeout=300)
                started = time.perf_counter()
                app.run()
                session_opens.append(time.perf_counter() - started)
                if page == "this_week":
                    app.switch_page("pages/sql_explorer.py")
                    app.run()
                app.switch_page(f"pages/{page}.py")
                started = time.perf_counter()
                queries.athletes(selector_engine)  # what app.py runs before every page
                app.run()
                seconds = time.perf_counter() - started
                errors += [str(e.message) for e in app.exception]
                if first_load is None:
                    first_load = seconds
                    continue
                times.append(seconds)
            pages[page] = {"loads_s": times, "p50_s": statistics.median(times), "p95_s": _percentile(times, 0.95),
                           "title": app.title[0].value if len(app.title) else None, "exceptions": errors[:3]}
            print(f"[bench, dashboard child] {page}: p50 {pages[page]['p50_s']:.2f} s, p95 "
                  f"{pages[page]['p95_s']:.2f} s", file=sys.stderr, flush=True)
    finally:
        sys.modules["__main__"] = main
        selector_engine.dispose()
    return {"pages": pages, "first_load_s": first_load, "loads": loads,
            "session_open_p50_s": statistics.median(session_opens[1:]),
            "athlete": "the first in name order (the selector's default)"}


def _percentile(values: list[float], share: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    ordered = sorted(values)
    position = (len(ordered) - 1) * share
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def measure(work: Path, database_url: str, loads: int) -> dict:
    from fitness_assets.lib.warehouse.database import resolve_database_url

    instance_dir = work / "dagster" / "dashboard_instance"
    insights = materialize_insights(instance_dir)
    print(f"[bench, dashboard child] insights: {insights['run_seconds']:.1f} s, success {insights['success']}",
          file=sys.stderr, flush=True)
    url = resolve_database_url(database_url, work / "home")
    pages = time_pages(url, work / "home" / "reports", instance_dir, loads)
    worst = max(p["p95_s"] for p in pages["pages"].values())
    return {"insights": insights, **pages, "worst_page_p95_s": worst,
            "pages_ok": worst <= MAX_PAGE_P95_S and not any(p["exceptions"] for p in pages["pages"].values())}
