"""Synthetic exports in the real Hevy, diet-log and MapMyRun formats, for the demo, the tests and
the bench.

One entry point, `write_exports`, with size knobs; one exercise catalogue (catalog.py), one diet
plan (diet_plan.py) and one export format (export_format.py) behind it. Two histories draw from
them, because their bytes are pinned (the pipeline's payload and report hashes are computed on
the sample) and because a million sets need numpy:

* sets=None: the sample (sample_history.py), one athlete's scripted three years, 2023-01-02 to
  2025-12-28, with deliberate entry errors for the checks to find, and ten years of MapMyRun
  runs and dog walks (running_history.py: a planted life event and labels the run/walk
  classifier is scored against, `planted_running_truth`);
* sets=N: the bench (bench_histories.py), N clean set rows split over `athletes` folders
  (inbox/athlete_01, ...), each history ending on 2026-10-30 and reaching back as far as its
  share needs.
"""

from __future__ import annotations

from pathlib import Path

from tools.generate.bench_histories import append_workout, write_benchmark_exports
from tools.generate.export_format import MAPMYRUN_HEADER_VARIANTS
from tools.generate.running_history import planted_running_truth
from tools.generate.sample_history import write_sample_exports

__all__ = ["MAPMYRUN_HEADER_VARIANTS", "append_workout", "planted_running_truth", "write_benchmark_exports",
           "write_exports", "write_sample_exports"]

SAMPLE_SEED, BENCH_SEED = 7, 0


def write_exports(out: Path, athletes: int = 1, sets: int | None = None, seed: int | None = None,
                  mapmyrun_header: str | None = None) -> list[Path]:
    """Write the exports into `out` and return the files written (see the module docstring).
    `mapmyrun_header` (imperial, the default, metric or oldest) is the sample's MapMyRun header."""
    if sets is None:
        if athletes != 1:
            raise ValueError("the sample is one athlete's history: give sets to write several athletes")
        written = write_sample_exports(out, SAMPLE_SEED if seed is None else seed, mapmyrun_header or "imperial")
        return [written["hevy"], written["diet"], written["mapmyrun"]]
    if mapmyrun_header is not None:
        raise ValueError("the bench writes no MapMyRun export: --mapmyrun-header is for the sample")
    exports = write_benchmark_exports(out, sets, athletes, BENCH_SEED if seed is None else seed)
    return [path for pair in zip(exports.hevy_files, exports.diet_files) for path in pair]
