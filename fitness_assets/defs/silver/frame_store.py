"""Where the silver frames live between steps: Dagster's filesystem IO manager's files, with two
savings for a re-run whose frames did not change (issue 15).

The frames are pickled to the same place, in the same format, as Dagster's default IO manager
(`<instance storage>/<asset key>`), so either can read what the other wrote. Beside each file, a
small `.made_of` file holds the inputs fingerprint of the frame in it (lib/silver/build.py::
silver_inputs_fingerprint: every landed file, correction, date bound and line of parser code the
frame is made of). Then:

- a frame whose fingerprint equals the stored one is not written again: the build is a function
  of that fingerprint (the parse cache relies on the same), so the file already holds it. On a
  million sets that is the 0.8–1.6 s of pickling 385 MiB per run;
- a step that may not need a frame declares the input as `LazyFrame` and reads it only when it
  is called: a check carried forward, or a load the warehouse already holds, never unpickles
  the million sets (0.9 s each, three steps of every unchanged re-run).
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import dagster as dg
import pandas as pd

from fitness_assets.lib.core.constants import INPUTS_FINGERPRINT_KEY

MADE_OF_SUFFIX = ".made_of"


class LazyFrame:
    """A stored frame, read at the first call (then kept for the step)."""

    def __init__(self, path: Path):
        self.path = path
        self._frame: pd.DataFrame | None = None

    def __call__(self) -> pd.DataFrame:
        if self._frame is None:
            with self.path.open("rb") as stored:
                self._frame = pickle.load(stored)
        return self._frame


def _wants_lazy(context: dg.InputContext) -> bool:
    try:
        return context.dagster_type.typing_type is LazyFrame
    except dg.DagsterInvariantViolationError:  # loaded outside a step (load_asset_value): no declared type
        return False


def _fingerprint(metadata) -> str | None:
    value = metadata.get(INPUTS_FINGERPRINT_KEY)
    value = getattr(value, "value", value)
    return value if isinstance(value, str) else None


def _stamp(made_of: str, path: Path) -> str | None:
    """The fingerprint with the file's size and modification time: a file written by anything else
    since (Dagster's own IO manager, a restore) no longer matches its stamp."""
    if not path.is_file():
        return None
    stat = path.stat()
    return f"{made_of} {stat.st_size} {stat.st_mtime_ns}"


def _stamp_file(path: Path) -> Path:
    return path.with_name(path.name + MADE_OF_SUFFIX)


def _holds(path: Path, made_of: str | None) -> bool:
    """Whether the file at `path` holds the frame made of `made_of`."""
    recorded = _stamp_file(path)
    return made_of is not None and recorded.is_file() and recorded.read_text() == _stamp(made_of, path)


class SilverFrameStore(dg.ConfigurableIOManager):
    """The silver frames' IO manager: Dagster's filesystem layout and pickles, written only when
    the frame's inputs fingerprint changed, read lazily by inputs declared as `LazyFrame`."""

    base_dir: str = ""  # empty: the Dagster instance's storage folder, as Dagster's own IO manager

    def _path(self, instance: dg.DagsterInstance, asset_key: dg.AssetKey) -> Path:
        return Path(self.base_dir or instance.storage_directory()).joinpath(*asset_key.path)

    def stored(self, instance: dg.DagsterInstance, asset_key: dg.AssetKey, made_of: str) -> LazyFrame | None:
        """The stored frame of `asset_key` when it is made of `made_of`, else None."""
        path = self._path(instance, asset_key)
        return LazyFrame(path) if _holds(path, made_of) else None

    def handle_output(self, context: dg.OutputContext, obj: pd.DataFrame | LazyFrame) -> None:
        """`obj` may be the stored frame itself (a LazyFrame: silver_frames carried forward)."""
        path = self._path(context.step_context.instance, context.asset_key)
        made_of = _fingerprint(context.output_metadata)
        if _holds(path, made_of):
            context.log.debug(f"{context.asset_key.to_user_string()}: stored frame already made of {made_of[:12]}")
            return
        if isinstance(obj, LazyFrame):
            obj = obj()  # read before the file is replaced (it may be this very file)
        path.parent.mkdir(parents=True, exist_ok=True)
        _stamp_file(path).unlink(missing_ok=True)  # until the new frame is in place, nothing vouches for it
        partial = path.with_name(path.name + ".partial")
        with partial.open("wb") as stored:
            pickle.dump(obj, stored, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(partial, path)
        if made_of is not None:
            _stamp_file(path).write_text(_stamp(made_of, path))

    def load_input(self, context: dg.InputContext) -> pd.DataFrame | LazyFrame:
        frame = LazyFrame(self._path(context.instance, context.asset_key))
        return frame if _wants_lazy(context) else frame()
