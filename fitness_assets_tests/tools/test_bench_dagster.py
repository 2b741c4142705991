"""The bench's Dagster rows (issue 15): each `ingest_job` run in a process of its own, executed as
`fitness run` executes it, so a run's peak memory is its own (execute_in_process, used before, kept
every step's output value for its result, and the next run in the same process carried them)."""

from __future__ import annotations

import os

from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.warehouse.database import apply_migrations
from tools.bench import run as bench
from tools.generate.bench_histories import write_benchmark_exports


def test_the_three_ingest_job_runs_each_have_a_process_and_write_what_changed(tmp_path, database_url):
    saved = dict(os.environ)  # the bench drops every FITNESS_* variable of its process
    try:
        work = tmp_path / "work"
        bench.bench_environment(work, database_url)
        engine = bench.make_engine(work, database_url)
        apply_migrations(engine, DEFAULT_SQL_DIR / "warehouse" / "schema")
        engine.dispose()
        exports = write_benchmark_exports(work / "inbox", total_sets=1_500, athletes=1, seed=0)
        dagster = bench.run_dagster_children(work, database_url, exports.hevy_files[0])
    finally:
        os.environ.clear()
        os.environ.update(saved)
    runs = dagster["runs"]
    assert list(runs) == list(bench.DAGSTER_RUNS)
    assert all(run["success"] and not run["failed_steps"] for run in runs.values())
    pids = {run["pid"] for run in runs.values()}
    assert len(pids) == 3 and os.getpid() not in pids
    full, unchanged, plus_one = runs["full"], runs["unchanged"], runs["one_workout"]
    assert full["table_rows_after"]["sets"] == unchanged["table_rows_after"]["sets"] == exports.set_rows
    assert plus_one["table_rows_after"]["sets"] == exports.set_rows + plus_one["appended_sets"] > exports.set_rows
    assert full["rows_written"]["sets"] == exports.set_rows and unchanged["rows_written_total"] == 0
    assert plus_one["rows_written"]["sets"] == plus_one["appended_sets"]
    # every check of the job evaluated in each run, and the step times are Dagster's own
    assert full["checks_evaluated"] == unchanged["checks_evaluated"] == plus_one["checks_evaluated"] > 40
    assert {"silver_frames", "warehouse_tables", "workout_set_checks"} <= set(full["step_seconds"])
    assert 0 < full["peak_tree_rss_sampled_bytes"] and dagster["peak_memory_bytes"] >= full["peak_tree_rss_sampled_bytes"]
