"""The Dagster UI as a user meets it (issue 14): `fitness run` on a small export, then a real
dagster-webserver on workspace.yaml reading the same PostgreSQL-backed instance, driven by headless
Chromium. Screenshots of the lineage graph, a weekly_report partition page and the no_outliers
check page are kept as test artefacts ($FITNESS_TEST_ARTEFACTS, default test-artefacts/ at the
repository root).

The same run checks two more promises: the link an alert and the ingest notification carry
(FITNESS_UI_URL) opens that run in the running webserver, and the weekly partitions start at the
first week with data (lib/core/partitions_start.py): older data moves the start earlier, and
`fitness run` reloads its code location so the older weeks get their payloads and reports.
One `fitness run` and one webserver serve every test here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from datetime import date, timedelta
from pathlib import Path

import dagster as dg
import pytest

from fitness_assets.defs.quality.alerts import failed_checks_alert
from fitness_assets.defs.resources import configuration_from

from fitness_assets_tests.browser import (
    CHROMIUM,
    REPOSITORY,
    Chromium,
    dagster_webserver,
    free_port,
    graphql,
    needs_chromium,
    without_project_settings,
)
from fitness_assets_tests.conftest import hevy_csv, new_database, workout_set

ARTEFACTS = Path(os.environ.get("FITNESS_TEST_ARTEFACTS") or REPOSITORY / "test-artefacts") / "dagster_ui"
RECORDED_WEEK = "2019-03-04"     # the start an earlier ingest recorded in this home
FIRST_WEEK = "2019-01-07"        # the export's first Monday: older than the recorded start
REPORT_WEEK = "2019-03-11"       # the partition page photographed
PLANTED_KG = 1100                # a 10× typo among ~110 kg squats: the no_outliers check flags it
GROUPS = ("raw", "silver", "warehouse", "gold", "insights", "payloads", "reports")
# Dagster's "join the community" dialog covers any page of a new browser profile until dismissed.
NO_WELCOME_DIALOG = "localStorage.setItem('communityNux', '\"1\"')"


def squats(first_day: date, count: int, planted_at: int) -> list[dict]:
    """`count` squat workouts, one every third day, four sets each, newest first as Hevy writes them."""
    rows = []
    for n in reversed(range(count)):
        day = first_day + timedelta(days=3 * n)
        start, end = f"{day:%d %b %Y}, 18:00", f"{day:%d %b %Y}, 19:00"
        rows += [workout_set("Legs", start, end, "Squat (Barbell)", i,
                             PLANTED_KG if (n, i) == (planted_at, 2) else 100 + n, 5) for i in range(4)]
    return rows


@pytest.fixture(scope="module")
def ui(postgres_server, tmp_path_factory):
    """`fitness run` on a home whose recorded start is RECORDED_WEEK, with an export from the
    older FIRST_WEEK; then the webserver on the instance the run wrote, and a browser."""
    root = tmp_path_factory.mktemp("ui")
    home, inbox = root / "home", root / "inbox"
    inbox.mkdir()
    home.mkdir()
    (home / "partitions_start").write_text(RECORDED_WEEK + "\n")
    (inbox / "workouts.csv").write_bytes(hevy_csv(squats(date.fromisoformat(FIRST_WEEK), 26, planted_at=20)))
    port = free_port()
    environment = without_project_settings() | {
        "FITNESS_HOME": str(home), "FITNESS_INBOX": str(inbox), "FITNESS_DATABASE_URL": new_database(postgres_server),
        "FITNESS_CORRECTIONS": str(root / "corrections.yaml"), "FITNESS_UI_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(REPOSITORY)}
    timings = {}
    started = time.monotonic()
    run = subprocess.run([sys.executable, "-m", "fitness_assets.cli", "run"], cwd=root, env=environment,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr
    timings["fitness run"] = time.monotonic() - started
    # The instance `fitness run` wrote: dagster.yaml under FITNESS_HOME, runs in the same database
    # (the two variables prepare_dagster_instance sets for its own process).
    server_environment = environment | {"DAGSTER_HOME": str(home / "dagster"),
                                        "DAGSTER_PG_URL": environment["FITNESS_DATABASE_URL"]}
    started = time.monotonic()
    with dagster_webserver(server_environment, port) as url:
        timings["webserver start"] = time.monotonic() - started
        profile = root / "chromium"
        profile.mkdir()
        browser = Chromium("about:blank", profile, window="1600,1000") if Path(CHROMIUM).exists() else None
        try:
            if browser:
                browser.call("Page.enable")
                browser.call("Page.addScriptToEvaluateOnNewDocument", source=NO_WELCOME_DIALOG)
            yield {"url": url, "home": home, "environment": server_environment, "browser": browser, "run": run}
        finally:
            if browser:
                browser.close()
    print(f"\n{timings}")


def screenshot(browser: Chromium, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    browser.screenshot(path)
    assert path.read_bytes()[:4] == b"\x89PNG"
    return path


def test_partitions_start_at_the_first_week_with_data_even_when_it_arrives_later(ui):
    """The export is older than the start this home recorded: the ingest moves the start earlier,
    `fitness run` reloads and writes the older weeks too, and the webserver lists them."""
    assert (ui["home"] / "partitions_start").read_text().strip() == FIRST_WEEK
    assert f"[2/3] payloads: weeks {FIRST_WEEK} …" in ui["run"].stderr
    assert (ui["home"] / "reports" / FIRST_WEEK / "report.md").exists()
    assert "every_week_partitioned" not in ui["run"].stderr   # the check judged the moved start
    answer = graphql(ui["url"], """
      query Partitions($key: AssetKeyInput!) { assetNodeOrError(assetKey: $key) {
        ... on AssetNode { partitionKeys } } }""", {"key": {"path": ["weekly_report"]}})
    assert answer["data"]["assetNodeOrError"]["partitionKeys"][0] == FIRST_WEEK


@needs_chromium
def test_screenshot_of_the_lineage_graph(ui):
    browser = ui["browser"]
    browser.navigate(f"{ui['url']}/asset-groups")
    # Each group is named twice in the side bar's tree, and once more as a node of the graph.
    deadline = time.monotonic() + 30
    while any((lines := browser.text().splitlines()).count(group) < 3 for group in GROUPS):
        assert time.monotonic() < deadline, f"not every group is drawn: {lines}"
        time.sleep(0.25)
    edges = browser.evaluate("document.querySelectorAll('svg path').length")
    assert edges >= len(GROUPS) - 1, edges   # raw → silver → … → reports at least
    screenshot(browser, "lineage")


@needs_chromium
def test_screenshot_of_a_weekly_report_partition_with_its_charts(ui):
    """Week W's page shows week W's own report (not the range's last), its three charts loaded."""
    browser = ui["browser"]
    browser.navigate(f"{ui['url']}/assets/weekly_report?view=partitions&partition={REPORT_WEEK}")
    browser.wait_for_text("report_path", f"reports/{REPORT_WEEK}/report.md")
    browser.evaluate("[...document.querySelectorAll('tr')].find(row => row.querySelector('td')?.innerText.trim()"
                     " === 'report').querySelector('a').click()")   # its [Show Markdown]
    text = browser.wait_for_text(f"Weekly report: week of {REPORT_WEEK}", "Charts")
    assert "week of 2019-03-25" not in text.split("Weekly report")[1].split("\n")[0]
    images = browser.wait_for("(() => { const images = [...document.querySelectorAll('[role=dialog] img')];"
                              " return images.length === 3 && images.every(i => i.complete && i.naturalWidth > 0)"
                              " && images.map(i => [i.alt, i.naturalWidth, i.src.slice(0, 26)]); })()",
                              what="the three charts loaded")
    assert [(width, source) for _, width, source in images] == [(630, "data:image/svg+xml;base64,")] * 3
    # Tall enough to show the whole report and its charts in one picture.
    browser.call("Emulation.setDeviceMetricsOverride", width=1600, height=3000, deviceScaleFactor=1, mobile=False)
    try:
        screenshot(browser, "weekly_report_partition")
    finally:
        browser.call("Emulation.clearDeviceMetricsOverride")


@needs_chromium
def test_screenshot_of_the_no_outliers_check_page(ui):
    browser = ui["browser"]
    browser.navigate(f"{ui['url']}/assets/silver_workout_sets?view=checks&checkDetail=no_outliers")
    # The list of the asset's checks and the detail pane arrive separately: wait until the detail
    # pane (after the list) is no_outliers' before reading it, or a slow machine sees half a page.
    browser.wait_for("""(() => {
        const text = document.body.innerText;
        const beforeDetail = text.split('Latest execution')[0];
        return text.includes('Evaluation result') && text.includes('offending_rows')
            && beforeDetail.split('\\n').filter(line => line.trim() === 'no_outliers').length >= 3;
    })()""", seconds=60, what="the no_outliers detail pane")
    text = browser.text()
    assert "Failed" in text.split("Evaluation result")[1][:40]
    screenshot(browser, "no_outliers_check")


def test_the_alert_and_notification_links_open_their_run_in_the_webserver(ui, monkeypatch):
    """FITNESS_UI_URL points at the webserver: the link of the ingest notification `fitness run`
    printed, and of the alert the failed-check sensor would send for that run, open the run."""
    printed = [line for line in ui["run"].stderr.splitlines() if line.startswith("Run ") and "/runs/" in line]
    [notification_link] = [line.split(": ", 1)[1] for line in printed]
    for name in ("DAGSTER_HOME", "DAGSTER_PG_URL"):
        monkeypatch.setenv(name, ui["environment"][name])
    notifier = configuration_from(ui["environment"]).notifier
    with dg.DagsterInstance.get() as instance:
        [ingest] = instance.get_runs(dg.RunsFilter(job_name="ingest_job"))
        alert = failed_checks_alert(instance, ingest, notifier)
    assert [check.check for check in alert.checks] == ["no_outliers"]
    alert_link = alert.text().rsplit("Run: ", 1)[1]
    assert alert_link == notification_link == f"{ui['url']}/runs/{ingest.run_id}"
    assert urllib.request.urlopen(alert_link, timeout=30).status == 200
    answer = graphql(ui["url"], "query Run($id: ID!) { runOrError(runId: $id) { __typename ... on Run { jobName } } }",
                     {"id": alert_link.rsplit("/", 1)[1]})
    assert answer["data"]["runOrError"] == {"__typename": "Run", "jobName": "ingest_job"}
    if ui["browser"]:  # and a person following it sees that run
        ui["browser"].navigate(alert_link)
        ui["browser"].wait_for_text(ingest.run_id[:8], "ingest_job")
