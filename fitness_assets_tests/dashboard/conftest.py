"""One small warehouse per module, built as the pipeline builds it: activities with a planted life
event, a year of squats and diet days, the gold views, the classifier and insight assets, and the
payload and report of the last week (with its three SVG charts); the runs and their check results
in a Dagster instance under FITNESS_HOME/dagster, one quarantined row and one applied correction."""

from __future__ import annotations

from datetime import date

import dagster as dg
import pytest
import sqlalchemy as sa

from fitness_assets.defs.gold.assets import gold_sql_files
from fitness_assets.defs.resources import configuration_from
from fitness_assets.lib.core.constants import DEFAULT_SQL_DIR
from fitness_assets.lib.warehouse.database import run_sql_file
from fitness_assets_tests.conftest import new_database
from fitness_assets_tests.harness import run_payloads, run_reports
from fitness_assets_tests.insights.synthetic import history
from fitness_assets_tests.insights.test_activity_classification_asset import (
    insert_activities,
)
from fitness_assets_tests.insights.test_insight_tables import (
    insert_lifting_and_diet,
    materialize,
)

LAST_WEEK = "2025-12-29"
REPORTED_WEEK = "2025-12-22"  # the last full week; its report is the latest one


@pytest.fixture(scope="module")
def warehouse(postgres_server, tmp_path_factory):
    """The Configuration of a built warehouse (FITNESS_HOME with the reports under it)."""
    root = tmp_path_factory.mktemp("dashboard")
    (root / "inbox").mkdir()
    url = new_database(postgres_server)
    settings = configuration_from({
        "FITNESS_HOME": str(root / "home"), "FITNESS_INBOX": str(root / "inbox"),
        "FITNESS_DATABASE_URL": url, "FITNESS_CORRECTIONS": str(root / "corrections.yaml")})
    insert_activities(url, history(start=date(2018, 1, 1), seed=5))
    insert_lifting_and_diet(url)
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        for path in gold_sql_files(DEFAULT_SQL_DIR).values():
            run_sql_file(conn, path)
        conn.execute(sa.text(QUARANTINED_ROW))
        conn.execute(sa.text(APPLIED_CORRECTION))
    engine.dispose()
    (settings.home / "dagster").mkdir(parents=True)
    with dg.DagsterInstance.local_temp(str(settings.home / "dagster")) as instance:
        materialize(settings, instance)
        run_payloads(settings, REPORTED_WEEK, REPORTED_WEEK, instance)
        run_reports(settings, REPORTED_WEEK, REPORTED_WEEK, instance)
    return settings


QUARANTINED_ROW = """
    INSERT INTO fitness.quarantine (athlete_id, source_sha256, source_file, line, rule, reason, raw_values)
    VALUES ('default', 'sha-q', 'workouts.csv', 17, 'no_negative_values', 'weight_kg is -20', '{"weight_kg": "-20"}')"""
APPLIED_CORRECTION = """
    INSERT INTO fitness.corrections_applied (athlete_id, dataset, natural_key, field, old_value, new_value, reason,
                                             source_sha256, source_line)
    VALUES ('default', 'diet_days', '2025-07-08', 'calories_kcal', '90000', '2900', 'typo: one zero too many',
            'sha-c', 3)"""
