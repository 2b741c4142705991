"""The resources are the configuration: each field has its one default here, and
`configuration_from` reads the environment into them (docs/CONFIGURATION.md lists the variables).

Secrets are bound as dg.EnvVar, so Dagster records and shows the variable's name, never its value
(run snapshots, the UI's resource config); Dagster resolves them when a resource is built.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import sqlalchemy as sa
from dagster_aws.s3 import S3Resource
from pydantic import PrivateAttr

from fitness_assets.defs.partitions import TIMEZONE
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.quality.alerts import Notice, deliver
from fitness_assets.lib.raw.hevy_api import DEFAULT_BASE_URL, HevyApiSettings
from fitness_assets.lib.reports.bedrock import (
    WrittenReport,
    bedrock_client,
    write_with_bedrock,
)
from fitness_assets.lib.reports.template import ENGINE as TEMPLATE_ENGINE
from fitness_assets.lib.reports.template import write_report
from fitness_assets.lib.silver.corrections import Correction, load_corrections
from fitness_assets.lib.silver.snapshots import DateBounds
from fitness_assets.lib.warehouse.database import apply_migrations, resolve_database_url


class WarehouseResource(dg.ConfigurableResource):
    """Our PostgreSQL tables: FITNESS_DATABASE_URL if set, else the embedded server under FITNESS_HOME.

    Migrations from sql/warehouse/schema run once per process, before the first query.
    """

    database_url: str = ""          # a secret (its password): bound as dg.EnvVar
    fitness_home: str = ".fitness"
    sql_dir: str = str(DEFAULT_SQL_DIR)

    _engine: sa.Engine | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        url = resolve_database_url(self.database_url, Path(self.fitness_home))
        self._engine = sa.create_engine(url, pool_pre_ping=True)
        apply_migrations(self._engine, Path(self.sql_dir) / "warehouse" / "schema")

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

    fitness_home: str = ".fitness"
    inbox: str = "inbox"
    corrections_file: str = "corrections.yaml"
    diet_sqlite_table: str = ""    # empty: the one table that looks like a diet log
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


class QualityResource(dg.ConfigurableResource):
    """Tolerances of the data-quality checks (FITNESS_CALORIE_TOLERANCE and friends)."""

    calorie_tolerance: float = 0.01          # |kcal - (4c + 4p + 9f)| / (4c + 4p + 9f)
    bodyweight_jump_kg: float = 2.5          # between consecutive calendar days
    outlier_iqr_k: float = 3.0               # Tukey fences: Q1 - k·IQR, Q3 + k·IQR
    outlier_min_sets: int = 8                # fewer earlier sets of the exercise: not judged
    outlier_recent_sets: int = 30            # a set is judged against this many sets before it
    outlier_ratio: float = 3.0               # … and flagged only this many times above/below their median
    workout_min_minutes: float = 10.0
    workout_max_minutes: float = 240.0
    # A date before this year (or after today) is a typo, not history: quarantined, never loaded.
    earliest_year: int = 1990
    # The removal guard: a new export that would remove more than this share of an athlete's
    # loaded workouts (or diet days), and at least `min_removed_rows` of them, writes nothing
    # until confirmed for one run.
    max_removed_share: float = 0.10
    min_removed_rows: int = 3
    # Run config sets this for one run (the CLI's --allow-removals does). No environment variable:
    # set in a shell or the daemon, it would confirm every run for good.
    allow_removals: bool = False
    timezone: str = TIMEZONE                 # "future" is judged in the athlete's time zone

    def today(self) -> date:
        """'Future' is judged in the athlete's time zone, not the server's."""
        return datetime.now(ZoneInfo(self.timezone)).date()

    def date_bounds(self) -> DateBounds:
        return DateBounds(today=self.today(), earliest_year=self.earliest_year, timezone=self.timezone)


class NotifierResource(dg.ConfigurableResource):
    """Sends alerts and ingest notifications to the configured channels: log (always available),
    webhook, sns."""

    channels: str = "log"                    # comma-separated: log, webhook, sns
    webhook_url: str = ""                    # a secret (its path is the credential): bound as dg.EnvVar
    sns_topic_arn: str = ""
    aws_region: str = ""                     # empty: boto3's chain decides
    ui_url: str = "http://localhost:3000"
    resend_unchanged: bool = False
    # Who answers for the assets (the catalog's owners): comma-separated e-mails or team:<name>.
    asset_owners: str = "team:fitness-data"

    def send(self, alert: Notice, log, always_log: bool = False) -> list[str]:
        """Deliver to every channel (and the log too when `always_log`); returns the channels that took it."""
        return deliver(alert, self, log, always_log=always_log)


class ReportWriterResource(dg.ConfigurableResource):
    """Writes one report per payload: the template writer, or Amazon Bedrock's Converse API."""

    engine: str = TEMPLATE_ENGINE            # or "bedrock" (chosen from the environment once a model is set)
    model_id: str = ""
    region: str = ""
    endpoint_url: str = ""
    max_tokens: int = 1500
    temperature: float = 0.0
    timeout_seconds: float = 60.0
    max_attempts: int = 5
    price_per_1k_input: float = 0.0
    price_per_1k_output: float = 0.0

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


class ClassifierResource(dg.ConfigurableResource):
    """Parameters of the run/walk classifier (lib/insights/classify.py): changing one and
    re-materializing `activity_classification` relabels every activity (the model version changes)."""

    k: int = 0                                   # clusters: 2, 3, or 0 = the better silhouette of 2 and 3
    random_state: int = 42                       # K-means seed: same data, same labels
    run_max_pace_min_per_km: float = 7.456       # 12 min/mi: the pace rule's "run" (and a run centroid)
    walk_min_pace_min_per_km: float = 11.185     # 18 min/mi: the pace rule's "walk" (and a walk centroid)
    min_pace_min_per_km: float = 2.5             # faster is not on foot: an outlier
    max_pace_min_per_km: float = 60.0            # slower is a paused or forgotten recording: an outlier
    min_activities: int = 5                      # fewer per athlete: era default or pace rules, no K-means
    change_point_penalty: float = 3.0            # life-event break kept when its l2 gain ≥ penalty · 2 · ln(weeks)
    life_event_date: str = ""                    # YYYY-MM-DD overrides the detected change point; '' = detect


class HevyApiResource(dg.ConfigurableResource):
    """The Hevy API (Hevy Pro): where it is, the key, page sizes and how long to keep trying.

    The sync is off while `api_key` is empty. Page sizes are checked against the API's maxima
    (10 for workouts and events, 100 for templates) when the settings are built."""

    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""                        # a secret: bound as dg.EnvVar
    workouts_page_size: int = 10             # also the events page
    exercise_templates_page_size: int = 100
    routines_page_size: int = 10
    timeout_seconds: float = 30.0
    max_attempts: int = 5                    # 429 (after Retry-After), 5xx, timeouts, dropped connections
    backoff_seconds: float = 1.0             # exponential: 1, 2, 4 … seconds between attempts
    max_retry_delay_seconds: float = 60.0

    @property
    def enabled(self) -> bool:
        return bool(self._key())

    def _key(self) -> str:
        key = self.api_key
        return (key.get_value() or "") if isinstance(key, dg.EnvVar) else key

    def settings(self) -> HevyApiSettings:
        return HevyApiSettings(
            base_url=self.base_url.rstrip("/"), api_key=self._key(), workouts_page_size=self.workouts_page_size,
            exercise_templates_page_size=self.exercise_templates_page_size,
            routines_page_size=self.routines_page_size, timeout_seconds=self.timeout_seconds,
            max_attempts=self.max_attempts, backoff_seconds=self.backoff_seconds,
            max_retry_delay_seconds=self.max_retry_delay_seconds)


class InsightsResource(dg.ConfigurableResource):
    """Settings of the insight tables (lib/insights/): consistency, trends, anomalies. Each
    asset's metadata shows the values it ran with; a changed value rewrites only the rows it changes."""

    consistency_window_weeks: int = 8            # trailing weeks the consistency dimensions look at
    streak_target_weeks: int = 8                 # weeks in a row that give the streak dimension full marks
    trend_windows_weeks: list[int] = [12, 26, 52]  # noqa: RUF012 - pydantic copies defaults; one fit per window
    forecast_weeks: int = 8                      # weeks forecast after each series' last week
    main_lifts: int = 5                          # lifts per athlete with a top-weight trend (most weeks trained)
    iqr_k: float = 1.5                           # Tukey's fences: Q1 − k·IQR, Q3 + k·IQR
    zscore_threshold: float = 3.0                # |x − mean| / σ above this is flagged
    modified_zscore_threshold: float = 3.5       # |0.6745 (x − median) / MAD| above this (Iglewicz–Hoaglin)
    anomaly_min_group: int = 8                   # smaller groups of like values are not judged


class FitnessS3Resource(S3Resource):
    """dagster-aws's S3 resource, with its client built when a step asks for one (`get_client()`).

    dagster-aws builds a boto3 client for every step that declares the resource, to hand to
    `context.resources.s3`; nothing here reads that, and without FITNESS_S3_BUCKET no step calls
    S3 at all, yet `raw_exports` paid ~0.25 s for the client on every run."""

    def get_object_to_set_on_execution_context(self) -> FitnessS3Resource:
        return self


@dataclass(frozen=True)
class Variable:
    """One environment variable: the resource field it sets. `fallbacks` are read, in order, when
    it is unset; a secret is bound as dg.EnvVar so its value is never recorded."""
    name: str
    resource: str
    field: str
    fallbacks: tuple[str, ...] = ()
    secret: bool = False
    path: bool = False
    empty_is_a_value: bool = False   # set but empty means "empty", not "the default"


# Every variable the project reads, in one place (docs/CONFIGURATION.md explains each).
VARIABLES = (
    Variable("FITNESS_HOME", "files", "fitness_home", path=True),
    Variable("FITNESS_INBOX", "files", "inbox", path=True),
    Variable("FITNESS_CORRECTIONS", "files", "corrections_file", path=True),
    Variable("FITNESS_DIET_SQLITE_TABLE", "files", "diet_sqlite_table"),
    Variable("FITNESS_S3_BUCKET", "files", "s3_bucket"),
    Variable("FITNESS_S3_PREFIX", "files", "s3_prefix", empty_is_a_value=True),
    Variable("FITNESS_S3_INBOX_PREFIX", "files", "s3_inbox_prefix"),
    Variable("FITNESS_HOME", "warehouse", "fitness_home", path=True),
    Variable("FITNESS_DATABASE_URL", "warehouse", "database_url", secret=True),
    Variable("FITNESS_SQL_DIR", "warehouse", "sql_dir", path=True),
    Variable("FITNESS_CALORIE_TOLERANCE", "quality", "calorie_tolerance"),
    Variable("FITNESS_BODYWEIGHT_JUMP_KG", "quality", "bodyweight_jump_kg"),
    Variable("FITNESS_OUTLIER_IQR_K", "quality", "outlier_iqr_k"),
    Variable("FITNESS_OUTLIER_MIN_SETS", "quality", "outlier_min_sets"),
    Variable("FITNESS_OUTLIER_RECENT_SETS", "quality", "outlier_recent_sets"),
    Variable("FITNESS_OUTLIER_RATIO", "quality", "outlier_ratio"),
    Variable("FITNESS_WORKOUT_MIN_MINUTES", "quality", "workout_min_minutes"),
    Variable("FITNESS_WORKOUT_MAX_MINUTES", "quality", "workout_max_minutes"),
    Variable("FITNESS_EARLIEST_YEAR", "quality", "earliest_year"),
    Variable("FITNESS_MAX_REMOVED_SHARE", "quality", "max_removed_share"),
    Variable("FITNESS_MIN_REMOVED_ROWS", "quality", "min_removed_rows"),
    Variable("FITNESS_TIMEZONE", "quality", "timezone"),
    Variable("FITNESS_ALERT_CHANNELS", "notifier", "channels"),
    Variable("FITNESS_ALERT_WEBHOOK_URL", "notifier", "webhook_url", secret=True),
    Variable("FITNESS_ALERT_SNS_TOPIC_ARN", "notifier", "sns_topic_arn"),
    Variable("FITNESS_AWS_REGION", "notifier", "aws_region", ("AWS_REGION", "AWS_DEFAULT_REGION")),
    Variable("FITNESS_UI_URL", "notifier", "ui_url"),
    Variable("FITNESS_ALERT_RESEND_UNCHANGED", "notifier", "resend_unchanged"),
    Variable("FITNESS_ASSET_OWNERS", "notifier", "asset_owners"),
    Variable("FITNESS_REPORT_ENGINE", "report_writer", "engine"),
    Variable("FITNESS_BEDROCK_MODEL_ID", "report_writer", "model_id"),
    Variable("FITNESS_BEDROCK_REGION", "report_writer", "region", ("FITNESS_AWS_REGION", "AWS_REGION")),
    Variable("FITNESS_BEDROCK_ENDPOINT_URL", "report_writer", "endpoint_url"),
    Variable("FITNESS_BEDROCK_MAX_TOKENS", "report_writer", "max_tokens"),
    Variable("FITNESS_BEDROCK_TEMPERATURE", "report_writer", "temperature"),
    Variable("FITNESS_BEDROCK_TIMEOUT_SECONDS", "report_writer", "timeout_seconds"),
    Variable("FITNESS_BEDROCK_MAX_ATTEMPTS", "report_writer", "max_attempts"),
    Variable("FITNESS_BEDROCK_PRICE_PER_1K_INPUT", "report_writer", "price_per_1k_input"),
    Variable("FITNESS_BEDROCK_PRICE_PER_1K_OUTPUT", "report_writer", "price_per_1k_output"),
    Variable("FITNESS_CLASSIFIER_K", "classifier", "k"),
    Variable("FITNESS_CLASSIFIER_RANDOM_STATE", "classifier", "random_state"),
    Variable("FITNESS_CLASSIFIER_RUN_MAX_PACE", "classifier", "run_max_pace_min_per_km"),
    Variable("FITNESS_CLASSIFIER_WALK_MIN_PACE", "classifier", "walk_min_pace_min_per_km"),
    Variable("FITNESS_CLASSIFIER_MIN_PACE", "classifier", "min_pace_min_per_km"),
    Variable("FITNESS_CLASSIFIER_MAX_PACE", "classifier", "max_pace_min_per_km"),
    Variable("FITNESS_CLASSIFIER_MIN_ACTIVITIES", "classifier", "min_activities"),
    Variable("FITNESS_CLASSIFIER_CHANGE_POINT_PENALTY", "classifier", "change_point_penalty"),
    Variable("FITNESS_CLASSIFIER_LIFE_EVENT_DATE", "classifier", "life_event_date"),
    Variable("HEVY_API_BASE_URL", "hevy_api", "base_url"),
    Variable("HEVY_API_KEY", "hevy_api", "api_key", secret=True),
    Variable("HEVY_API_TIMEOUT_SECONDS", "hevy_api", "timeout_seconds"),
    Variable("HEVY_API_MAX_ATTEMPTS", "hevy_api", "max_attempts"),
    Variable("FITNESS_CONSISTENCY_WINDOW_WEEKS", "insights", "consistency_window_weeks"),
    Variable("FITNESS_STREAK_TARGET_WEEKS", "insights", "streak_target_weeks"),
    Variable("FITNESS_TREND_WINDOWS_WEEKS", "insights", "trend_windows_weeks"),
    Variable("FITNESS_FORECAST_WEEKS", "insights", "forecast_weeks"),
    Variable("FITNESS_MAIN_LIFTS", "insights", "main_lifts"),
    Variable("FITNESS_ANOMALY_IQR_K", "insights", "iqr_k"),
    Variable("FITNESS_ANOMALY_ZSCORE", "insights", "zscore_threshold"),
    Variable("FITNESS_ANOMALY_MODIFIED_ZSCORE", "insights", "modified_zscore_threshold"),
    Variable("FITNESS_ANOMALY_MIN_GROUP", "insights", "anomaly_min_group"),
    # dagster-aws's S3 resource (boto3 reads credentials and AWS_ENDPOINT_URL_S3): never the Bedrock
    # region, which may differ from the bucket's. Unset: boto3's chain decides.
    Variable("FITNESS_AWS_REGION", "s3", "region_name", ("AWS_REGION", "AWS_DEFAULT_REGION")),
)
RESOURCE_TYPES: dict[str, type[dg.ConfigurableResource]] = {
    "warehouse": WarehouseResource, "files": FitnessFilesResource, "quality": QualityResource,
    "notifier": NotifierResource, "report_writer": ReportWriterResource, "s3": FitnessS3Resource,
    "classifier": ClassifierResource, "hevy_api": HevyApiResource, "insights": InsightsResource,
}
_TRUE = ("1", "true", "yes")


def _value(variable: Variable, raw: str, resource_type: type) -> object:
    if variable.path:
        return str(Path(raw).resolve())
    annotation = resource_type.model_fields[variable.field].annotation
    if annotation in (bool, "bool"):
        return raw.strip().lower() in _TRUE
    if annotation in (list[int], "list[int]"):  # "12,26,52"; pydantic converts (and rejects) each item
        return [item.strip() for item in raw.split(",") if item.strip()]
    return raw  # pydantic converts numbers; a malformed one fails naming the field


@dataclass(frozen=True)
class Configuration:
    """The resources of one environment, plus the few facts the CLI needs before Dagster runs."""
    warehouse: WarehouseResource
    files: FitnessFilesResource
    quality: QualityResource
    notifier: NotifierResource
    report_writer: ReportWriterResource
    s3: FitnessS3Resource
    classifier: ClassifierResource
    hevy_api: HevyApiResource
    insights: InsightsResource

    def resources(self) -> dict[str, dg.ConfigurableResource]:
        return {key: getattr(self, key) for key in RESOURCE_TYPES}

    def with_fields(self, resource: str, **fields) -> "Configuration":
        """A copy with some fields of one resource changed (tests; one run's confirmation)."""
        current = getattr(self, resource)
        return replace(self, **{resource: type(current)(**{**current.model_dump(exclude_unset=True), **fields})})

    @property
    def home(self) -> Path:
        return Path(self.files.fitness_home)

    @property
    def inbox(self) -> Path:
        return Path(self.files.inbox)

    @property
    def raw_zone(self) -> Path:
        return self.files.raw_zone

    @property
    def payload_dir(self) -> Path:
        return self.files.payload_dir

    @property
    def report_dir(self) -> Path:
        return self.files.report_dir

    @property
    def database_url(self) -> str:
        """The URL itself, for the CLI's own connections (never printed: lib/core/redact.py)."""
        url = self.warehouse.database_url
        return (url.get_value() or "") if isinstance(url, dg.EnvVar) else url

    @property
    def dagster_home(self) -> Path:
        return Path(os.environ.get("DAGSTER_HOME") or self.home / "dagster")


def configuration_from(environ: Mapping[str, str] | None = None) -> Configuration:
    """The resources configured by `environ` (default: this process's environment). A secret is
    bound as dg.EnvVar when this process's environment holds that value; a value given only in
    `environ` (tests) stays a plain string, since Dagster could not resolve the variable."""
    env = os.environ if environ is None else environ
    fields: dict[str, dict[str, object]] = {key: {} for key in RESOURCE_TYPES}
    for variable in VARIABLES:
        name = next((n for n in (variable.name, *variable.fallbacks)
                     if env.get(n) or (variable.empty_is_a_value and n in env)), None)
        resource_type = RESOURCE_TYPES[variable.resource]
        if name is None:
            if variable.path:  # relative defaults are relative to where the command started
                fields[variable.resource][variable.field] = _value(
                    variable, resource_type.model_fields[variable.field].default, resource_type)
            continue
        raw = env[name]
        secret_bound = variable.secret and os.environ.get(name) == raw
        fields[variable.resource][variable.field] = (dg.EnvVar(name) if secret_bound
                                                      else _value(variable, raw, resource_type))
    # Two defaults follow another variable rather than a constant.
    if not env.get("FITNESS_REPORT_ENGINE") and env.get("FITNESS_BEDROCK_MODEL_ID"):
        fields["report_writer"]["engine"] = "bedrock"
    if not env.get("FITNESS_S3_INBOX_PREFIX") and "FITNESS_S3_PREFIX" in env:
        fields["files"]["s3_inbox_prefix"] = f"{env['FITNESS_S3_PREFIX']}-inbox/"
    if "ui_url" in fields["notifier"]:
        fields["notifier"]["ui_url"] = str(fields["notifier"]["ui_url"]).rstrip("/")
    return Configuration(**{key: RESOURCE_TYPES[key](**values) for key, values in fields.items()})


def build_resources(configuration: Configuration | None = None) -> dict[str, dg.ConfigurableResource]:
    return (configuration or configuration_from()).resources()
