"""The benchmark's headline: issue 15's nine figures under stable names, each with its target.

Each figure comes from the part of the bench that measures it (`--only sets` for the ingest,
Dagster and payload figures, `--only sample` for the newcomer's figures), so a part run alone
refreshes its own rows and leaves the others as they were measured, with their own date and commit.
"""

from __future__ import annotations

HEADLINE_BEGIN, HEADLINE_END = "<!-- headline: begin -->", "<!-- headline: end -->"
MIB = 1024 ** 2

# (stable name, what it measures, target, unit): every figure here must be at or below its target.
HEADLINE = [
    ("sample_run_s", "`fitness run` on the sample, pipeline only", 10.0, "s"),
    ("report_ms_per_week", "report writing per athlete-week, charts included", 20.0, "ms"),
    ("ingest_over_copy", "full ingest ÷ COPY floor at 1M sets", 4.0, "×"),
    ("dagster_ingest_over_copy", "`ingest_job` through Dagster, full ÷ COPY floor", 8.0, "×"),
    ("dagster_unchanged_share", "unchanged re-run through Dagster ÷ full", 0.10, ""),
    ("dagster_plus_one_share", "+1 workout re-run through Dagster ÷ full", 0.10, ""),
    ("dagster_peak_rss_mib", "peak RSS through Dagster, any run", 2048.0, "MiB"),
    ("payload_ms_per_week", "payload backfill per week beyond start-up, 20 athletes", 10.0, "ms"),
    ("refresh_run_s", "a one-week refresh run, start to end", 2.0, "s"),
]


def _sets_figures(results: dict) -> dict[str, float]:
    figures: dict[str, float] = {}
    if "ratio_ingest_over_copy" in results:
        figures["ingest_over_copy"] = results["ratio_ingest_over_copy"]
    if "payloads" in results:
        figures["payload_ms_per_week"] = results["payloads"]["ms_per_week_beyond_startup"]
    dagster = results.get("dagster_ingest")
    if dagster and "copy_floor" in results:
        runs = dagster["runs"]
        figures["dagster_ingest_over_copy"] = runs["full"]["seconds"] / results["copy_floor"]["seconds"]
        figures["dagster_unchanged_share"] = runs["unchanged"]["share_of_full"]
        figures["dagster_plus_one_share"] = runs["one_workout"]["share_of_full"]
        # The child process's peak over all three runs (the larger of its maximum RSS and the sampled
        # RSS of it and its workers): "any run", read strictly.
        figures["dagster_peak_rss_mib"] = dagster["peak_memory_bytes"] / MIB
    return figures


def headline(results: dict) -> list[dict]:
    """The headline rows that `results` (benchmarks.json) holds figures for, in the issue's order."""
    figures = _sets_figures(results)
    measured_by = {name: results.get("machine", {}) for name in figures}
    sample = results.get("sample", {})
    for name in ("sample_run_s", "report_ms_per_week", "refresh_run_s"):
        if name in sample:
            figures[name] = sample[name]
            measured_by[name] = sample.get("machine", {})
    return [{"name": name, "what": what, "figure": figures[name], "target": target, "unit": unit,
             "result": "PASS" if figures[name] <= target else "MISS",
             "measured": f"{measured_by[name].get('date_utc', '?')}, commit {measured_by[name].get('git_commit', '?')}"}
            for name, what, target, unit in HEADLINE if name in figures]


def with_headline(results: dict) -> dict:
    """`results` with `headline` and each headline figure at the top level under its stable name."""
    rows = headline(results)
    return {**results, **{row["name"]: row["figure"] for row in rows},
            "headline": {row["name"]: {k: row[k] for k in ("figure", "target", "result", "measured")} for row in rows}}


def _shown(value: float, unit: str) -> str:
    if unit == "":
        return f"{value:.3f} ({100 * value:.1f} %)"
    if unit == "×":
        return f"{value:.2f}×"
    if unit == "MiB":
        return f"{value:,.0f} MiB"
    return f"{value:.1f} {unit}" if unit == "ms" or value < 100 else f"{value:,.0f} {unit}"


def headline_lines(results: dict) -> list[str]:
    rows = headline(results)
    missing = [name for name, *_ in HEADLINE if name not in {row["name"] for row in rows}]
    misses = [row["name"] for row in rows if row["result"] == "MISS"]
    return [
        HEADLINE_BEGIN, "## Headline (issue 15)", "",
        "Each figure from the latest run of the part that measures it (`--only sets`: ingest, Dagster and "
        "payload figures; `--only sample`: the sample's), under its stable name in benchmarks.json. Rows "
        "measured on different days may come from different hosts of the same size: set a figure beside an "
        "earlier one of its own part, on the same host, before reading a change into it.", "",
        "| figure | measurement | value | target | result | measured |", "|---|---|---|---|---|---|",
        *[f"| `{row['name']}` | {row['what']} | {_shown(row['figure'], row['unit'])} | "
          f"≤ {_shown(row['target'], row['unit'])} | {row['result']} | {row['measured']} |" for row in rows],
        "",
        ("**Every headline target is met.**" if rows and not misses and not missing else
         "**Missed:** " + (", ".join(f"`{name}`" for name in misses) or "none")
         + (f"; not measured yet: {', '.join(f'`{name}`' for name in missing)}" if missing else "") + "."),
        "", HEADLINE_END, "",
    ]


def splice_headline(markdown_text: str, results: dict) -> str:
    """The headline section replaced, or inserted after the title's first paragraph (not at all
    before any headline figure was measured)."""
    if not headline(results) and HEADLINE_BEGIN not in markdown_text:
        return markdown_text
    section = "\n".join(headline_lines(results))
    if HEADLINE_BEGIN in markdown_text and HEADLINE_END in markdown_text:
        head, rest = markdown_text.split(HEADLINE_BEGIN, 1)
        return head + section + "\n" + rest.split(HEADLINE_END, 1)[1].lstrip("\n")
    title, _, body = markdown_text.partition("\n\n")
    first_paragraph, _, rest = body.partition("\n\n")
    return f"{title}\n\n{first_paragraph}\n\n{section}\n{rest}"
