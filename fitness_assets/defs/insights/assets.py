"""insights: labels derived from the warehouse. `activity_classification` tells runs from walks
(and records each athlete's life event); the insight tables are in insights/tables.py."""

import time
from pathlib import Path

import dagster as dg
import pandas as pd

from fitness_assets.defs.progress import preview, report
from fitness_assets.defs.resources import (
    ClassifierResource,
    FitnessFilesResource,
    WarehouseResource,
)
from fitness_assets.lib.insights.classify import LABEL_COLUMNS, Classification, classify
from fitness_assets.lib.insights.store import (
    classifier_model_rows,
    label_summary_rows,
    life_event_rows,
    read_activities,
    write_classification,
    write_classifier_models,
    write_label_summaries,
    write_life_events,
)
from fitness_assets.lib.insights.user_labels import (
    load_user_labels,
    resolve_user_labels,
)

# Rows shown per metadata table; the counts are always complete.
TABLE_ROWS = 50
LABEL_ORDER = ("run", "walk", "mixed", "outlier")


def _table(rows: list[dict], columns: list[str]) -> dg.MetadataValue:
    frame = pd.DataFrame(rows, columns=columns)
    more = len(frame) - TABLE_ROWS
    text = frame.head(TABLE_ROWS).astype("string").fillna("").to_markdown(index=False) if len(frame) else "_none_"
    return dg.MetadataValue.md(text + (f"\n\n… and {more:,} more row(s)" if more > 0 else ""))


def classification_metadata(result: Classification) -> dict[str, dg.MetadataValue]:
    """How each decision was made: centroids, cluster sizes, silhouettes, the change point, the
    labels per year (markdown tables, one row per athlete and cluster / year)."""
    centroids, models, changes, years = [], [], [], []
    for athlete in result.athletes:
        name = athlete["athlete_id"]
        for cluster in athlete["clusters"]:
            centroids.append({"athlete": name, **cluster})
        silhouettes = athlete["silhouette"] or {}
        models.append({"athlete": name, "method": athlete.get("method"), "k": athlete["k"],
                       "silhouette_k2": silhouettes.get("2"), "silhouette_k3": silhouettes.get("3"),
                       "modelled": athlete["modelled"], "outliers": athlete["outliers"],
                       "user_labels": athlete["user_labels"]})
        if athlete["change_point"]:
            changes.append({"athlete": name, **athlete["change_point"]})
        for year, counts in sorted(athlete["labels_per_year"].items()):
            years.append({"athlete": name, "year": year, **{label: counts.get(label, 0) for label in LABEL_ORDER}})
    return {
        "centroids": _table(centroids, ["athlete", "label", "size", "pace_min_per_km", "distance_km", "duration_min"]),
        "models": _table(models, ["athlete", "method", "k", "silhouette_k2", "silhouette_k3", "modelled", "outliers",
                                  "user_labels"]),
        "change_points": _table(changes, ["athlete", "week", "method", "gain", "weeks_before", "weeks_after",
                                          "weekly_count_before", "weekly_count_after", "median_pace_before",
                                          "median_pace_after"]),
        "labels_per_year": _table(years, ["athlete", "year", *LABEL_ORDER]),
    }


@dg.asset(group_name="insights", kinds={"postgres", "scikitlearn"}, deps=["activities"])
def activity_classification(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                            files: FitnessFilesResource, classifier: ClassifierResource) -> dg.MaterializeResult:
    """Run, walk, mixed or outlier for every running- or walking-like activity (K-means per
    athlete, named by centroid pace; era default or pace rules when an athlete has too few;
    a user's label from the corrections file wins). Writes fitness.activity_classification in one
    transaction; unchanged labels write nothing."""
    activities = read_activities(warehouse.engine)
    user_labels, stale = resolve_user_labels(load_user_labels(Path(files.corrections_file)), activities)
    started = time.perf_counter()
    result = classify(activities, classifier, user_labels)
    seconds = time.perf_counter() - started
    with warehouse.engine.begin() as conn:
        written = write_classification(conn, warehouse.sql_path, result.labels)
        # the split the labels were made with, for before/after (fitness.life_events)
        events_written = write_life_events(conn, life_event_rows(result.athletes, result.model_version))
        # the centroids and silhouettes the labels were made with (the dashboard's Classifier page)
        models_written = write_classifier_models(conn, *classifier_model_rows(result.athletes, result.model_version))
        # labels per year and per label, counted once here rather than on every Classifier page load
        summaries_written = write_label_summaries(conn, *label_summary_rows(result.labels, activities))
    labels = result.labels
    by_label = labels["label"].value_counts()
    by_method = labels["method"].value_counts()
    report(context, f"activity_classification: {len(labels):,} of {len(activities):,} activities labelled "
                    f"({', '.join(f'{by_label.get(k, 0):,} {k}' for k in LABEL_ORDER)}) in {seconds:.1f} s; "
                    f"rows written this run: {written.written:,}, removed {written.removed:,}")
    return dg.MaterializeResult(metadata={
        "rows": written.total, "rows_written_this_run": written.written, "rows_removed_this_run": written.removed,
        "life_events_written_this_run": events_written, "model_rows_written_this_run": models_written,
        "label_summary_rows_written_this_run": summaries_written,
        "activities": len(activities), "model_version": result.model_version,
        **{f"labels_{k}": int(by_label.get(k, 0)) for k in LABEL_ORDER},
        **{f"method_{m}": int(by_method.get(m, 0)) for m in ("kmeans", "era_default", "rule", "user")},
        "classification_seconds": round(seconds, 3),
        **classification_metadata(result),
        "stale_user_labels": len(stale),
        **({"stale_user_labels_preview": preview(stale, rows=TABLE_ROWS)} if len(stale) else {}),
        "preview": preview(labels[LABEL_COLUMNS], rows=10),
    })
