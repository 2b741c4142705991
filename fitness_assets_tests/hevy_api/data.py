"""Deterministic Hevy account data in the shapes of the OpenAPI document's schemas."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone

NAMESPACE = uuid.UUID("5f0c3a9e-6d1b-4c58-9a57-0c2b7f1e4d21")
API_KEY = "7b2f0c4e-1a3d-4e5f-8a9b-0c1d2e3f4a5b"       # a UUID, as the document's header format says
WRONG_KEY = "00000000-0000-4000-8000-000000000000"

# (template id, title, type, primary, secondaries, equipment)
TEMPLATES = [
    ("79D0BB3A", "Bench Press (Barbell)", "weight_reps", "chest", ["triceps", "shoulders"], "barbell"),
    ("D04AC939", "Squat (Barbell)", "weight_reps", "quadriceps", ["glutes", "hamstrings"], "barbell"),
    ("C6272009", "Deadlift (Barbell)", "weight_reps", "hamstrings", ["glutes", "lower_back"], "barbell"),
    ("1B2B1E7C", "Pull Up", "reps_only", "lats", ["biceps"], "none"),
]


def stable_id(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def exercise_template(index: int) -> dict:
    template_id, title, kind, primary, secondary, equipment = TEMPLATES[index % len(TEMPLATES)]
    suffix = "" if index < len(TEMPLATES) else f" #{index}"
    return {"id": template_id if not suffix else f"{template_id[:4]}{index:04X}", "title": title + suffix,
            "type": kind, "primary_muscle_group": primary, "secondary_muscle_groups": secondary,
            "equipment_category": equipment, "is_custom": bool(suffix)}


def workout(number: int, *, exercises: int = 2, sets: int = 3, start: datetime | None = None,
            updated_at: datetime | None = None, title: str | None = None) -> dict:
    """Workout `number`: a fixed start two days apart from 2026-01-05 09:00 UTC unless given."""
    start = start or datetime(2026, 1, 5, 9, 0, tzinfo=timezone.utc) + timedelta(days=2 * number)
    end = start + timedelta(minutes=55)
    return {
        "id": stable_id("workout", number), "title": title or f"Workout {number}",
        "routine_id": stable_id("routine", number % 2), "description": "",
        "start_time": iso(start), "end_time": iso(end),
        "updated_at": iso(updated_at or end), "created_at": iso(end),
        "exercises": [{
            "index": e, "title": TEMPLATES[(number + e) % len(TEMPLATES)][1], "notes": "",
            "exercise_template_id": TEMPLATES[(number + e) % len(TEMPLATES)][0],
            "supersets_id": None,
            "sets": [{"index": s, "type": "warmup" if s == 0 else "normal",
                      "weight_kg": round(40 + 2.5 * (number % 8) + 5 * s, 2), "reps": 10 - s,
                      "distance_meters": None, "duration_seconds": None,
                      "rpe": None if s == 0 else 7.5 + 0.5 * s, "custom_metric": None}
                     for s in range(sets)],
        } for e in range(exercises)],
    }


def routine(number: int) -> dict:
    return {"id": stable_id("routine", number), "title": f"Routine {number}", "folder_id": None,
            "updated_at": "2026-01-01T08:00:00Z", "created_at": "2026-01-01T08:00:00Z",
            "exercises": [{"index": 0, "title": TEMPLATES[number % len(TEMPLATES)][1], "rest_seconds": "90",  # a string in the document
                           "notes": "", "exercise_template_id": TEMPLATES[number % len(TEMPLATES)][0],
                           "supersets_id": None,
                           "sets": [{"index": 0, "type": "normal", "weight_kg": 60, "reps": 8,
                                     "distance_meters": None, "duration_seconds": None,
                                     "custom_metric": None, "rep_range": {"start": 8, "end": 12}}]}]}
