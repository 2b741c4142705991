"""The generator's bytes are pinned: the pipeline's payload and report hashes are computed on the
sample, and the benchmark's figures on the bench exports. A change that moves a byte fails here;
if it is meant, regenerate on purpose and update the digests (and the payload/report hashes)."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

from tools.generate import write_exports

REPO = Path(__file__).resolve().parents[2]
SAMPLE_SHA256 = {  # `python -m tools.generate --out DIR`, seed 7
    "hevy_workouts.csv": "6850573f51a97cc1a894eae013e6434fae34c135882b06141eeca396f332c2d0",
    "diet_log.csv": "0dff7cb9c92f3267ea61a426008b925f93dcebe961a9c30a4f9383cd9ffcddef",
    "user48613207_workout_history.csv": "d98ad3495415c2abb03d4716bd1a09a161ab264101c9c8500a506bae841e0d7d",
}
# The same MapMyRun activities under the other two headers (--mapmyrun-header); Hevy and diet unchanged.
MAPMYRUN_VARIANT_SHA256 = {
    "metric": "8004355b9ae9540f877044c25baa26d28be82325cd58bd0137e71cb99cec4b6b",
    "oldest": "cd52b1f016ee4438dd47ef9da36e1e95bab132772e7c57c2af810fbbbfd06ec9",
}
BENCH_SHA256 = {  # write_exports(DIR, athletes=2, sets=3_001, seed=3)
    "athlete_01/hevy_workouts.csv": "e743a54a8a337cfbd7e77d289b2dc82c73e6a3e048f757dcd10b3f94b4415d61",
    "athlete_01/diet_log.csv": "c1d23c7a716f294a06175009bc440793043ce1d931bb434e943e03338fe14cd5",
    "athlete_02/hevy_workouts.csv": "e577230a088c8cf6241e14970fcea70e7a21bc6c2ea3f09789ed5d22e05e1a18",
    "athlete_02/diet_log.csv": "d253d325f801ab4979140d2940b2e5d81089e067fb3d7b9e442da62090d11ed2",
}


def digests(folder: Path) -> dict[str, str]:
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_sample_command_writes_the_pinned_bytes(tmp_path):
    """As `make run` writes it: from the repository root, with the installed interpreter."""
    completed = subprocess.run([sys.executable, "-m", "tools.generate", "--out", str(tmp_path / "inbox")],
                               cwd=REPO, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert digests(tmp_path / "inbox") == SAMPLE_SHA256


def test_each_mapmyrun_header_keeps_its_bytes(tmp_path):
    for variant, digest in MAPMYRUN_VARIANT_SHA256.items():
        written = write_exports(tmp_path / variant, mapmyrun_header=variant)
        assert digests(tmp_path / variant) == {**SAMPLE_SHA256, "user48613207_workout_history.csv": digest}
        assert [p.name for p in written] == list(SAMPLE_SHA256)


def test_the_bench_exports_keep_their_bytes(tmp_path):
    written = write_exports(tmp_path, athletes=2, sets=3_001, seed=3)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == list(BENCH_SHA256)
    assert digests(tmp_path) == BENCH_SHA256
