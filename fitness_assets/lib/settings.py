"""Every environment variable the project reads, with its default, in one place.

docs/CONFIGURATION.md documents the same list for users.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[1]
# sql/ lives at the repository root (a required top-level folder); an editable install keeps
# it reachable, and FITNESS_SQL_DIR overrides it for any other layout (e.g. a container image).
DEFAULT_SQL_DIR = PACKAGE_DIR.parent / "sql"
DEFAULT_ATHLETE = "default"


@dataclass(frozen=True)
class Settings:
    home: Path
    inbox: Path
    database_url: str
    sql_dir: Path
    weeks_start: str
    timezone: str
    corrections_file: Path
    diet_sqlite_table: str

    @property
    def raw_zone(self) -> Path:
        return self.home / "raw"

    @property
    def payload_dir(self) -> Path:
        return self.home / "payloads"

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.home / "dagster")


def load_settings(environ: dict[str, str] | None = None) -> Settings:
    env = os.environ if environ is None else environ
    home = Path(env.get("FITNESS_HOME") or ".fitness").resolve()
    return Settings(
        home=home,
        inbox=Path(env.get("FITNESS_INBOX") or "inbox").resolve(),
        database_url=env.get("FITNESS_DATABASE_URL", ""),
        sql_dir=Path(env.get("FITNESS_SQL_DIR") or DEFAULT_SQL_DIR).resolve(),
        weeks_start=env.get("FITNESS_WEEKS_START") or "2015-01-05",
        timezone=env.get("FITNESS_TIMEZONE") or "UTC",
        corrections_file=Path(env.get("FITNESS_CORRECTIONS") or "corrections.yaml").resolve(),
        diet_sqlite_table=env.get("FITNESS_DIET_SQLITE_TABLE") or "",
    )
