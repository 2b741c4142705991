"""Issue 15: the silver frames' IO manager (defs/silver/frame_store.py) keeps Dagster's files, writes
a frame only when what it is made of changed, and hands `LazyFrame` inputs that read nothing
until called. Real Dagster runs (dg.materialize) on a temporary instance; no mock."""

from __future__ import annotations

import pickle
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

from fitness_assets.defs.silver.frame_store import MADE_OF_SUFFIX, LazyFrame, SilverFrameStore
from fitness_assets.lib.core.constants import INPUTS_FINGERPRINT_KEY

FRAME = pd.DataFrame({"athlete_id": pd.Series(["a", "b"], dtype="str"), "reps": [5, 8]})
made_of = {"value": "fingerprint-1"}
read_by_lazy: list[str] = []  # "read": reads_when_asked calls its input


@dg.asset(io_manager_key="frames")
def frame() -> dg.Output:
    return dg.Output(FRAME.assign(reps=FRAME["reps"] + len(made_of["value"])),
                     metadata={INPUTS_FINGERPRINT_KEY: made_of["value"]})


@dg.asset(ins={"frame": dg.AssetIn("frame")})
def reads_when_asked(frame: LazyFrame) -> None:
    if read_by_lazy:
        frame()


@dg.asset(ins={"frame": dg.AssetIn("frame")})
def reads_at_once(frame: pd.DataFrame) -> None:
    assert isinstance(frame, pd.DataFrame)


def run(instance, selection=None):
    result = dg.materialize([frame, reads_when_asked, reads_at_once], instance=instance,
                            resources={"frames": SilverFrameStore()}, selection=selection)
    assert result.success
    return result


def test_frames_are_written_once_per_fingerprint_in_dagsters_place(tmp_path):
    instance = dg.DagsterInstance.ephemeral(tempdir=str(tmp_path))
    made_of["value"], read_by_lazy[:] = "fingerprint-1", []
    run(instance)
    stored = Path(instance.storage_directory()) / "frame"  # where Dagster's own fs IO manager puts it
    first = stored.stat().st_mtime_ns
    assert pickle.loads(stored.read_bytes()).equals(FRAME.assign(reps=FRAME["reps"] + 13))
    assert stored.with_name("frame" + MADE_OF_SUFFIX).read_text().startswith("fingerprint-1 ")

    run(instance)  # same fingerprint: the file already holds this frame
    assert stored.stat().st_mtime_ns == first

    made_of["value"] = "fingerprint-22"  # made of something else: written
    run(instance)
    assert stored.stat().st_mtime_ns != first
    assert pickle.loads(stored.read_bytes())["reps"].tolist() == [19, 22]

    # A file replaced by anything else (here: the frame of fingerprint-1 again, by hand) no longer
    # matches its stamp, so the next output is written even with an unchanged fingerprint.
    stored.write_bytes(pickle.dumps(FRAME))
    run(instance)
    assert pickle.loads(stored.read_bytes())["reps"].tolist() == [19, 22]


def test_a_lazy_input_reads_nothing_until_called(tmp_path):
    instance = dg.DagsterInstance.ephemeral(tempdir=str(tmp_path))
    made_of["value"], read_by_lazy[:] = "fingerprint-1", []
    run(instance)
    stored = Path(instance.storage_directory()) / "frame"
    stored.write_bytes(b"not a pickle")  # any read of it fails

    run(instance, selection=["reads_when_asked"])  # never called: never read
    with pytest.raises(pickle.UnpicklingError):
        run(instance, selection=["reads_at_once"])
    read_by_lazy[:] = ["read"]
    with pytest.raises(pickle.UnpicklingError):
        run(instance, selection=["reads_when_asked"])


def test_a_lazy_frame_reads_once(tmp_path):
    path = tmp_path / "frame"
    path.write_bytes(pickle.dumps(FRAME))
    lazy = LazyFrame(path)
    first = lazy()
    path.unlink()
    assert lazy() is first and first.equals(FRAME)
