"""Hevy API sync records → the workouts dataset's rows, one per set, like the CSV path.

A sync record (lib/raw/hevy_api.py) names its pages; records chain back through
`previous_sha256` to the latest full sync. Replaying the chain gives the account's workouts as
of the record: the full sync's list, then each later events sync's updates and deletions. The
replay is last-writer-wins by time, so the order of events inside a page, a repeated event (the
cursor's one-second overlap, or a page that shifted while it was paged) and a stale update
after a deletion cannot change the outcome:
- an update applies when its `updated_at` is at least the held version's and later than any
  deletion of that workout;
- a deletion applies when its `deleted_at` is at least the held version's `updated_at`.

Times are UTC in the API and local in a CSV export; the record's `timezone` turns them into the
athlete's local times, to the minute like the CSV, so the same workout has the same start from
either source (lib/silver/reconcile.py: one truth when both hold it). Weights are
kg and distances metres in the API whatever the app displays: only metres → km is converted.

The API's ids are kept: `hevy_workout_id`, `exercise_template_id`, and (the API has none of its
own for them) `hevy_exercise_id` = "<workout id>/<exercise index>" and `hevy_set_id` =
"<workout id>/<exercise index>/<set index>". A CSV row has none of these (missing).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

from fitness_assets.lib.core.errors import ExportFileError
from fitness_assets.lib.raw.formats import HEVY_API, DetectedExport
from fitness_assets.lib.raw.hevy_api import (
    BODY_MEASUREMENTS,
    EXERCISE_TEMPLATES,
    ROUTINES,
    WORKOUT_EVENTS,
    ITEMS_KEY,
    WORKOUTS,
    SyncRecord,
    sync_folder,
    utc_time,
)
from fitness_assets.lib.silver.corrections import WORKOUT_SETS, Correction, apply_corrections
from fitness_assets.lib.silver.parsed import ParsedRows
from fitness_assets.lib.silver.quarantine import SourceFile, empty_quarantine, quarantine_failures
from fitness_assets.lib.silver.reconcile import quarantine_duplicate_workouts
from fitness_assets.lib.silver.sources.hevy_csv import SILVER_SET_COLUMNS, assign_workout_structure
from fitness_assets.schemas.silver import HevySetRow

_INTEGERS = ("superset_id", "set_index", "reps", "duration_seconds")
_FLOATS = ("weight_kg", "distance_km", "rpe")


def parse_hevy_api(data: bytes, detected: DetectedExport, source: SourceFile, path: Path,
                   corrections: list[Correction] = ()) -> ParsedRows:
    assert detected.kind == HEVY_API
    raw_zone = path.parents[2]          # objects/<xx>/<sha256>
    record = SyncRecord.from_bytes(data)
    workouts = replay(raw_zone, record, source.file_name)
    raw = _set_records(workouts, source)
    rows = _typed(raw, ZoneInfo(record.timezone))
    rows, applied, stale = apply_corrections(rows, list(corrections), WORKOUT_SETS, source.athlete_id)
    rows, invalid = quarantine_failures(HevySetRow, rows, source, raw)
    rows, duplicates = quarantine_duplicate_workouts(rows, raw, source)
    invalid = pd.concat([invalid, duplicates], ignore_index=True) if len(duplicates) else invalid
    rows = assign_workout_structure(rows)
    rows = _hash_with_ids(rows)
    return ParsedRows(rows[SILVER_SET_COLUMNS].reset_index(drop=True),
                      invalid if len(invalid) else empty_quarantine(),
                      rows_read=len(raw), corrections_applied=applied, stale_corrections=stale)


def replay(raw_zone: Path, record: SyncRecord, file_name: str) -> list[dict]:
    """The account's workouts as of `record`, ordered by start time then id."""
    chain = [record]
    while chain[-1].kind != "full":
        previous = chain[-1].previous_sha256
        stored = raw_zone / "objects" / previous[:2] / previous
        if not previous or not stored.exists():
            raise ExportFileError(file_name, None, "this Hevy API sync has no full sync before it in the raw zone",
                                  "the raw zone's hevy_api records from the last full sync on "
                                  "(`fitness sync hevy --full` starts a new chain)")
        chain.append(SyncRecord.from_bytes(stored.read_bytes()))
    held: dict[str, dict] = {}
    deleted_at: dict[str, str] = {}
    for synced in reversed(chain):
        for page in synced.pages:
            if page.endpoint in (EXERCISE_TEMPLATES, ROUTINES, BODY_MEASUREMENTS):
                continue
            body = json.loads((sync_folder(raw_zone) / page.raw_path).read_bytes())
            if page.endpoint == WORKOUTS:
                for workout in body["workouts"]:
                    _update(held, deleted_at, workout)
            elif page.endpoint == WORKOUT_EVENTS:
                for event in body["events"]:
                    if event["type"] == "updated":
                        _update(held, deleted_at, event["workout"])
                    elif event["type"] == "deleted":
                        _delete(held, deleted_at, event["id"], event["deleted_at"])
    return sorted(held.values(), key=lambda w: (utc_time(w["start_time"]), w["id"]))


EXERCISE_TEMPLATE_COLUMNS = ["exercise_template_id", "title", "exercise_type", "equipment", "primary_muscle_group",
                             "secondary_muscle_groups", "is_custom"]


BODY_WEIGHT_COLUMNS = ["athlete_id", "measured_on", "weight_kg", "source_sha256"]


def _full_sync_items(raw_zone: Path, record: SyncRecord, record_sha256: str, endpoint: str) -> tuple[str, list[dict]]:
    """The items of `endpoint` on the newest full sync in `record`'s chain (an events sync pages
    the workout events alone), and that full sync's sha256."""
    full, sha256 = record, record_sha256
    while full.kind != "full":
        sha256 = full.previous_sha256
        full = SyncRecord.from_bytes((raw_zone / "objects" / sha256[:2] / sha256).read_bytes())
    return sha256, [item for page in full.pages if page.endpoint == endpoint
                    for item in json.loads((sync_folder(raw_zone) / page.raw_path).read_bytes())[ITEMS_KEY[endpoint]]]


def body_weights(raw_zone: Path, record: SyncRecord, record_sha256: str) -> pd.DataFrame:
    """The body weights the account measured (`/v1/body_measurements` with a `weight_kg`), one
    row per date (the API keeps one measurement a date), from the newest full sync. Their other
    measurements (girths, fat %) stay in the raw pages."""
    full_sha256, measurements = _full_sync_items(raw_zone, record, record_sha256, BODY_MEASUREMENTS)
    rows = {m["date"]: float(m["weight_kg"]) for m in measurements if m.get("weight_kg") is not None}
    frame = pd.DataFrame({"athlete_id": record.athlete_id, "measured_on": pd.to_datetime(sorted(rows)),
                          "weight_kg": [rows[day] for day in sorted(rows)], "source_sha256": full_sha256},
                         columns=BODY_WEIGHT_COLUMNS)
    return frame.astype({"measured_on": "datetime64[us]", "weight_kg": "float64"})


def exercise_templates(raw_zone: Path, record: SyncRecord, record_sha256: str = "") -> pd.DataFrame:
    """The exercise templates of the newest full sync in `record`'s chain (events syncs do not
    page templates), one row each, ordered by id; the secondary muscle groups as one text,
    comma-separated, in the API's order."""
    rows = {}
    for template in _full_sync_items(raw_zone, record, record_sha256, EXERCISE_TEMPLATES)[1]:
        rows[template["id"]] = {
            "exercise_template_id": template["id"], "title": (template.get("title") or "").strip(),
            "exercise_type": template.get("type"), "equipment": template.get("equipment_category"),
            "primary_muscle_group": template.get("primary_muscle_group"),
            "secondary_muscle_groups": ",".join(template.get("secondary_muscle_groups") or []),
            "is_custom": bool(template.get("is_custom"))}
    return pd.DataFrame([rows[key] for key in sorted(rows)], columns=EXERCISE_TEMPLATE_COLUMNS)


def _update(held: dict[str, dict], deleted_at: dict[str, str], workout: dict) -> None:
    updated = utc_time(workout["updated_at"])
    current = held.get(workout["id"])
    if current is not None and utc_time(current["updated_at"]) > updated:
        return
    if workout["id"] in deleted_at and utc_time(deleted_at[workout["id"]]) >= updated:
        return
    held[workout["id"]] = workout


def _delete(held: dict[str, dict], deleted_at: dict[str, str], workout_id: str, when: str) -> None:
    current = held.get(workout_id)
    if current is None or utc_time(when) >= utc_time(current["updated_at"]):
        held.pop(workout_id, None)
    if workout_id not in deleted_at or utc_time(when) > utc_time(deleted_at[workout_id]):
        deleted_at[workout_id] = when


def _set_records(workouts: list[dict], source: SourceFile) -> pd.DataFrame:
    """One record per set, as served (numbers and text untouched), numbered from 1 in workout,
    exercise and set order: that number is the row's `source_line` in quarantine and checks."""
    records = []
    for workout in workouts:
        for exercise in sorted(workout.get("exercises", []), key=lambda e: e["index"]):
            for set_ in sorted(exercise.get("sets", []), key=lambda s: s["index"]):
                records.append({
                    "hevy_workout_id": workout["id"], "title": workout.get("title"),
                    "start_time": workout["start_time"], "end_time": workout["end_time"],
                    "description": workout.get("description"),
                    "exercise_index": exercise["index"], "exercise_title": exercise.get("title"),
                    "exercise_template_id": exercise.get("exercise_template_id"),
                    "superset_id": exercise.get("supersets_id"), "exercise_notes": exercise.get("notes"),
                    "set_index": set_["index"], "set_type": set_.get("type"), "weight_kg": set_.get("weight_kg"),
                    "reps": set_.get("reps"), "distance_meters": set_.get("distance_meters"),
                    "duration_seconds": set_.get("duration_seconds"), "rpe": set_.get("rpe"),
                })
    # object dtype: a missing number stays None (JSON null in quarantine), never NaN
    raw = pd.DataFrame(records, columns=list(records[0]) if records else ["hevy_workout_id"], dtype=object)
    raw["source_line"] = range(1, len(raw) + 1)
    raw["athlete_id"] = source.athlete_id
    raw["source_sha256"] = source.sha256
    raw["source_file"] = source.file_name
    return raw


def _hash_with_ids(rows: pd.DataFrame) -> pd.DataFrame:
    """The content hash of the CSV path, extended by the workout's API ids: a workout loaded from a
    CSV export and then held by an API sync has the same content but not the same hash, so it is
    rewritten once and gains its ids; an unchanged API workout keeps its hash from sync to sync."""
    if rows.empty:
        return rows
    ids = (rows["hevy_workout_id"] + "\x1f" + rows["exercise_template_id"].fillna("\x00") + "\x1f"
           + rows["hevy_set_id"])
    # Per workout (its key, like the CSV hash): rows are in workout, exercise and set order. One
    # digest per workout, mapped back by the key (never a joined string per row).
    key = [rows["started_at"], rows["title"]]
    per_workout = (rows["workout_hash"] + "\x1d" + ids).groupby(key, sort=False).agg("\x1e".join)
    digests = per_workout.map(lambda text: hashlib.sha256(text.encode()).hexdigest())
    return rows.assign(workout_hash=digests.reindex(pd.MultiIndex.from_arrays(key)).to_numpy())


def _typed(raw: pd.DataFrame, zone: ZoneInfo) -> pd.DataFrame:
    if raw.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SILVER_SET_COLUMNS + ["source_line"]})
    frame = raw.copy()
    for column, target in (("start_time", "started_at"), ("end_time", "ended_at")):
        utc = pd.to_datetime(frame[column], utc=True, format="ISO8601")
        # To the minute, as Hevy's CSV export writes them: the same workout has the same start
        # (its key) from either source (lib/silver/reconcile.py); the seconds stay in the raw pages.
        local = utc.dt.tz_convert(zone).dt.tz_localize(None).dt.floor("min")
        frame[target] = local.astype("datetime64[us]")
    frame["distance_km"] = pd.to_numeric(frame["distance_meters"]) / 1000
    for column in _INTEGERS:
        frame[column] = pd.to_numeric(frame[column]).round().astype("Int64")
    for column in _FLOATS:
        frame[column] = pd.to_numeric(frame[column]).astype("float64")
    for column in ("title", "description", "exercise_title", "exercise_notes", "set_type"):
        text = frame[column].astype(object).where(frame[column].notna(), None)
        stripped = text.map(lambda v: v.strip() if isinstance(v, str) and column != "exercise_notes" else v)
        frame[column] = stripped.where(stripped.map(lambda v: isinstance(v, str) and v.strip() != ""), None)
    frame["set_type"] = frame["set_type"].str.lower()
    frame["hevy_exercise_id"] = frame["hevy_workout_id"] + "/" + frame["exercise_index"].astype(str)
    frame["hevy_set_id"] = frame["hevy_exercise_id"] + "/" + frame["set_index"].astype(str)
    return frame
