"""Facts of the project itself that no deployment configures.

Everything a deployment can change is a field of a resource in fitness_assets/defs/resources.py,
the one place that reads the environment (docs/CONFIGURATION.md lists the variables).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2]
# sql/ lives at the repository root (a required top-level folder); an editable install keeps
# it reachable, and FITNESS_SQL_DIR overrides it for any other layout (e.g. a container image).
DEFAULT_SQL_DIR = PACKAGE_DIR.parent / "sql"
# The athlete of files dropped straight into the inbox (not under inbox/<athlete>/).
DEFAULT_ATHLETE = "default"
# The materialization metadata key under which each ingest asset reports what it changed:
# {"layer": ..., "counts": {source: {"new", "changed", "removed", "quarantined", "total"}}}.
# The ingest notification (lib/quality/ingest_summary.py) is built from these alone.
INGEST_COUNTS_KEY = "ingest_counts"
# Materialization and check metadata: a fingerprint of what an asset was made from, or of what a
# check judged (defs/quality/checks.py carries a check result forward while it is unchanged).
INPUTS_FINGERPRINT_KEY = "inputs_fingerprint"
