"""insights: consistency, trends, anomalies and before/after, computed once into warehouse tables.

Each asset reads the warehouse, calls one library function (lib/insights/), checks the frame
against its rule (before writing: the rules are arithmetic the tables promise) and makes its
table hold exactly that frame, writing only the rows that changed (lib/insights/tables.py).
The weekly payload, the report and the dashboard read these tables; none recomputes them.

Nothing read changed: the last result is carried forward. Only some athletes' rows changed:
consistency, trends and anomalies (each computed athlete by athlete) compute those athletes again,
replace only their rows, and check the whole table as the run leaves it (their new rows with the
other athletes' stored ones).
"""


import time
from collections.abc import Iterator

import dagster as dg
import pandas as pd
import sqlalchemy as sa

from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.quality.checks import check_result, check_specs
from fitness_assets.defs.resources import InsightsResource, WarehouseResource
from fitness_assets.lib.insights import sources, table_rules
from fitness_assets.lib.insights.anomalies import (
    activity_values,
    diet_values,
    find_anomalies,
    judged_values,
    set_values,
)
from fitness_assets.lib.insights.before_after import (
    before_after as before_after_periods,
)
from fitness_assets.lib.insights.carry_forward import insight_state, insight_state_by_athlete
from fitness_assets.lib.insights.consistency import consistency_scores
from fitness_assets.lib.insights.tables import Synced, sync_table
from fitness_assets.lib.insights.trends import trend_tables
from fitness_assets.lib.quality.catalog import rule
from fitness_assets.lib.quality.core import finding
from fitness_assets.lib.warehouse.carry_forward import Carried, ComputationState

LABELS = "activity_classification"

# The tables each insight writes. What it reads are its deps (a test holds them to its queries):
# lib/insights/carry_forward.py compares both to decide that nothing needs computing again.
INSIGHT_OUTPUTS = {
    "consistency_weekly": ("fitness.consistency_weekly",),
    "trends": ("fitness.trend_series", "fitness.trends", "fitness.trend_forecasts"),
    "anomalies": ("fitness.anomalies",),
    "before_after": ("fitness.before_after",),
}
# activity_classification writes the labels and each athlete's life event (and model tables no
# insight reads); every other dependency is the warehouse table of its name.
_TABLES_OF = {LABELS: ("fitness.activity_classification", "fitness.life_events")}


def _inputs(context: dg.AssetExecutionContext) -> list[str]:
    deps = sorted(key.to_user_string() for key in context.assets_def.asset_deps[context.asset_key])
    return sorted({table for dep in deps for table in _TABLES_OF.get(dep, (f"fitness.{dep}",))})


def _state(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
           insights: InsightsResource | None) -> tuple[ComputationState, Carried | None]:
    """The asset's input state, taken before it reads anything, and the last computation's record
    when nothing changed since it."""
    asset = context.asset_key.to_user_string()
    with warehouse.engine.connect() as conn:
        state = insight_state(conn, asset, _inputs(context), INSIGHT_OUTPUTS[asset],
                              insights.model_dump() if insights else {}, warehouse.sql_path)
        return state, state.carried(conn)


def _athletes_to_compute(context: dg.AssetExecutionContext, warehouse: WarehouseResource, insights: InsightsResource,
                         state: ComputationState) -> tuple[ComputationState, list[str] | None]:
    """`state` with its inputs' states per athlete (taken before anything is read), and the athletes
    whose inputs changed since the last computation; None: every athlete is computed again."""
    with warehouse.engine.connect() as conn:
        scoped = insight_state_by_athlete(conn, state, _inputs(context), insights.model_dump(), warehouse.sql_path)
        return scoped, scoped.changed_athletes(conn)


def _whole(conn: sa.Connection, table: str, computed: pd.DataFrame, athletes: list[str] | None,
           key: list[str]) -> pd.DataFrame:
    """`table` as this run leaves it: `computed` (the rows of `athletes`) with every other athlete's
    stored rows, typed as `computed` and ordered by `key`; `computed` itself when every athlete was
    computed (`athletes` None)."""
    if athletes is None:
        return computed
    stored = pd.read_sql_query(sa.text(f"SELECT {', '.join(computed.columns)} FROM {table} "
                                       "WHERE NOT (athlete_id = ANY(:athletes))"), conn, params={"athletes": athletes})
    stored = stored.astype(computed.dtypes.to_dict())
    return pd.concat([stored, computed] if len(computed) else [stored], ignore_index=True).sort_values(
        key, kind="stable", ignore_index=True)


def _computed_for(athletes: list[str] | None) -> str:
    return "every athlete" if athletes is None else f"{len(athletes):,} athlete(s) whose rows changed"


def _check_record(result: dg.AssetCheckResult) -> dict:
    """A check result as computation_runs stores it (what carrying it forward shows again)."""
    metadata = {}
    for key, value in result.metadata.items():
        if isinstance(value, dg.MarkdownMetadataValue):
            metadata[key] = {"md": value.value}
        elif isinstance(value, dg.TextMetadataValue):
            metadata[key] = {"text": value.value}
        else:
            metadata[key] = getattr(value, "value", value)
    return {"passed": bool(result.passed), "metadata": metadata}


def _carry_forward(context: dg.AssetExecutionContext, asset: str, carried: Carried,
                   started: float) -> Iterator[dg.AssetCheckResult | dg.MaterializeResult]:
    """The last computation's check results again, said to be carried (with the run that evaluated
    them), and a materialization that writes nothing."""
    for name, record in sorted(carried.checks.items()):
        checked_rule = rule(asset, name)
        metadata = {key: dg.MetadataValue.md(value["md"]) if isinstance(value, dict) and "md" in value
                    else dg.MetadataValue.text(value["text"]) if isinstance(value, dict) and "text" in value
                    else value for key, value in record["metadata"].items()}
        yield dg.AssetCheckResult(
            asset_key=asset, check_name=name, passed=record["passed"],
            severity=dg.AssetCheckSeverity(checked_rule.severity), description=checked_rule.description,
            metadata={**metadata, "carried_forward": True, "evaluated_in_run": dg.MetadataValue.text(carried.run_id)})
    seconds = time.perf_counter() - started
    report(context, f"{asset}: inputs unchanged since run {carried.run_id[:8]}: carried forward, nothing computed "
                    f"({seconds:.1f} s)")
    yield dg.MaterializeResult(metadata={
        "carried_forward": True, "computed_in_run": dg.MetadataValue.text(carried.run_id),
        "rows_written_this_run": 0, "seconds": round(seconds, 3)})


def _written(*synced: Synced) -> dict[str, object]:
    metadata: dict[str, object] = {"rows_written_this_run": sum(s.written for s in synced)}
    for s in synced:
        name = s.table.split(".")[-1]
        metadata |= {f"{name}_rows": s.total, f"{name}_inserted": s.inserted, f"{name}_updated": s.updated,
                     f"{name}_deleted": s.deleted}
    return metadata


def _settings(insights: InsightsResource, *fields: str) -> dict[str, object]:
    return {f"setting_{f}": dg.MetadataValue.text(str(getattr(insights, f))) for f in fields}


@dg.asset(group_name="insights", kinds={"postgres"}, deps=["workouts", "activities", LABELS, "diet_daily", "sets", "workout_exercises"],
          check_specs=check_specs("consistency_weekly"))
def consistency_weekly(context: dg.AssetExecutionContext, warehouse: WarehouseResource, insights: InsightsResource):
    """Consistency 0–100 per athlete-week with its four dimensions and their inputs
    (lib/insights/consistency.py has the formula) → fitness.consistency_weekly."""
    started = time.perf_counter()
    state, carried = _state(context, warehouse, insights)
    if carried is not None:
        yield from _carry_forward(context, "consistency_weekly", carried, started)
        return
    state, athletes = _athletes_to_compute(context, warehouse, insights, state)
    key = ["athlete_id", "week_start"]
    with warehouse.engine.connect() as conn:
        sessions = sources.read_sessions(conn, athletes)
        activities = sources.read_activities_labelled(conn, athletes)
        volume = sources.read_weekly_volume(conn, athletes)
        through = sources.read_last_dates(conn, athletes)
        runs = activities[activities["label"] == "run"]
        computed = consistency_scores(sessions, runs, volume, insights, through)
        scores = _whole(conn, "fitness.consistency_weekly", computed, athletes, key)
    offending = table_rules.scores_out_of_range(scores)
    checked = check_result("consistency_weekly", "scores_in_range", finding(offending, len(scores),
                                                                           key_columns=("athlete_id", "week_start")))
    yield checked
    with warehouse.engine.begin() as conn:
        synced = sync_table(conn, "fitness.consistency_weekly", computed, key, athletes)
        state.record(conn, context.run.run_id, {checked.check_name: _check_record(checked)})
    seconds = time.perf_counter() - started
    report(context, f"consistency_weekly: {len(scores):,} athlete-week(s), computed for {_computed_for(athletes)}; "
                    f"rows written this run: {synced.written:,} ({seconds:.1f} s)")
    latest = scores.sort_values("week_start").groupby("athlete_id").tail(1)
    yield dg.MaterializeResult(metadata={
        **_written(synced), "athletes": int(scores["athlete_id"].nunique()), "seconds": round(seconds, 3),
        "computed_for": _computed_for(athletes),
        **_settings(insights, "consistency_window_weeks", "streak_target_weeks"),
        "latest_week_per_athlete": preview(latest[["athlete_id", "week_start", "consistency_score", "frequency_score",
                                                   "timing_score", "stability_score", "streak_score"]], rows=20),
    })


@dg.asset(group_name="insights", kinds={"postgres", "scipy"},
          deps=["sets", "workout_exercises", "workouts", "exercises", "activities", LABELS, "diet_daily"],
          check_specs=check_specs("trends"))
def trends(context: dg.AssetExecutionContext, warehouse: WarehouseResource, insights: InsightsResource):
    """Weekly run distance, run pace, bodyweight, calories and each main lift's top weight
    (fitness.trend_series); an OLS slope with its 95 % interval and t test per series and window
    (fitness.trends); a forecast with 95 % intervals for the next weeks (fitness.trend_forecasts)."""
    started = time.perf_counter()
    state, carried = _state(context, warehouse, insights)
    if carried is not None:
        yield from _carry_forward(context, "trends", carried, started)
        return
    state, athletes = _athletes_to_compute(context, warehouse, insights, state)
    keys = {"fitness.trend_series": ["athlete_id", "metric", "exercise_name", "week_start"],
            "fitness.trends": ["athlete_id", "metric", "exercise_name", "window_weeks"],
            "fitness.trend_forecasts": ["athlete_id", "metric", "exercise_name", "window_weeks", "week_start"]}
    with warehouse.engine.connect() as conn:
        computed_series = sources.read_trend_series(conn, warehouse.sql_path, insights.main_lifts, athletes)
        computed = dict(zip(keys, (computed_series, *trend_tables(computed_series, insights))))
        # The check reads fits and forecasts; the weekly values (the largest table) are not read back.
        fitted, forecasts = (_whole(conn, table, computed[table], athletes, keys[table])
                             for table in ("fitness.trends", "fitness.trend_forecasts"))
    offending = table_rules.intervals_without_estimate(fitted, forecasts)
    checked = check_result("trends", "intervals_contain_estimates", finding(offending, len(fitted) + len(forecasts)))
    yield checked
    with warehouse.engine.begin() as conn:
        synced = tuple(sync_table(conn, table, computed[table], key, athletes) for table, key in keys.items())
        state.record(conn, context.run.run_id, {checked.check_name: _check_record(checked)})
    seconds = time.perf_counter() - started
    fitted_series = fitted.groupby(["athlete_id", "metric", "exercise_name"]).ngroups
    report(context, f"trends: {len(fitted):,} fit(s) over {fitted_series:,} series ({synced[0].total:,} weekly values), "
                    f"computed for {_computed_for(athletes)}; rows written this run: {sum(s.written for s in synced):,} "
                    f"({seconds:.1f} s)")
    yield dg.MaterializeResult(metadata={
        **_written(*synced), "seconds": round(seconds, 3), "computed_for": _computed_for(athletes),
        "significant_trends": int(fitted["significant"].sum()) if len(fitted) else 0,
        **_settings(insights, "trend_windows_weeks", "forecast_weeks", "main_lifts"),
        "preview": preview(fitted[["athlete_id", "metric", "exercise_name", "window_weeks", "points", "slope_per_week",
                                   "slope_ci_low", "slope_ci_high", "p_value"]], rows=20),
    })


@dg.asset(group_name="insights", kinds={"postgres"},
          deps=["sets", "workout_exercises", "workouts", "exercises", "activities", LABELS, "diet_daily", "cycles"],
          check_specs=check_specs("anomalies"))
def anomalies(context: dg.AssetExecutionContext, warehouse: WarehouseResource, insights: InsightsResource):
    """Runs and walks, sets and diet days flagged by IQR fences, z-score and modified z-score (MAD),
    each with the numbers that flagged it (lib/insights/anomalies.py) → fitness.anomalies."""
    started = time.perf_counter()
    state, carried = _state(context, warehouse, insights)
    if carried is not None:
        yield from _carry_forward(context, "anomalies", carried, started)
        return
    state, athletes = _athletes_to_compute(context, warehouse, insights, state)
    key = ["athlete_id", "dataset", "record_key", "metric", "method"]
    with warehouse.engine.connect() as conn:
        values = judged_values(activity_values(sources.read_activities_labelled(conn, athletes)),
                               set_values(sources.read_sets(conn, athletes)),
                               diet_values(sources.read_diet(conn, athletes)))
        computed = find_anomalies(values, insights)
        found = _whole(conn, "fitness.anomalies", computed, athletes, key)
    offending = table_rules.flags_inside_bounds(found)
    checked = check_result("anomalies", "flags_outside_bounds", finding(offending, len(found)))
    yield checked
    with warehouse.engine.begin() as conn:
        synced = sync_table(conn, "fitness.anomalies", computed, key, athletes)
        state.record(conn, context.run.run_id, {checked.check_name: _check_record(checked)})
    seconds = time.perf_counter() - started
    by_method = found.groupby(["dataset", "method"]).size().unstack(fill_value=0) if len(found) else pd.DataFrame()
    report(context, f"anomalies: {len(found):,} flag(s); {len(values):,} value(s) judged, computed for "
                    f"{_computed_for(athletes)}; rows written this run: {synced.written:,} ({seconds:.1f} s)")
    yield dg.MaterializeResult(metadata={
        **_written(synced), "values_judged": len(values), "seconds": round(seconds, 3),
        "computed_for": _computed_for(athletes),
        **{f"flags_{m}": int((found["method"] == m).sum()) for m in ("iqr", "zscore", "mad")},
        **_settings(insights, "iqr_k", "zscore_threshold", "modified_zscore_threshold", "anomaly_min_group"),
        "flags_by_dataset_and_method": dg.MetadataValue.md(by_method.reset_index().to_markdown(index=False)
                                                           if len(by_method) else "_none_"),
        "preview": preview(found[["athlete_id", "record_date", "dataset", "group_key", "metric", "method", "value",
                                  "reason"]], rows=10),
    })


@dg.asset(group_name="insights", kinds={"postgres"}, deps=["activities", LABELS, "workouts"],
          check_specs=check_specs("before_after"))
def before_after(context: dg.AssetExecutionContext, warehouse: WarehouseResource):
    """Activities and lifting per month, label shares, average pace and distance before and after
    each athlete's life event (fitness.life_events) → fitness.before_after."""
    started = time.perf_counter()
    state, carried = _state(context, warehouse, None)
    if carried is not None:
        yield from _carry_forward(context, "before_after", carried, started)
        return
    with warehouse.engine.connect() as conn:
        periods = before_after_periods(sources.read_activities_labelled(conn), sources.read_workout_dates(conn),
                                       sources.read_life_events(conn))
    offending = table_rules.shares_not_summing_to_one(periods)
    checked = check_result("before_after", "shares_sum_to_one", finding(offending, len(periods)))
    yield checked
    with warehouse.engine.begin() as conn:
        synced = sync_table(conn, "fitness.before_after", periods, ["athlete_id", "period"])
        state.record(conn, context.run.run_id, {checked.check_name: _check_record(checked)})
    report(context, f"before_after: {len(periods) // 2:,} athlete(s) with a life event; rows written this run: "
                    f"{synced.written:,}")
    yield dg.MaterializeResult(metadata={
        **_written(synced), "athletes": int(periods["athlete_id"].nunique()) if len(periods) else 0,
        "periods": preview(periods[["athlete_id", "period", "event_week", "activities_per_month", "run_share",
                                    "walk_share", "avg_pace_min_per_km", "avg_distance_km"]], rows=20),
    })


INSIGHT_TABLE_ASSETS = [consistency_weekly, trends, anomalies, before_after]
