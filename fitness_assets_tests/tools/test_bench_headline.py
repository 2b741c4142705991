"""The benchmark's headline (issue 15): nine stable names, each judged against its target, each
row from the part that measured it; BENCHMARKS.md keeps one headline section however often written."""

from tools.bench.headline import HEADLINE, headline, splice_headline, with_headline

SETS = {
    "machine": {"date_utc": "2026-12-01 10:00 UTC", "git_commit": "aaaaaaa"},
    "copy_floor": {"seconds": 2.0},
    "ratio_ingest_over_copy": 3.5,
    "payloads": {"ms_per_week_beyond_startup": 12.5},
    "dagster_ingest": {"peak_memory_bytes": 1536 * 1024 ** 2, "runs": {
        "full": {"seconds": 20.0}, "unchanged": {"share_of_full": 0.05}, "one_workout": {"share_of_full": 0.25}}},
}
SAMPLE = {"sample": {"sample_run_s": 9.5, "report_ms_per_week": 4.0, "refresh_run_s": 2.5,
                     "machine": {"date_utc": "2026-12-01 11:00 UTC", "git_commit": "bbbbbbb"}}}


def test_every_headline_figure_has_its_stable_name_target_and_verdict():
    results = with_headline({**SETS, **SAMPLE})
    assert [row["name"] for row in headline(results)] == [name for name, *_ in HEADLINE]
    assert results["dagster_ingest_over_copy"] == 10.0 and results["dagster_peak_rss_mib"] == 1536
    verdicts = {name: row["result"] for name, row in results["headline"].items()}
    assert verdicts == {"sample_run_s": "PASS", "report_ms_per_week": "PASS", "ingest_over_copy": "PASS",
                        "dagster_ingest_over_copy": "MISS", "dagster_unchanged_share": "PASS",
                        "dagster_plus_one_share": "MISS", "dagster_peak_rss_mib": "PASS",
                        "payload_ms_per_week": "MISS", "refresh_run_s": "MISS"}
    # Each row says when and at which commit its own part measured it.
    assert results["headline"]["sample_run_s"]["measured"] == "2026-12-01 11:00 UTC, commit bbbbbbb"
    assert results["headline"]["payload_ms_per_week"]["measured"] == "2026-12-01 10:00 UTC, commit aaaaaaa"


def test_the_markdown_keeps_one_headline_section_and_names_what_was_not_measured():
    markdown = "# Benchmarks\n\nProduced by make bench.\n\n| measurement | figure |\n|---|---|\n"
    only_sample = with_headline(SAMPLE)
    once = splice_headline(markdown, only_sample)
    assert once.index("## Headline (issue 15)") < once.index("| measurement | figure |")
    assert "not measured yet: `ingest_over_copy`" in once and "**Missed:** `refresh_run_s`" in once
    assert splice_headline(once, only_sample) == once
    everything = splice_headline(once, with_headline({**SETS, **SAMPLE}))
    assert everything.count("## Headline (issue 15)") == 1 and "not measured yet" not in everything


def test_the_sample_figures_come_from_the_median_repeat_and_list_every_repeat(monkeypatch, tmp_path):
    from tools.bench import run, sample

    seconds = iter([13.4, 10.2, 11.9])
    folders = []

    def once(workdir):
        folders.append(workdir.name)
        run_s = next(seconds)
        return {"sample_run_s": run_s, "report_ms_per_week": run_s / 2, "refresh_run_s": run_s / 10,
                "sample_command_s": run_s + 9, "refresh_command_s": 5.0, "report_step_s": 1.0, "reports": 471, "refresh_week": "2025-12-22",
                "sample_runs": [{"job": "ingest_job", "seconds": run_s}], "refresh_runs": [],
                "verdicts": {"sample_run_s": "MISS", "report_ms_per_week": "PASS", "refresh_run_s": "PASS"}}

    monkeypatch.setattr(sample, "measure_once", once)
    measured = sample.measure(tmp_path, repeats=3)
    assert folders == ["repeat_1", "repeat_2", "repeat_3"]
    assert measured["sample_run_s"] == 11.9 and measured["report_ms_per_week"] == 11.9 / 2
    assert [r["sample_run_s"] for r in measured["repeats"]] == [13.4, 10.2, 11.9]
    row = run.sample_rows(measured)[0][1]
    assert row.startswith("11.9 s (ingest 11.9)") and row.endswith("the 3 repeats: 13.4, 10.2, 11.9")
