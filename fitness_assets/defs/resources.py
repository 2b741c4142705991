"""Every resource, bound once, configured from environment variables (lib/settings.py)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import sqlalchemy as sa
from pydantic import PrivateAttr

from fitness_assets.lib.corrections import Correction, load_corrections
from fitness_assets.lib.database import apply_migrations, resolve_database_url
from fitness_assets.lib.settings import Settings, load_settings


class WarehouseResource(dg.ConfigurableResource):
    """Our PostgreSQL tables: FITNESS_DATABASE_URL if set, else the embedded server under FITNESS_HOME.

    Migrations from sql/schema run once per process, before the first query.
    """

    database_url: str = ""
    fitness_home: str
    sql_dir: str

    _engine: sa.Engine | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        url = resolve_database_url(self.database_url, Path(self.fitness_home))
        self._engine = sa.create_engine(url, pool_pre_ping=True)
        apply_migrations(self._engine, Path(self.sql_dir) / "schema")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        if self._engine is not None:
            self._engine.dispose()

    @property
    def engine(self) -> sa.Engine:
        assert self._engine is not None, "WarehouseResource used outside of a Dagster execution"
        return self._engine

    @property
    def sql_path(self) -> Path:
        return Path(self.sql_dir)


class FitnessFilesResource(dg.ConfigurableResource):
    """Where exports arrive and where landed files, payloads and corrections live."""

    fitness_home: str
    inbox: str
    corrections_file: str
    diet_sqlite_table: str = ""

    @property
    def raw_zone(self) -> Path:
        return Path(self.fitness_home) / "raw"

    @property
    def payload_dir(self) -> Path:
        return Path(self.fitness_home) / "payloads"

    def corrections(self) -> list[Correction]:
        return load_corrections(Path(self.corrections_file))


def build_resources(settings: Settings | None = None) -> dict[str, dg.ConfigurableResource]:
    settings = settings or load_settings()
    return {
        "warehouse": WarehouseResource(database_url=settings.database_url, fitness_home=str(settings.home),
                                       sql_dir=str(settings.sql_dir)),
        "files": FitnessFilesResource(fitness_home=str(settings.home), inbox=str(settings.inbox),
                                      corrections_file=str(settings.corrections_file),
                                      diet_sqlite_table=settings.diet_sqlite_table),
    }
