"""Each diet rule against a log with exactly that defect, and against a clean log."""

from __future__ import annotations


import pandas as pd

from fitness_assets.lib.quality import diet_rules as rules
from fitness_assets.defs.resources import QualityResource
from fitness_assets_tests.quality.rules_helpers import CYCLE, clean_diet_lines, silver_days

QUALITY = QualityResource()


def all_findings(days, quarantine, cycles, quality=QUALITY):
    return {
        "one_row_per_date": rules.one_row_per_date(days, quarantine),
        "no_negative_values": rules.non_negative(days, quarantine),
        "no_future_dates": rules.no_future_dates(days, quarantine),
        "no_dates_before_earliest_year": rules.no_dates_before_earliest_year(days, quarantine),
        "calories_match_macros": rules.calories_match_macros(days, quality),
        "cycle_mapped": rules.cycle_mapped(days),
        "missing_days": rules.missing_days(days),
        "bodyweight_jumps": rules.bodyweight_jumps(days, quality),
        "cycles_ordered": rules.cycles_ordered(cycles),
    }


def failing(findings) -> set[str]:
    return {name for name, found in findings.items() if not found.passed}


def findings_for(lines, quality=QUALITY):
    return all_findings(*silver_days(lines), quality=quality)


def test_clean_log_passes_every_rule():
    findings = findings_for(clean_diet_lines())
    assert failing(findings) == set()
    assert findings["calories_match_macros"].checked == 7


def test_a_date_logged_twice_quarantines_every_copy_and_fails():
    lines = clean_diet_lines() + ["2026-01-14,100,100,30,1070,0," + CYCLE + ",80.0,"]
    days, quarantine, cycles = silver_days(lines)
    found = all_findings(days, quarantine, cycles)["one_row_per_date"]
    assert sorted(found.offending["line"]) == [4, 9]
    assert "2026-01-14 appears on lines 4, 9" in found.offending["problem"].iloc[0]
    assert "2026-01-14" not in set(days["diet_date"].dt.strftime("%Y-%m-%d"))


def test_negative_values_are_quarantined_and_reported():
    lines = clean_diet_lines()
    lines[1] = lines[1].replace(",200,180,60,", ",-200,180,60,")
    lines[2] = lines[2].replace(",81.4,", ",-81.4,")
    found = findings_for(lines)["no_negative_values"]
    assert sorted(found.offending["line"]) == [3, 4]


def test_future_days_are_quarantined_and_reported():
    lines = clean_diet_lines() + [f"2027-01-01,200,180,60,2060,90,{CYCLE},80.0,"]
    found = findings_for(lines)["no_future_dates"]
    assert list(found.offending["line"]) == [9] and "2027-01-01 is after today" in found.offending["problem"].iloc[0]


def test_days_before_the_earliest_year_are_quarantined_and_reported():
    lines = clean_diet_lines() + [f"1989-12-31,200,180,60,2060,90,{CYCLE},80.0,"]
    found = findings_for(lines)["no_dates_before_earliest_year"]
    assert list(found.offending["line"]) == [9] and "before 1990" in found.offending["problem"].iloc[0]


def test_calories_must_match_macros_within_the_tolerance():
    lines = clean_diet_lines()
    lines[0] = lines[0].replace(",2060,", ",2102,")  # 2.0 % off
    lines[1] = lines[1].replace(",2060,", ",2070,")  # 0.5 % off: inside 1 %
    found = findings_for(lines)["calories_match_macros"]
    assert list(found.offending["line"]) == [2]
    assert "kcal 2102 vs 2060" in found.offending["problem"].iloc[0] and "2.0 % off" in found.offending["problem"].iloc[0]
    assert findings_for(lines, QualityResource(calorie_tolerance=0.05))["calories_match_macros"].passed


def test_every_day_must_map_to_a_cycle():
    lines = clean_diet_lines()
    lines[0] = lines[0].replace(CYCLE, "")                                   # no cycle
    lines[1] = lines[1].replace(CYCLE, "Cutting sometime")                   # unreadable
    lines[2] = lines[2].replace(CYCLE, "5Bulking III (05/01/2026 - XX/XX/XXXX)")  # id 5 described twice
    days, quarantine, cycles = silver_days(lines)
    found = all_findings(days, quarantine, cycles)["cycle_mapped"]
    problems = dict(zip(found.offending["line"], found.offending["problem"]))
    assert problems[2] == "no cycle given"
    assert problems[3].startswith("cycle text is not like")
    assert problems[4] == f"cycle id 5 is also described as '{CYCLE}'"
    # the conflicting id maps nobody: every day that used either description is listed
    assert sorted(problems) == [2, 3, 4, 5, 6, 7, 8]
    assert cycles.empty


def test_cycles_must_be_ordered_and_not_overlap():
    lines = [
        "2026-01-01,200,180,60,2060,90,1Cutting I (01/01/2026 - 20/01/2026),80.0,",
        "2026-01-02,200,180,60,2060,90,2Bulking I (15/01/2026 - 31/01/2026),80.0,",
        "2026-01-03,200,180,60,2060,90,3Reversa I (01/02/2026 - XX/XX/XXXX),80.0,",
        "2026-01-04,200,180,60,2060,90,4Cutting II (01/03/2026 - 30/03/2026),80.0,",
    ]
    found = findings_for(lines)["cycles_ordered"]
    assert list(found.offending["problem"]) == ["overlap: ends 2026-01-20, next starts 2026-01-15",
                                                "an earlier cycle is still open"]


def test_missing_days_are_listed_as_ranges():
    lines = [line for line in clean_diet_lines() if not line.startswith(("2026-01-14", "2026-01-15", "2026-01-17"))]
    found = findings_for(lines)["missing_days"]
    assert found.offending.to_dict("records") == [
        {"athlete": "default", "from": "2026-01-14", "to": "2026-01-15", "days_missing": 2},
        {"athlete": "default", "from": "2026-01-17", "to": "2026-01-17", "days_missing": 1}]
    assert found.counts == {"days_missing": 3}


def test_bodyweight_jumps_beyond_the_limit_between_consecutive_days():
    lines = clean_diet_lines()
    lines[3] = lines[3].replace(",81.5,", ",84.5,")  # +3.1 kg, then -2.9 kg
    lines[6] = lines[6].replace(",81.8,", ",,")  # no weight logged: skipped
    days, quarantine, cycles = silver_days(lines)
    found = all_findings(days, quarantine, cycles)["bodyweight_jumps"]
    assert list(found.offending["line"]) == [5, 6]
    assert "+3.1 kg" in found.offending["problem"].iloc[0]
    assert all_findings(days, quarantine, cycles, QualityResource(bodyweight_jump_kg=4))["bodyweight_jumps"].passed


def test_rules_accept_an_inbox_without_diet_rows():
    days, quarantine, cycles = silver_days([])
    findings = all_findings(days, quarantine, cycles)
    assert failing(findings) == set()
    assert isinstance(findings["missing_days"].offending, pd.DataFrame)


def test_a_bodyweight_jump_across_a_missing_day_is_still_reported():
    lines = [line for line in clean_diet_lines() if not line.startswith("2026-01-15")]
    lines = [line.replace(",81.6,", ",92.0,") for line in lines]  # 2026-01-16: +10.6 kg in 2 days
    found = findings_for(lines)["bodyweight_jumps"]
    assert list(found.offending["date"]) == ["2026-01-16", "2026-01-17"]
    assert "+10.6 kg in 2 day(s)" in found.offending["problem"].iloc[0]
