"""Before and after the life event: how an athlete's activities changed at the classifier's split.

The split is the week stored in fitness.life_events (the change point the classifier detected,
or the configured date): *before* runs from the athlete's first activity or workout to the day
before that Monday, *after* from that Monday to their last one. Per period:

- `activities` (every logged activity, any type) and `lifting_sessions`, each also per month
  (count / months, months = days in the period / 30.4375; NULL for a period without days);
- the label counts (`runs`, `walks`, `mixed`, `outliers`) and their shares of the labelled
  activities (the four shares sum to 1; NULL without labelled activities);
- `avg_pace_min_per_km`: total time / total distance of the runs, walks and mixed outings with
  both (outliers are recording errors, left out), and `avg_run_pace_min_per_km` of the runs;
- `avg_distance_km`: mean distance of the runs, walks and mixed outings; `avg_run_distance_km` of runs.
"""

from __future__ import annotations

import pandas as pd

DAYS_PER_MONTH = 365.25 / 12
LABELS = ("run", "walk", "mixed", "outlier")
BEFORE_AFTER_COLUMNS = [
    "athlete_id", "period", "event_week", "event_method", "first_date", "last_date", "months", "activities",
    "activities_per_month", "lifting_sessions", "lifting_sessions_per_month", "runs", "walks", "mixed", "outliers",
    "run_share", "walk_share", "mixed_share", "outlier_share", "avg_pace_min_per_km", "avg_run_pace_min_per_km",
    "avg_distance_km", "avg_run_distance_km"]
DECIMALS = 4


def _pace(rows: pd.DataFrame) -> float | None:
    both = rows[(rows["distance_km"] > 0) & (rows["duration_s"] > 0)]
    return float(both["duration_s"].sum() / 60.0 / both["distance_km"].sum()) if len(both) else None


def _mean(values: pd.Series) -> float | None:
    values = values.dropna()
    return float(values.mean()) if len(values) else None


def _per_month(count: int, months: float) -> float | None:
    return count / months if months > 0 else None


def _period(athlete: str, period: str, event: pd.Series, activities: pd.DataFrame, workouts: pd.DataFrame,
            first: pd.Timestamp, last: pd.Timestamp) -> dict:
    days = (last - first).days + 1 if last >= first else 0
    months = days / DAYS_PER_MONTH
    counts = activities["label"].value_counts()
    labelled = int(sum(counts.get(label, 0) for label in LABELS))
    on_foot = activities[activities["label"].isin(["run", "walk", "mixed"])]
    runs = activities[activities["label"] == "run"]
    return {
        "athlete_id": athlete, "period": period, "event_week": event["event_week"], "event_method": event["method"],
        "first_date": first.date() if days else None, "last_date": last.date() if days else None,
        "months": months, "activities": len(activities), "activities_per_month": _per_month(len(activities), months),
        "lifting_sessions": len(workouts), "lifting_sessions_per_month": _per_month(len(workouts), months),
        "runs": int(counts.get("run", 0)), "walks": int(counts.get("walk", 0)), "mixed": int(counts.get("mixed", 0)),
        "outliers": int(counts.get("outlier", 0)),
        **{f"{label}_share": (counts.get(label, 0) / labelled if labelled else None) for label in LABELS},
        "avg_pace_min_per_km": _pace(on_foot), "avg_run_pace_min_per_km": _pace(runs),
        "avg_distance_km": _mean(on_foot["distance_km"]), "avg_run_distance_km": _mean(runs["distance_km"]),
    }


def before_after(activities: pd.DataFrame, workouts: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """BEFORE_AFTER_COLUMNS, two rows (before, after) per athlete with a life event.

    activities: athlete_id, activity_date, label (None when not classified), distance_km, duration_s;
    workouts: athlete_id, training_date; events: athlete_id, event_week, method.
    """
    rows = []
    activities = activities.assign(activity_date=pd.to_datetime(activities["activity_date"]))
    workouts = workouts.assign(training_date=pd.to_datetime(workouts["training_date"]))
    for _, event in events.sort_values("athlete_id").iterrows():
        athlete = event["athlete_id"]
        split = pd.Timestamp(event["event_week"])
        own = activities[activities["athlete_id"] == athlete]
        lifted = workouts[workouts["athlete_id"] == athlete]
        dates = pd.concat([own["activity_date"], lifted["training_date"]])
        if dates.empty:
            continue
        first, last = dates.min(), dates.max()
        before_end = split - pd.Timedelta(days=1)
        rows.append(_period(athlete, "before", event, own[own["activity_date"] < split],
                            lifted[lifted["training_date"] < split], first, min(last, before_end)))
        rows.append(_period(athlete, "after", event, own[own["activity_date"] >= split],
                            lifted[lifted["training_date"] >= split], max(first, split), last))
    frame = pd.DataFrame(rows, columns=BEFORE_AFTER_COLUMNS)
    for column in BEFORE_AFTER_COLUMNS[6:]:
        if column not in ("activities", "lifting_sessions", "runs", "walks", "mixed", "outliers"):
            frame[column] = pd.to_numeric(frame[column]).astype(float).round(DECIMALS) + 0.0
    for column in ("activities", "lifting_sessions", "runs", "walks", "mixed", "outliers"):
        frame[column] = frame[column].astype("int64")
    return frame
