"""The ingest notification's message: counts per source × layer, explicit order, zeros, bytes."""

from __future__ import annotations

import json

from fitness_assets.lib.quality.alerts import deliver
from fitness_assets.lib.quality.ingest_summary import COUNT_FIELDS, build_ingest_summary

RUN = "0123abcd-0000-4000-8000-000000000001"
URL = f"http://dagster.local:3000/runs/{RUN}"


def counts(new=0, changed=0, removed=0, quarantined=0, total=0) -> dict:
    return {"new": new, "changed": changed, "removed": removed, "quarantined": quarantined, "total": total}


# As the assets report them: raw once for all sources; silver and warehouse once per dataset,
# deliberately not in the message's order.
REPORTED = [
    ("warehouse", {"mapmyrun": counts(new=4, removed=1, quarantined=1, total=4)}),
    ("raw", {"diet": counts(new=1, total=1), "hevy_csv": counts(changed=1, total=2), "mapmyrun": counts(total=1)}),
    ("silver", {"hevy_csv": counts(quarantined=2, total=1200)}),
    ("silver", {"diet": counts(total=7)}),
    ("warehouse", {"hevy_csv": counts(new=3, changed=2, quarantined=2, total=90)}),
    ("silver", {"mapmyrun": counts(quarantined=1, total=4)}),
    ("warehouse", {"diet": counts(new=7, total=7)}),
]


def summary(reported=REPORTED):
    return build_ingest_summary("ingest_job", RUN, URL, reported)


def test_one_row_per_source_and_layer_in_a_fixed_order_with_the_counts_reported():
    rows = [(r.source, r.layer, r.unit, r.new, r.changed, r.removed, r.quarantined, r.total) for r in summary().rows]
    assert rows == [
        ("hevy_csv", "raw", "files", 0, 1, 0, 0, 2),
        ("hevy_csv", "silver", "sets", None, None, None, 2, 1200),
        ("hevy_csv", "warehouse", "workouts", 3, 2, 0, 2, 90),
        ("diet", "raw", "files", 1, 0, 0, 0, 1),
        ("diet", "silver", "diet days", None, None, None, 0, 7),
        ("diet", "warehouse", "diet days", 7, 0, 0, 0, 7),
        ("mapmyrun", "raw", "files", 0, 0, 0, 0, 1),
        ("mapmyrun", "silver", "activities", None, None, None, 1, 4),
        ("mapmyrun", "warehouse", "activities", 4, 0, 1, 1, 4),
    ]
    totals = [(t.layer, t.unit, t.new, t.changed, t.removed, t.quarantined, t.total) for t in summary().totals]
    assert totals == [("raw", "files", 1, 1, 0, 0, 4), ("silver", "rows", None, None, None, 3, 1211),
                      ("warehouse", "rows", 14, 2, 1, 3, 101)]


def test_the_text_is_a_table_with_zeros_shown_and_the_run():
    text = summary().text()
    lines = text.splitlines()
    assert lines[0] == ("[fitness_assets] ingest_job succeeded (run 0123abcd): 14 new, 2 changed, 1 removed, "
                        "3 quarantined")
    assert lines[2].split() == ["source", "layer", "unit", *COUNT_FIELDS]
    assert lines[3].split() == ["hevy_csv", "raw", "files", "0", "1", "0", "0", "2"]
    assert lines[4].split() == ["hevy_csv", "silver", "sets", "-", "-", "-", "2", "1,200"]
    assert lines[12].split() == ["all", "raw", "files", "1", "1", "0", "0", "4"]
    assert lines[-1] == f"Run {RUN}: {URL}"
    # Columns line up: every count ends where its header ends.
    assert {len(line) for line in lines[2:15]} == {len(lines[2])}


def test_a_run_that_changed_nothing_still_lists_every_source_with_zeros():
    quiet = build_ingest_summary("ingest_job", RUN, URL, [
        ("raw", {"hevy_csv": counts(total=1)}), ("silver", {"hevy_csv": counts(total=14)}),
        ("warehouse", {"hevy_csv": counts(total=2)})])
    assert [(r.source, r.layer) for r in quiet.rows] == [(s, layer) for s in ("hevy_csv", "diet", "mapmyrun")
                                                         for layer in ("raw", "silver", "warehouse")]
    assert quiet.as_json()["rows"][8] == {"source": "mapmyrun", "layer": "warehouse", "unit": "activities",
                                          "new": 0, "changed": 0, "removed": 0, "quarantined": 0, "total": 0}
    warehouse = quiet.as_json()["totals"][2]
    assert warehouse == {"source": "all", "layer": "warehouse", "unit": "rows", "new": 0, "changed": 0,
                         "removed": 0, "quarantined": 0, "total": 2}
    assert "0 new, 0 changed, 0 removed, 0 quarantined" in quiet.subject


def test_a_layer_the_run_did_not_materialize_is_unknown_not_zero():
    partial = build_ingest_summary("ingest_job", RUN, URL, [("raw", {"diet": counts(new=1, total=1)})])
    assert {(r.layer, r.new, r.total) for r in partial.rows if r.layer != "raw"} == {
        ("silver", None, None), ("warehouse", None, None)}
    assert partial.subject == "[fitness_assets] ingest_job succeeded (run 0123abcd): the warehouse was not loaded"


def test_same_counts_in_any_order_give_the_same_bytes():
    forward, backward = summary(), summary(list(reversed(REPORTED)))
    assert forward.text() == backward.text()
    assert json.dumps(forward.as_json()) == json.dumps(backward.as_json())


def test_counts_reported_twice_for_one_layer_and_source_add_up_and_a_new_source_is_kept():
    twice = build_ingest_summary("ingest_job", RUN, URL, [
        ("warehouse", {"diet": counts(new=2)}), ("warehouse", {"diet": counts(new=3, removed=1)}),
        ("warehouse", {"zwift": counts(new=1)})])
    by_key = {(r.source, r.layer): r for r in twice.rows}
    assert (by_key["diet", "warehouse"].new, by_key["diet", "warehouse"].removed) == (5, 1)
    assert [r.source for r in twice.rows][-3:] == ["zwift"] * 3  # after the known sources, never dropped


def test_the_json_carries_the_same_content_as_the_text():
    body = summary().as_json()
    assert body["kind"] == "ingest_summary" and body["run_id"] == RUN and body["run_url"] == URL
    assert body["subject"] == summary().subject
    assert body["columns"] == list(COUNT_FIELDS)
    assert body["rows"][1] == {"source": "hevy_csv", "layer": "silver", "unit": "sets", "new": None, "changed": None,
                               "removed": None, "quarantined": 2, "total": 1200}
    assert len(body["rows"]) == 9 and len(body["totals"]) == 3


class Channels:
    channels = "webhook"
    webhook_url = ""
    sns_topic_arn = ""
    aws_region = ""
    ui_url = ""


class RecordingLog:
    def __init__(self):
        self.lines = []

    def info(self, message):
        self.lines.append(("info", message))

    warning = error = None  # an ingest summary is news, not a warning


def test_the_log_always_gets_it_at_info_level_even_when_the_channels_leave_it_out():
    log = RecordingLog()
    channels = Channels()
    channels.channels = "log"
    assert deliver(summary(), channels, log, always_log=True) == ["log"]
    channels.channels = ""
    assert deliver(summary(), channels, log, always_log=True) == ["log"]
    assert log.lines == [("info", summary().text())] * 2
