"""What a landing changed in the raw zone, per source, for the ingest notification."""

from __future__ import annotations

import os
import time
from datetime import datetime, timezone

from fitness_assets.lib.raw.zone import land_inbox, landed_counts, load_manifest
from fitness_assets_tests.conftest import diet_csv, hevy_csv, workout_set
from fitness_assets_tests.lib.silver.test_mapmyrun import activity, mapmyrun_csv

LEGS = ("Legs", "12 Jan 2026, 18:00", "12 Jan 2026, 19:00")
DAY = "2026-01-12,200,180,60,2060,90,1Cutting I (01/01/2026 - XX/XX/XXXX),80.0,"


def land(inbox, raw_zone, hour: int):
    before = load_manifest(raw_zone)
    manifest, new = land_inbox(inbox, raw_zone, now=datetime(2026, 2, 1, hour, tzinfo=timezone.utc))
    return landed_counts(before, manifest, new)


def test_first_exports_are_new_later_ones_and_those_put_back_are_changed(tmp_path):
    inbox, raw_zone = tmp_path / "inbox", tmp_path / "raw"
    (inbox / "coach_client").mkdir(parents=True)
    (inbox / "workouts.csv").write_bytes(hevy_csv([workout_set(*LEGS, "Squat (Barbell)", 0, 100, 5)]))
    (inbox / "diet.csv").write_bytes(diet_csv([DAY]))
    first = land(inbox, raw_zone, 1)
    assert first["hevy_csv"] == {"new": 1, "changed": 0, "removed": 0, "quarantined": 0, "total": 1}
    assert first["diet"]["new"] == 1 and first["mapmyrun"] == dict.fromkeys(first["mapmyrun"], 0)

    assert land(inbox, raw_zone, 2)["hevy_csv"] == {"new": 0, "changed": 0, "removed": 0, "quarantined": 0,
                                                    "total": 1}  # the same bytes: nothing landed

    older = (inbox / "workouts.csv").read_bytes()
    (inbox / "workouts.csv").write_bytes(hevy_csv([workout_set(*LEGS, "Squat (Barbell)", 0, 105, 5)]))
    (inbox / "coach_client" / "runs.csv").write_bytes(mapmyrun_csv([activity(1)]))  # another athlete's first
    third = land(inbox, raw_zone, 3)
    assert (third["hevy_csv"]["new"], third["hevy_csv"]["changed"], third["hevy_csv"]["total"]) == (0, 1, 2)
    assert (third["mapmyrun"]["new"], third["mapmyrun"]["changed"]) == (1, 0)

    (inbox / "workouts.csv").write_bytes(older)  # the earlier export put back: landed again, current again
    later = time.time() + 3600  # newer than when it first landed
    os.utime(inbox / "workouts.csv", (later, later))
    fourth = land(inbox, raw_zone, 4)
    assert (fourth["hevy_csv"]["new"], fourth["hevy_csv"]["changed"], fourth["hevy_csv"]["total"]) == (0, 1, 2)
