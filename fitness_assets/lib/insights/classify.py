"""Runs, walks, mixed outings and outliers: one label per running- or walking-like activity.

Per athlete, in this order of precedence:
1. **user**: a label from the corrections file (lib/insights/user_labels.py), confidence 1.
2. **outlier** (method `rule`, confidence 1): distance or duration missing or zero, or a pace
   outside [min_pace, max_pace] min/km. Outliers never enter the fit.
3. **kmeans**, when at least `min_activities` activities remain: K-means (scikit-learn, fixed
   seed and n_init) on the standardised logs of pace, distance and duration (an athlete with more
   than FIT_SAMPLE such activities is fitted on a seeded sample of them; each then takes its
   nearest centroid). With k = 0 (the
   default) both k = 2 and k = 3 are fitted and the higher silhouette wins (a tie goes to 2):
   a third cluster is only kept when the data really holds a group between runs and walks.
   Clusters are named by centroid pace, never by index: fastest → run, slowest → walk, the one
   between → mixed; a centroid at or faster than the run threshold is always a run and one at
   or slower than the walk threshold always a walk (a runner's long and short runs are two
   clusters of runs, not runs and walks). Confidence = d_other / (d_own + d_other), with d_own the
   distance to the nearest centroid of the activity's label and d_other to the nearest centroid
   of another label: 0.5 on the boundary, towards 1 deep inside a cluster, 1 when every
   cluster has the same name.
4. **era_default** (fewer activities, but a life event: configured, else detected): before the
   event's week → run, from it on → walk, confidence 0.5.
5. **rule** otherwise: pace ≤ run threshold → run, ≥ walk threshold → walk, between → mixed
   (confidence 0.75 for run and walk, 0.5 for mixed).

Activity types in scope: a logged type is split into words; one of RUN_WORDS makes it a logged
run, one of WALK_WORDS a logged walk (Run, Run / Jog, Indoor Run / Jog, Treadmill Run, Trail
Run, Walk, Dog Walk, Hike, Treadmill Walk, …). Anything else (Bike Ride, Swim, Machine Workout,
Weight Workout, Yoga, a bare "Treadmill") is not classified and gets no row, unless a user labels it.

Deterministic: rows are ordered by (athlete, activity_id) before fitting, so the same activities
in any input order give the same labels, and the report serialises to the same bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from fitness_assets.lib.insights.change_point import (
    ChangePoint,
    configured_change_point,
    detect_change_point,
    week_numbers,
)
from fitness_assets.lib.insights.user_labels import UserLabel

MODEL = "classify-1"            # bump when the algorithm changes: every row is relabelled
N_INIT = 4                      # K-means restarts (fixed, with the seed, for determinism)
SILHOUETTE_SAMPLE = 500         # larger athletes are scored on a seeded sample (O(n²) otherwise)
# Larger athletes are fitted on a seeded sample of this many activities, then every activity takes
# its nearest centroid: 10,000 points place 2-3 centroids in 3 dimensions to well within a
# cluster's spread, and a 50,000-activity history fits 4× faster.
FIT_SAMPLE = 10_000
RULE_CONFIDENCE = {"run": 0.75, "walk": 0.75, "mixed": 0.5}
ERA_CONFIDENCE = 0.5

RUN, WALK, MIXED, OUTLIER = "run", "walk", "mixed", "outlier"
KMEANS, ERA_DEFAULT, RULE, USER = "kmeans", "era_default", "rule", "user"
RUN_WORDS = frozenset({"run", "running", "jog", "jogging"})
WALK_WORDS = frozenset({"walk", "walking", "hike", "hiking", "trek", "trekking"})
INPUT_COLUMNS = ("activity_id", "athlete_id", "activity_date", "activity_type", "distance_km", "duration_s",
                 "avg_pace_min_per_km")
LABEL_COLUMNS = ["activity_id", "label", "confidence", "method", "model_version", "reason"]


class ClassifierParameters(Protocol):
    """What the classifier reads. The Dagster ClassifierResource (defs/resources.py) is one and
    owns the defaults; this module stays free of Dagster."""
    k: int                              # 0: choose 2 or 3 by silhouette
    random_state: int
    run_max_pace_min_per_km: float
    walk_min_pace_min_per_km: float
    min_pace_min_per_km: float
    max_pace_min_per_km: float
    min_activities: int
    change_point_penalty: float
    life_event_date: str                # '' = detect


PARAMETER_FIELDS = ("k", "random_state", "run_max_pace_min_per_km", "walk_min_pace_min_per_km",
                    "min_pace_min_per_km", "max_pace_min_per_km", "min_activities", "change_point_penalty",
                    "life_event_date")


def model_version(params: ClassifierParameters) -> str:
    """The algorithm, its constants and every parameter: a change to any relabels every row."""
    values = json.dumps({**{name: getattr(params, name) for name in PARAMETER_FIELDS},
                         "n_init": N_INIT, "silhouette_sample": SILHOUETTE_SAMPLE, "fit_sample": FIT_SAMPLE},
                        sort_keys=True)
    return f"{MODEL}+{hashlib.sha256(values.encode()).hexdigest()[:10]}"


def life_event(params: ClassifierParameters) -> date | None:
    text = (params.life_event_date or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"life_event_date {text!r} (FITNESS_CLASSIFIER_LIFE_EVENT_DATE) is not a date like "
                         "2019-06-01; leave it empty to detect the change point") from None


def logged_kind(activity_type: str) -> str | None:
    """'run', 'walk' or None (not classified) for a type as logged."""
    words = set(re.findall(r"[a-z]+", str(activity_type).lower()))
    if words & RUN_WORDS:
        return RUN
    if words & WALK_WORDS:
        return WALK
    return None


def logged_kinds(types: pd.Series) -> pd.Series:
    """logged_kind for every row (None for a missing type), computed once per distinct type."""
    codes, names = pd.factorize(types)
    kinds = np.array([logged_kind(name) for name in names] + [None], dtype=object)  # code -1: missing
    return pd.Series(kinds[codes], index=types.index, dtype=object)


@dataclass
class Classification:
    labels: pd.DataFrame                 # LABEL_COLUMNS, one row per classified activity
    model_version: str
    athletes: list[dict] = field(default_factory=list)   # one report per athlete

    def report(self) -> dict:
        return {"model_version": self.model_version, "athletes": self.athletes}

    def report_bytes(self) -> bytes:
        return json.dumps(self.report(), sort_keys=True, indent=1, allow_nan=False).encode()


def _pace(frame: pd.DataFrame) -> np.ndarray:
    given = frame["avg_pace_min_per_km"].to_numpy(dtype=float)
    distance = frame["distance_km"].to_numpy(dtype=float)
    duration = frame["duration_s"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        derived = duration / 60.0 / distance
    return np.where(given > 0, given, derived)


def _outlier_reasons(frame: pd.DataFrame, pace: np.ndarray, params: ClassifierParameters) -> np.ndarray:
    distance = frame["distance_km"].to_numpy(dtype=float)
    duration = frame["duration_s"].to_numpy(dtype=float)
    low, high = params.min_pace_min_per_km, params.max_pace_min_per_km
    reasons = np.full(len(frame), None, dtype=object)
    reasons[~(pace <= high)] = f"pace slower than {high:g} min/km (or unknown)"
    reasons[pace < low] = f"pace faster than {low:g} min/km"
    reasons[~(duration > 0)] = "duration missing or zero"
    reasons[~(distance > 0)] = "distance missing or zero"
    return reasons


def _rule_labels(pace: np.ndarray, params: ClassifierParameters) -> np.ndarray:
    return np.where(pace <= params.run_max_pace_min_per_km, RUN,
                    np.where(pace >= params.walk_min_pace_min_per_km, WALK, MIXED)).astype(object)


def _name_clusters(centre_pace: np.ndarray, params: ClassifierParameters) -> list[str]:
    order = np.argsort(centre_pace, kind="stable")
    names = [MIXED] * len(centre_pace)
    names[order[0]], names[order[-1]] = RUN, WALK
    for cluster, pace in enumerate(centre_pace):
        if pace <= params.run_max_pace_min_per_km:
            names[cluster] = RUN
        elif pace >= params.walk_min_pace_min_per_km:
            names[cluster] = WALK
    return names


def silhouette(pairwise: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean silhouette (Rousseeuw 1987), as sklearn.metrics.silhouette_score computes it, from a
    square distance matrix; -1 when fewer than two clusters are present. Vectorised for k ≤ 3:
    sklearn's own call costs more in validation than the arithmetic (~5 ms per athlete)."""
    members = np.eye(k)[labels]                      # n × k one-hot
    sizes = members.sum(axis=0)
    if (sizes > 0).sum() < 2 or (sizes > 0).sum() >= len(labels):
        return -1.0
    sums = pairwise @ members                         # distance of each point to each cluster, summed
    own_size = sizes[labels]
    with np.errstate(divide="ignore", invalid="ignore"):
        a = sums[np.arange(len(labels)), labels] / (own_size - 1)
        mean_other = np.where(members.astype(bool) | (sizes == 0), np.inf, sums / sizes)
    b = mean_other.min(axis=1)
    score = np.where(own_size > 1, (b - a) / np.maximum(a, b), 0.0)
    return float(np.nan_to_num(score).mean())


def _distinct_up_to_three(points: np.ndarray) -> int:
    """How many distinct rows `points` holds, counted up to 3 (k is 2 or 3): O(n), where
    np.unique(axis=0) sorts every row (a fifth of a K-means fit's time on a large history)."""
    differs_from_first = (points != points[0]).any(axis=1)
    if not differs_from_first.any():
        return 1
    second = points[np.argmax(differs_from_first)]
    return 3 if (differs_from_first & (points != second).any(axis=1)).any() else 2


def _kmeans(features: np.ndarray, params: ClassifierParameters) -> dict | None:
    # Imported here: every process that loads the code location (CLI, webserver, run workers)
    # would otherwise pay ~2 s for scikit-learn and SciPy it rarely uses.
    from scipy.spatial.distance import cdist
    from sklearn.cluster import KMeans

    """Fit, choose k, name the clusters. None when fewer than two distinct points exist."""
    mean, spread = features.mean(axis=0), features.std(axis=0)
    spread = np.where(spread > 0, spread, 1.0)
    scaled = (features - mean) / spread
    distinct = _distinct_up_to_three(scaled.round(9))
    candidates = [params.k] if params.k in (2, 3) else [2, 3]
    candidates = [k for k in candidates if k <= distinct] or ([2] if distinct >= 2 else [])
    if not candidates:
        return None
    # Silhouettes of every k on one seeded sample and one distance matrix.
    sample = (np.random.default_rng(params.random_state).choice(len(scaled), SILHOUETTE_SAMPLE, replace=False)
              if len(scaled) > SILHOUETTE_SAMPLE else np.arange(len(scaled)))
    pairwise = cdist(scaled[sample], scaled[sample])
    sampled_fit = len(scaled) > FIT_SAMPLE
    fitted_rows = (np.sort(np.random.default_rng([params.random_state, 1]).choice(len(scaled), FIT_SAMPLE,
                                                                                  replace=False))
                   if sampled_fit else slice(None))
    fits, scores = {}, {}
    for k in candidates:
        model = KMeans(n_clusters=k, n_init=N_INIT, random_state=params.random_state).fit(scaled[fitted_rows])
        labels = cdist(scaled, model.cluster_centers_).argmin(axis=1) if sampled_fit else model.labels_
        fits[k] = model, labels
        scores[k] = silhouette(pairwise, labels[sample], k)
    chosen = max(candidates, key=lambda k: (scores[k], -k))
    model, assigned = fits[chosen]
    centres = np.exp(model.cluster_centers_ * spread + mean)          # pace, km, seconds
    names = _name_clusters(centres[:, 0], params)
    distances = cdist(scaled, model.cluster_centers_)
    name_array = np.array(names, dtype=object)
    own_name = name_array[assigned]
    same = name_array[None, :] == own_name[:, None]
    d_own = np.where(same, distances, np.inf).min(axis=1)
    d_other = np.where(same, np.inf, distances).min(axis=1)
    with np.errstate(invalid="ignore"):
        confidence = np.where(np.isinf(d_other), 1.0,
                              np.where(d_own + d_other > 0, d_other / (d_own + d_other), 0.5))
    reasons = [f"k-means k={chosen}: nearest {names[c]} centroid {centres[c, 0]:.2f} min/km, "
               f"{centres[c, 1]:.1f} km, {centres[c, 2] / 60:.0f} min" for c in range(chosen)]
    sizes = np.bincount(assigned, minlength=chosen)
    clusters = sorted(({"label": names[c], "size": int(sizes[c]), "pace_min_per_km": round(float(centres[c, 0]), 3),
                        "distance_km": round(float(centres[c, 1]), 3),
                        "duration_min": round(float(centres[c, 2]) / 60, 2)} for c in range(chosen)),
                      key=lambda c: c["pace_min_per_km"])
    return {"labels": own_name, "confidence": confidence,
            "reasons": np.array(reasons, dtype=object)[assigned],
            "k": chosen, "silhouette": {str(k): round(v, 4) for k, v in sorted(scores.items())},
            "clusters": clusters}


def _change_point(dates: pd.Series, pace: np.ndarray, params: ClassifierParameters) -> ChangePoint | None:
    configured = life_event(params)
    paces = pd.Series(pace)
    if configured is not None:
        return configured_change_point(dates, paces, configured)
    return detect_change_point(dates, paces, params.change_point_penalty)


def classify(activities: pd.DataFrame, params: ClassifierParameters,
             user_labels: Mapping[int, UserLabel] | None = None) -> Classification:
    """One label row per in-scope (or user-labelled) activity, and a report per athlete.

    One thread for the numeric libraries: each athlete's fit is small, and OpenMP's worker
    threads cost more to wake than the fit itself (7× slower on a busy 2-core host).
    """
    with threadpool_limits(limits=1):
        return _classify(activities, params, user_labels)


def _classify(activities: pd.DataFrame, params: ClassifierParameters,
              user_labels: Mapping[int, UserLabel] | None) -> Classification:
    version = model_version(params)
    life_event(params)  # a malformed date fails before any work
    user_labels = user_labels or {}
    missing = [c for c in INPUT_COLUMNS if c not in activities.columns]
    if missing:
        raise ValueError(f"activities lack column(s) {missing}")
    # Sorted and sliced as numpy arrays: athlete ids become integer codes once (in name order, so
    # the order is the same as sorting by the text), and no pandas string column is materialised
    # per row (that was a third of the time on a million activities).
    athlete_codes, athlete_names = pd.factorize(activities["athlete_id"], sort=True)
    activity_ids = activities["activity_id"].to_numpy(dtype=np.int64)
    order = np.lexsort((activity_ids, athlete_codes))
    kinds_all = logged_kinds(activities["activity_type"]).to_numpy()[order]
    labelled_all = np.isin(activity_ids[order], np.fromiter(user_labels, dtype=np.int64, count=len(user_labels)))
    in_scope = (kinds_all != None) | labelled_all  # noqa: E711 - elementwise
    in_scope_rows = order[in_scope]
    frame = pd.DataFrame({
        "activity_id": activity_ids[in_scope_rows],
        "athlete_code": athlete_codes[in_scope_rows],
        "activity_date": pd.to_datetime(activities["activity_date"]).to_numpy()[in_scope_rows],
        **{column: activities[column].to_numpy(dtype=float)[in_scope_rows]
           for column in ("distance_km", "duration_s", "avg_pace_min_per_km")}})
    kinds = pd.Series(kinds_all[in_scope], dtype=object)
    labelled = labelled_all[in_scope]

    pace = _pace(frame)
    outlier = _outlier_reasons(frame, pace, params)
    n = len(frame)
    label = np.full(n, None, dtype=object)
    confidence = np.zeros(n)
    method = np.full(n, None, dtype=object)
    reason = np.full(n, None, dtype=object)
    is_outlier = outlier != None  # noqa: E711 - elementwise
    label[is_outlier], confidence[is_outlier], method[is_outlier] = OUTLIER, 1.0, RULE
    reason[is_outlier] = outlier[is_outlier]

    athletes_report = []
    modelled = ~is_outlier & kinds.notna().to_numpy()
    athlete_values = frame["athlete_code"].to_numpy()
    # Row ranges of each athlete; no rows (an inbox without running exports) means no athletes.
    bounds = np.flatnonzero(np.r_[True, athlete_values[1:] != athlete_values[:-1], True]) if n else np.array([0])
    for start, end in zip(bounds[:-1], bounds[1:]):
        athlete = str(athlete_names[athlete_values[start]])
        rows = start + np.flatnonzero(modelled[start:end])
        dates = frame["activity_date"].iloc[rows].reset_index(drop=True)
        change = _change_point(dates, pace[rows], params)
        entry = {"athlete_id": athlete, "activities": int(end - start), "modelled": int(len(rows)),
                 "outliers": int(is_outlier[start:end].sum()),
                 "change_point": change.as_dict() if change else None,
                 "k": None, "silhouette": None, "clusters": []}
        fitted = None
        if len(rows) >= max(params.min_activities, 2):
            features = np.log(np.column_stack([pace[rows], frame["distance_km"].to_numpy(dtype=float)[rows],
                                               frame["duration_s"].to_numpy(dtype=float)[rows]]))
            fitted = _kmeans(features, params)
        if fitted is not None:
            label[rows], confidence[rows], method[rows], reason[rows] = (
                fitted["labels"], fitted["confidence"], KMEANS, fitted["reasons"])
            entry |= {"method": KMEANS, "k": fitted["k"], "silhouette": fitted["silhouette"],
                      "clusters": fitted["clusters"]}
        elif change is not None:
            after = week_numbers(dates) >= week_numbers(pd.Series([pd.Timestamp(change.week)]))[0]
            label[rows] = np.where(after, WALK, RUN)
            confidence[rows], method[rows] = ERA_CONFIDENCE, ERA_DEFAULT
            reason[rows] = np.where(after, f"after the life event (week of {change.week})",
                                    f"before the life event (week of {change.week})")
            entry["method"] = ERA_DEFAULT
        else:
            chosen = _rule_labels(pace[rows], params)
            label[rows], method[rows] = chosen, RULE
            confidence[rows] = [RULE_CONFIDENCE[c] for c in chosen]
            reason[rows] = [f"pace {p:.2f} min/km (run ≤ {params.run_max_pace_min_per_km:g}, "
                            f"walk ≥ {params.walk_min_pace_min_per_km:g})" for p in pace[rows]]
            entry["method"] = RULE
        athletes_report.append(entry)

    for position in np.flatnonzero(labelled):
        user = user_labels[int(frame.at[position, "activity_id"])]
        label[position], confidence[position], method[position] = user.label, 1.0, USER
        reason[position] = f"user label (corrections entry {user.entry}): {user.reason}"

    _add_yearly_counts(athletes_report, athlete_names, frame, label)
    by_user = np.bincount(athlete_values[method == USER], minlength=len(athlete_names))
    for entry in athletes_report:
        entry["user_labels"] = int(by_user[athlete_names.get_loc(entry["athlete_id"])])
    # object columns, not pandas' inferred text dtype: building that costs a Python pass per row
    by_id = np.argsort(frame["activity_id"].to_numpy(), kind="stable")
    labels = pd.DataFrame({"activity_id": frame["activity_id"].to_numpy()[by_id],
                           "label": pd.Series(label[by_id], dtype=object),
                           "confidence": np.clip(np.round(confidence, 4), 0.0, 1.0)[by_id],
                           "method": pd.Series(method[by_id], dtype=object),
                           "model_version": pd.Series(np.full(n, version, dtype=object), dtype=object),
                           "reason": pd.Series(reason[by_id], dtype=object)}, columns=LABEL_COLUMNS)
    return Classification(labels, version, athletes_report)


def _add_yearly_counts(report: list[dict], athlete_names: pd.Index, frame: pd.DataFrame, label: np.ndarray) -> None:
    """Each athlete's labels counted per year, from integer codes (one bincount, no group-by)."""
    label_names, label_codes = np.unique(label.astype(str), return_inverse=True) if len(label) else ([], label)
    years = frame["activity_date"].dt.year.to_numpy()
    first_year = int(years.min()) if len(years) else 0
    shape = (len(athlete_names), int(years.max()) - first_year + 1 if len(years) else 0, len(label_names))
    flat = (frame["athlete_code"].to_numpy() * shape[1] + (years - first_year)) * shape[2] + label_codes
    counts = np.bincount(flat.astype(np.int64), minlength=int(np.prod(shape))).reshape(shape)
    for entry in report:
        athlete = counts[athlete_names.get_loc(entry["athlete_id"])]
        entry["labels_per_year"] = {str(first_year + y): {str(label_names[k]): int(athlete[y, k])
                                                          for k in np.flatnonzero(athlete[y])}
                                    for y in np.flatnonzero(athlete.sum(axis=1))}
