"""One small warehouse per module, built as the pipeline builds it: activities with a planted life
event, a year of squats and diet days, the gold views, the classifier and insight assets, and the
payload and report of the last week (with its three SVG charts)."""

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
    engine.dispose()
    instance = dg.DagsterInstance.ephemeral()
    materialize(settings, instance)
    run_payloads(settings, REPORTED_WEEK, REPORTED_WEEK, instance)
    run_reports(settings, REPORTED_WEEK, REPORTED_WEEK, instance)
    return settings
