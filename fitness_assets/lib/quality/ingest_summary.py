"""The ingest notification: what one successful ingest changed, per source and layer.

Built only from the counts the ingest assets report under INGEST_COUNTS_KEY (one mapping per
layer: source → new, changed, removed, quarantined, total), so the same run always gives the same
message, byte for byte: sources, layers and columns in a fixed order, zeros shown, no clock.

What the columns mean in each layer (a cell that does not apply, or a layer that the run did not
materialize, is None: "-" in text, null in JSON; a source without exports has zeros):
- raw (export files): new = the athlete's first export of that source; changed = a later export
  replacing an earlier one, or an earlier export put back (landed again); the raw zone removes
  and quarantines nothing; total = files of the source in the raw zone.
- silver (rows of the current exports, rebuilt every run): quarantined = rows of the current
  exports quarantined (every run, until the export is fixed); total = rows that passed.
  New, changed and removed do not apply: the warehouse counts what a run changed.
- warehouse (workouts, diet days, activities): new, changed, removed = rows written or deleted
  this run; quarantined = quarantined lines stored for the first time (fitness.quarantine keeps
  them per export file, so a bad line still in a new export counts again); total = rows in the table.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import ClassVar

SOURCE_ORDER = ("hevy_csv", "diet", "mapmyrun")
LAYER_ORDER = ("raw", "silver", "warehouse")
COUNT_FIELDS = ("new", "changed", "removed", "quarantined", "total")
# Per layer: the unit of each source's counts, and the fields that do not apply (None).
UNITS = {
    "raw": {"hevy_csv": "files", "diet": "files", "mapmyrun": "files"},
    "silver": {"hevy_csv": "sets", "diet": "diet days", "mapmyrun": "activities"},
    "warehouse": {"hevy_csv": "workouts", "diet": "diet days", "mapmyrun": "activities"},
}
NOT_APPLICABLE = {"silver": ("new", "changed", "removed")}
TOTAL_UNITS = {"raw": "files", "silver": "rows", "warehouse": "rows"}
SUMMARY_LAYER = "warehouse"  # the subject line counts what the run changed in the warehouse
LEGEND = ("raw: export files (new: an athlete's first export of the source; changed: a later export or one "
          "landed again). silver: rows of the current exports (quarantined: all of theirs, every run). "
          "warehouse: rows written this run (quarantined: stored for the first time); total: rows after the run.")


@dataclass(frozen=True)
class LayerCounts:
    source: str            # a source name, or "all" for a layer's totals
    layer: str
    unit: str
    new: int | None
    changed: int | None
    removed: int | None
    quarantined: int | None
    total: int | None

    def as_json(self) -> dict:
        return {"source": self.source, "layer": self.layer, "unit": self.unit,
                **{name: getattr(self, name) for name in COUNT_FIELDS}}


@dataclass(frozen=True)
class IngestSummary:
    """One successful ingest run's notification. Delivered like an alert (lib/quality/alerts.py):
    `text()` for the log and SNS, `as_json()` under the webhook body's `ingest` key."""
    job_name: str
    run_id: str
    run_url: str
    rows: tuple[LayerCounts, ...]     # source × layer, in SOURCE_ORDER then LAYER_ORDER
    totals: tuple[LayerCounts, ...]   # one per layer, source "all"

    kind: ClassVar[str] = "ingest_summary"
    webhook_field: ClassVar[str] = "ingest"
    severity: ClassVar[str] = "INFO"

    def layer_total(self, layer: str) -> LayerCounts:
        return next(t for t in self.totals if t.layer == layer)

    @property
    def subject(self) -> str:
        changed = self.layer_total(SUMMARY_LAYER)
        head = f"[fitness_assets] {self.job_name} succeeded (run {self.run_id[:8]})"
        if changed.new is None:
            return f"{head}: the {SUMMARY_LAYER} was not loaded"
        return (f"{head}: {changed.new:,} new, {changed.changed:,} changed, {changed.removed:,} removed, "
                f"{changed.quarantined:,} quarantined")

    def text(self) -> str:
        header = ("source", "layer", "unit", *COUNT_FIELDS)
        table = [header] + [(r.source, r.layer, r.unit, *(_cell(getattr(r, f)) for f in COUNT_FIELDS))
                            for r in (*self.rows, *self.totals)]
        widths = [max(len(line[i]) for line in table) for i in range(len(header))]
        lines = [self.subject, ""]
        for line in table:
            left = "  ".join(value.ljust(width) for value, width in zip(line[:3], widths[:3]))
            right = "  ".join(value.rjust(width) for value, width in zip(line[3:], widths[3:]))
            lines.append(f"{left}  {right}".rstrip())
        lines += ["", LEGEND, f"Run {self.run_id}: {self.run_url}"]
        return "\n".join(lines)

    def as_json(self) -> dict:
        return {"kind": self.kind, "job_name": self.job_name, "run_id": self.run_id, "run_url": self.run_url,
                "subject": self.subject, "columns": list(COUNT_FIELDS),
                "rows": [r.as_json() for r in self.rows], "totals": [t.as_json() for t in self.totals]}


def _cell(value: int | None) -> str:
    return "-" if value is None else f"{value:,}"


def _ordered(names: Iterable[str], order: tuple[str, ...]) -> list[str]:
    """All of `order` (a source with no export yet still gets its row of zeros), then anything
    else reported (a source added later) alphabetically: never dropped."""
    return list(order) + sorted(set(names) - set(order))


def build_ingest_summary(job_name: str, run_id: str, run_url: str,
                         reported: Iterable[tuple[str, Mapping[str, Mapping[str, int]]]]) -> IngestSummary:
    """`reported`: (layer, {source: {field: count}}) per ingest asset materialization of the run.

    Counts reported twice for the same layer and source add up (two assets of one layer may each
    report a part). Every known source × layer gets a row, zeros included, so a quiet run looks
    like a quiet run rather than like a missing one."""
    sums: dict[tuple[str, str], dict[str, int]] = {}
    for layer, by_source in reported:
        for source, counts in by_source.items():
            cell = sums.setdefault((layer, source), dict.fromkeys(COUNT_FIELDS, 0))
            for name in COUNT_FIELDS:
                cell[name] += int(counts.get(name, 0))
    reported_layers = {layer for layer, _ in sums}
    layers = _ordered(reported_layers, LAYER_ORDER)
    sources = _ordered((source for _, source in sums), SOURCE_ORDER)
    rows = tuple(_counts(source, layer, UNITS.get(layer, {}).get(source, "rows"),
                         sums.get((layer, source), dict.fromkeys(COUNT_FIELDS, 0)), layer in reported_layers)
                 for source in sources for layer in layers)
    totals = tuple(_counts("all", layer, TOTAL_UNITS.get(layer, "rows"),
                           {name: sum(sums.get((layer, s), {}).get(name, 0) for s in sources) for name in COUNT_FIELDS},
                           layer in reported_layers)
                   for layer in layers)
    return IngestSummary(job_name, run_id, run_url, rows, totals)


def _counts(source: str, layer: str, unit: str, counts: Mapping[str, int], reported: bool) -> LayerCounts:
    """A layer no asset of the run reported on (a run of part of the job) is unknown, not zero."""
    skipped = COUNT_FIELDS if not reported else NOT_APPLICABLE.get(layer, ())
    return LayerCounts(source, layer, unit, **{name: None if name in skipped else int(counts[name])
                                               for name in COUNT_FIELDS})
