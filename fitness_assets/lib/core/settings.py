"""Every environment variable the project reads, with its default, in one place.

docs/CONFIGURATION.md documents the same list for users.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parents[2]
# sql/ lives at the repository root (a required top-level folder); an editable install keeps
# it reachable, and FITNESS_SQL_DIR overrides it for any other layout (e.g. a container image).
DEFAULT_SQL_DIR = PACKAGE_DIR.parent / "sql"
DEFAULT_ATHLETE = "default"


@dataclass(frozen=True)
class QualitySettings:
    """Tolerances of the data-quality checks (README, "Data-quality checks")."""
    calorie_tolerance: float = 0.01          # |kcal - (4c + 4p + 9f)| / (4c + 4p + 9f)
    bodyweight_jump_kg: float = 2.5          # between consecutive calendar days
    outlier_iqr_k: float = 3.0               # Tukey fences: Q1 - k·IQR, Q3 + k·IQR
    outlier_min_sets: int = 8                # smaller groups have no meaningful quartiles
    workout_min_minutes: float = 10.0
    workout_max_minutes: float = 240.0
    # A date before this year (or after today) is a typo, not history: quarantined, never loaded.
    earliest_year: int = 1990
    # The removal guard: a new export that would remove more than this share of an athlete's
    # loaded workouts (or diet days), and at least `min_removed_rows` of them, writes nothing
    # until confirmed for one run (`fitness run --allow-removals`, or the run's config). No
    # environment variable: set in a shell or the daemon, it would confirm every run for good.
    max_removed_share: float = 0.10
    min_removed_rows: int = 3
    allow_removals: bool = False


@dataclass(frozen=True)
class AlertSettings:
    """Where failed checks and failed runs are reported (README, "Alerts")."""
    channels: str = "log"                    # comma-separated: log, webhook, sns
    webhook_url: str = ""
    sns_topic_arn: str = ""
    aws_region: str = ""
    ui_url: str = "http://localhost:3000"
    resend_unchanged: bool = False


@dataclass(frozen=True)
class ReportSettings:
    """How weekly reports are written (README, "Weekly reports")."""
    engine: str = "template"                 # "template", or "bedrock" (the default once a model is set)
    model_id: str = ""
    region: str = ""
    endpoint_url: str = ""
    max_tokens: int = 1500
    temperature: float = 0.0
    timeout_seconds: float = 60.0
    max_attempts: int = 5
    price_per_1k_input: float = 0.0
    price_per_1k_output: float = 0.0


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
    quality: QualitySettings
    alerts: AlertSettings
    reports: ReportSettings
    s3_bucket: str
    s3_prefix: str
    s3_inbox_prefix: str

    @property
    def raw_zone(self) -> Path:
        return self.home / "raw"

    @property
    def payload_dir(self) -> Path:
        return self.home / "payloads"

    @property
    def report_dir(self) -> Path:
        return self.home / "reports"

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
        quality=QualitySettings(
            calorie_tolerance=float(env.get("FITNESS_CALORIE_TOLERANCE") or 0.01),
            bodyweight_jump_kg=float(env.get("FITNESS_BODYWEIGHT_JUMP_KG") or 2.5),
            outlier_iqr_k=float(env.get("FITNESS_OUTLIER_IQR_K") or 3.0),
            outlier_min_sets=int(env.get("FITNESS_OUTLIER_MIN_SETS") or 8),
            workout_min_minutes=float(env.get("FITNESS_WORKOUT_MIN_MINUTES") or 10),
            workout_max_minutes=float(env.get("FITNESS_WORKOUT_MAX_MINUTES") or 240),
            earliest_year=int(env.get("FITNESS_EARLIEST_YEAR") or 1990),
            max_removed_share=float(env.get("FITNESS_MAX_REMOVED_SHARE") or 0.10),
            min_removed_rows=int(env.get("FITNESS_MIN_REMOVED_ROWS") or 3),
        ),
        alerts=AlertSettings(
            channels=env.get("FITNESS_ALERT_CHANNELS") or "log",
            webhook_url=env.get("FITNESS_ALERT_WEBHOOK_URL", ""),
            sns_topic_arn=env.get("FITNESS_ALERT_SNS_TOPIC_ARN", ""),
            aws_region=env.get("FITNESS_AWS_REGION") or env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "",
            ui_url=(env.get("FITNESS_UI_URL") or "http://localhost:3000").rstrip("/"),
            resend_unchanged=(env.get("FITNESS_ALERT_RESEND_UNCHANGED") or "").lower() in ("1", "true", "yes"),
        ),
        reports=ReportSettings(
            engine=env.get("FITNESS_REPORT_ENGINE") or ("bedrock" if env.get("FITNESS_BEDROCK_MODEL_ID") else "template"),
            model_id=env.get("FITNESS_BEDROCK_MODEL_ID", ""),
            region=env.get("FITNESS_BEDROCK_REGION") or env.get("FITNESS_AWS_REGION") or env.get("AWS_REGION") or "",
            endpoint_url=env.get("FITNESS_BEDROCK_ENDPOINT_URL", ""),
            max_tokens=int(env.get("FITNESS_BEDROCK_MAX_TOKENS") or 1500),
            temperature=float(env.get("FITNESS_BEDROCK_TEMPERATURE") or 0.0),
            timeout_seconds=float(env.get("FITNESS_BEDROCK_TIMEOUT_SECONDS") or 60),
            max_attempts=int(env.get("FITNESS_BEDROCK_MAX_ATTEMPTS") or 5),
            price_per_1k_input=float(env.get("FITNESS_BEDROCK_PRICE_PER_1K_INPUT") or 0),
            price_per_1k_output=float(env.get("FITNESS_BEDROCK_PRICE_PER_1K_OUTPUT") or 0),
        ),
        s3_bucket=env.get("FITNESS_S3_BUCKET", ""),
        s3_prefix=env.get("FITNESS_S3_PREFIX", "fitness"),
        # Exports dropped here are ingested by the S3 sensor; outputs go under FITNESS_S3_PREFIX.
        s3_inbox_prefix=env.get("FITNESS_S3_INBOX_PREFIX") or f"{env.get('FITNESS_S3_PREFIX', 'fitness')}-inbox/",
    )
