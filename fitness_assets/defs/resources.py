"""Every resource, bound once, configured from environment variables (lib/core/settings.py)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import sqlalchemy as sa
from dagster_aws.s3 import S3Resource
from pydantic import PrivateAttr

from fitness_assets.lib.quality.alerts import Alert, deliver
from fitness_assets.lib.silver.corrections import Correction, load_corrections
from fitness_assets.lib.warehouse.database import apply_migrations, resolve_database_url
from fitness_assets.lib.reports.bedrock import WrittenReport, bedrock_client, write_with_bedrock
from fitness_assets.lib.reports.template import ENGINE as TEMPLATE_ENGINE
from fitness_assets.lib.reports.template import write_report
from fitness_assets.lib.core.settings import AlertSettings, QualitySettings, ReportSettings, Settings, load_settings
from fitness_assets.lib.silver.snapshots import DateBounds


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

    def query_engine(self) -> sa.Engine:
        """The engine, also outside asset execution (sensors get resources without setup)."""
        if self._engine is None:
            self._engine = sa.create_engine(resolve_database_url(self.database_url, Path(self.fitness_home)),
                                            pool_pre_ping=True)
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
    s3_bucket: str = ""          # publishing is on when set
    s3_prefix: str = "fitness"
    s3_inbox_prefix: str = "fitness-inbox/"  # the S3 export sensor watches this prefix

    @property
    def raw_zone(self) -> Path:
        return Path(self.fitness_home) / "raw"

    @property
    def silver_cache(self) -> Path:
        """Parsed snapshots by content (lib/silver/build.py): derived data, safe to delete."""
        return Path(self.fitness_home) / "silver_cache"

    @property
    def payload_dir(self) -> Path:
        return Path(self.fitness_home) / "payloads"

    @property
    def report_dir(self) -> Path:
        return Path(self.fitness_home) / "reports"

    def corrections(self) -> list[Correction]:
        return load_corrections(Path(self.corrections_file))


# The three resources below mirror dataclasses of lib/core/settings.py, which own the defaults
# (the rules and the alert code take those dataclasses, and do not depend on Dagster).
class QualityResource(dg.ConfigurableResource):
    """Tolerances of the data-quality checks (FITNESS_CALORIE_TOLERANCE and friends)."""

    calorie_tolerance: float = QualitySettings.calorie_tolerance
    bodyweight_jump_kg: float = QualitySettings.bodyweight_jump_kg
    outlier_iqr_k: float = QualitySettings.outlier_iqr_k
    outlier_min_sets: int = QualitySettings.outlier_min_sets
    workout_min_minutes: float = QualitySettings.workout_min_minutes
    workout_max_minutes: float = QualitySettings.workout_max_minutes
    earliest_year: int = QualitySettings.earliest_year
    max_removed_share: float = QualitySettings.max_removed_share
    min_removed_rows: int = QualitySettings.min_removed_rows
    # Run config can set this for one run (the CLI's --allow-removals does) to confirm a large removal.
    allow_removals: bool = QualitySettings.allow_removals
    timezone: str = "UTC"

    @property
    def settings(self) -> QualitySettings:
        return QualitySettings(**self.model_dump(exclude={"timezone"}))

    def today(self) -> date:
        """'Future' is judged in the athlete's time zone, not the server's."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    def date_bounds(self) -> DateBounds:
        return DateBounds(today=self.today(), earliest_year=self.earliest_year, timezone=self.timezone)


class NotifierResource(dg.ConfigurableResource):
    """Sends alerts to the configured channels: log (always available), webhook, sns."""

    channels: str = AlertSettings.channels
    webhook_url: str = AlertSettings.webhook_url
    sns_topic_arn: str = AlertSettings.sns_topic_arn
    aws_region: str = AlertSettings.aws_region
    ui_url: str = AlertSettings.ui_url
    resend_unchanged: bool = AlertSettings.resend_unchanged

    @property
    def settings(self) -> AlertSettings:
        return AlertSettings(**self.model_dump())

    def send(self, alert: Alert, log) -> list[str]:
        """Deliver to every channel; returns the channels that took it."""
        return deliver(alert, self.settings, log)


class ReportWriterResource(dg.ConfigurableResource):
    """Writes one report per payload: the template writer, or Amazon Bedrock's Converse API."""

    engine: str = ReportSettings.engine
    model_id: str = ReportSettings.model_id
    region: str = ReportSettings.region
    endpoint_url: str = ReportSettings.endpoint_url
    max_tokens: int = ReportSettings.max_tokens
    temperature: float = ReportSettings.temperature
    timeout_seconds: float = ReportSettings.timeout_seconds
    max_attempts: int = ReportSettings.max_attempts
    price_per_1k_input: float = ReportSettings.price_per_1k_input
    price_per_1k_output: float = ReportSettings.price_per_1k_output

    _client: object = PrivateAttr(default=None)

    def write(self, payload: dict) -> WrittenReport:
        if self.engine == TEMPLATE_ENGINE:
            return WrittenReport(write_report(payload), TEMPLATE_ENGINE)
        if self.engine != "bedrock" or not self.model_id:
            raise ValueError(f"FITNESS_REPORT_ENGINE={self.engine!r} needs 'template', or 'bedrock' with "
                             "FITNESS_BEDROCK_MODEL_ID set")
        if self._client is None:
            self._client = bedrock_client(self.region, self.endpoint_url, self.timeout_seconds, self.max_attempts)
        return write_with_bedrock(self._client, payload, self.model_id, self.max_tokens, self.temperature,
                                  self.price_per_1k_input, self.price_per_1k_output)


def from_environment(variable: str, value: str) -> str | dg.EnvVar:
    """A secret read from the environment is bound as dg.EnvVar: Dagster then records and shows
    the variable's name, never its value (job snapshots in run storage, the UI's resource config).
    Dagster resolves it when the resource is built. A value given otherwise (tests pass their own
    settings) stays a plain string."""
    if value and os.environ.get(variable) == value:
        return dg.EnvVar(variable)
    return value


def build_resources(settings: Settings | None = None) -> dict[str, dg.ConfigurableResource]:
    settings = settings or load_settings()
    alerts = {**vars(settings.alerts),
              "webhook_url": from_environment("FITNESS_ALERT_WEBHOOK_URL", settings.alerts.webhook_url)}
    return {
        "warehouse": WarehouseResource(database_url=from_environment("FITNESS_DATABASE_URL", settings.database_url),
                                       fitness_home=str(settings.home), sql_dir=str(settings.sql_dir)),
        "files": FitnessFilesResource(fitness_home=str(settings.home), inbox=str(settings.inbox),
                                      corrections_file=str(settings.corrections_file),
                                      diet_sqlite_table=settings.diet_sqlite_table,
                                      s3_bucket=settings.s3_bucket, s3_prefix=settings.s3_prefix,
                                      s3_inbox_prefix=settings.s3_inbox_prefix),
        "quality": QualityResource(**vars(settings.quality), timezone=settings.timezone),
        "notifier": NotifierResource(**alerts),
        "report_writer": ReportWriterResource(**vars(settings.reports)),
        # dagster-aws's S3 resource; boto3 reads credentials and AWS_ENDPOINT_URL_S3. The region is
        # FITNESS_AWS_REGION / AWS_REGION / AWS_DEFAULT_REGION (unset: boto3's chain), never the
        # Bedrock region, which may differ from the bucket's.
        "s3": S3Resource(region_name=settings.alerts.aws_region or None),
    }
