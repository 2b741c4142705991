"""The offline report writer: the same sections as the LLM report, from plain rules.

Deterministic (same payload, same bytes) and grounded by construction: every number printed is
a payload value, formatted without thousands separators. Export text (exercise, cycle and athlete
names) is printed only through `quoted`: a code span that shows it as data (see quoting.py).
"""

from __future__ import annotations

from fitness_assets.lib.reports.quoting import quoted

ENGINE = "template"

TRAINING_FIGURES = ("max_weight_kg", "total_reps")


def number(value) -> str:
    """A payload number as written in the payload: 82.5, 8.33, 2509, 120 (not 120.0)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _signed(value) -> str:
    return ("+" if value > 0 else "−" if value < 0 else "±") + number(abs(value))


def _compare(exercise: dict) -> dict | None:
    return exercise.get("delta_vs_last_trained_week")


def _trend(exercise: dict) -> int:
    """+1 progressed, -1 regressed, 0 held: top weight first, then reps at that weight."""
    delta = _compare(exercise)
    if not delta:
        return 0
    for figure in TRAINING_FIGURES:
        value = delta.get(figure)
        if value:
            return 1 if value > 0 else -1
    return 0


def _exercise_line(exercise: dict) -> str:
    week, delta = exercise["current_week"], _compare(exercise)
    parts = [quoted(exercise["exercise_name"])]
    if week.get("max_weight_kg") is not None:
        parts.append(f"top weight {number(week['max_weight_kg'])} kg")
    reps = "" if week["total_reps"] is None else f", {number(week['total_reps'])} reps"  # none logged (cardio)
    parts.append(f"{number(week['total_sets'])} sets{reps}")
    line = ": ".join([parts[0], ", ".join(parts[1:])])
    if delta:
        changes = [f"{_signed(delta[f])} {'kg top weight' if f == 'max_weight_kg' else 'reps'}"
                   for f in TRAINING_FIGURES if delta.get(f) not in (None, 0)]
        if changes:
            line += f" ({', '.join(changes)} vs week of {delta['last_trained_week_start']})"
    return f"- {line}"


def write_report(payload: dict) -> str:
    week, training, diet, cycle = (payload["week_start"], payload["training_overview"], payload["diet"],
                                   payload.get("cycle") or {})
    exercises = payload["exercises"]
    lines = [f"# Weekly report: week of {week}", ""]
    if payload["athlete_id"] != "default":
        lines += [f"Athlete: {quoted(payload['athlete_id'])}", ""]
    cycle_name, cycle_type = cycle.get("cycle_name"), cycle.get("cycle_type")
    lines += [f"Cycle: {quoted(cycle_name)} ({cycle_type})." if cycle_name else "Cycle: not enough data.", ""]

    lines += ["## Training overview", ""]
    if training.get("training_sessions"):
        lines.append(f"- {number(training['training_sessions'])} session(s), {number(training['total_sets'])} "
                     f"working sets" + (f", {number(training['avg_reps_per_set'])} reps per set on average."
                                        if training.get("avg_reps_per_set") is not None else "."))
    else:
        lines.append("- No training logged: not enough data.")
    lines.append("")
    if "running" in payload:  # only weeks with logged activities: other reports keep their bytes
        lines += ["## Running and walking", "", *_running_lines(payload["running"]), ""]
    if "insights" in payload:  # only weeks with a consistency score (contract 1.2)
        lines += ["## Consistency and anomalies", "", *_insights_lines(payload["insights"]), ""]

    progressed = [e for e in exercises if _trend(e) > 0]
    regressed = [e for e in exercises if _trend(e) < 0]
    for title, chosen in (("Progression", progressed), ("Regression", regressed)):
        lines += [f"## {title}", ""]
        lines += [_exercise_line(e) for e in chosen] or ["- None this week."]
        lines.append("")
    first_time = [e for e in exercises if _compare(e) is None]
    if first_time:
        lines += ["## New exercises (nothing to compare yet)", ""]
        lines += [_exercise_line(e) for e in first_time]
        lines.append("")

    lines += ["## Diet alignment", ""]
    if diet.get("logged_days"):
        lines.append(f"- {number(diet['logged_days'])} day(s) logged: on average {number(diet['avg_calories_kcal'])} "
                     f"kcal, {number(diet['avg_protein_g'])} g protein, {number(diet['avg_carbs_g'])} g carbs, "
                     f"{number(diet['avg_fat_g'])} g fat.")
        if diet.get("avg_bodyweight_kg") is not None:
            lines.append(f"- Average bodyweight {number(diet['avg_bodyweight_kg'])} kg.")
        lines.append(_alignment(cycle_type, progressed, regressed))
    else:
        lines.append("- No diet days logged: not enough data.")
    lines.append("")

    lines += ["## Fatigue signals", ""]
    if training.get("total_sets"):
        failure = training.get("failure_sets") or 0
        lines.append(f"- {number(failure)} of {number(training['total_sets'])} working sets taken to failure."
                     if failure else "- No set was taken to failure.")
        lines += [f"- {quoted(e['exercise_name'])}: {number(e['current_week']['failure_sets'])} failure set(s)."
                  for e in exercises if e["current_week"].get("failure_sets")]
        if len(regressed) > len(progressed):
            lines.append("- More exercises regressed than progressed: consider recovery (sleep, deload).")
    else:
        lines.append("- Not enough data.")
    lines.append("")
    return "\n".join(lines)


def _plural(count, singular: str, plural: str) -> str:
    return f"{number(count)} {singular if count == 1 else plural}"


def _running_lines(running: dict) -> list[str]:
    """Runs, then walks, then what was only counted; every number is a `running` value."""
    lines = []
    if running["runs"]:
        line = (f"- {_plural(running['runs'], 'run', 'runs')}: {number(running['run_distance_km'])} km in "
                f"{number(running['run_duration_min'])} min")
        if running["avg_run_pace_min_per_km"] is not None:
            line += f", {number(running['avg_run_pace_min_per_km'])} min/km on average (total time over total distance)"
        if running["longest_run_km"] is not None:
            line += f"; longest run {number(running['longest_run_km'])} km"
        lines.append(line + ".")
        if running["fastest_run_pace_min_per_km"] is not None:
            lines.append(f"- Fastest run of {number(running['fastest_run_min_distance_km'])} km or more: "
                         f"{number(running['fastest_run_pace_min_per_km'])} min/km.")
    else:
        lines.append("- No runs logged.")
    if running["walks"]:
        lines.append(f"- {_plural(running['walks'], 'walk', 'walks')}: {number(running['walk_distance_km'])} km in "
                     f"{number(running['walk_duration_min'])} min.")
    counted = [_plural(running[key], singular, plural) for key, singular, plural in (
        ("mixed", "mixed outing (run and walk)", "mixed outings (run and walk)"),
        ("outliers", "outlier (incomplete or implausible recording, left out of the figures)",
         "outliers (incomplete or implausible recordings, left out of the figures)"),
        ("other_activities", "other activity (not a run or walk)", "other activities (not runs or walks)"))
        if running[key]]
    if counted:
        lines.append(f"- Also logged: {', '.join(counted)}.")
    return lines


METRIC_NAMES = {"weight_kg": "weight (kg)", "reps": "reps", "distance_km": "distance (km)",
                "duration_min": "duration (min)", "pace_min_per_km": "pace (min/km)",
                "calories_kcal": "calories (kcal)", "protein_g": "protein (g)", "carbs_g": "carbs (g)",
                "fat_g": "fat (g)", "bodyweight_kg": "bodyweight (kg)"}
METHOD_NAMES = {"iqr": "IQR fences", "zscore": "z-score", "mad": "modified z-score (MAD)"}
DATASET_NAMES = {"activities": "activity", "sets": "set", "diet_days": "diet day"}


def _insights_lines(insights: dict) -> list[str]:
    """The consistency score with its dimensions, the streaks, then each flagged value; every
    number is an `insights` value, every export name quoted."""
    c = insights["consistency"]
    dimensions = [f"frequency {number(c['frequency'])} ({_plural(c['sessions'], 'session', 'sessions')}"
                  + (f" against a recent norm of {number(c['norm_sessions'])})" if c["norm_sessions"] is not None
                     else ", no recent norm yet)")]
    for key, name in (("timing_regularity", "timing regularity"), ("performance_stability", "performance stability")):
        dimensions.append(f"{name} {number(c[key])}" if c[key] is not None else f"{name} not enough data")
    dimensions.append(f"streak {number(c['streak'])}")
    lines = [f"- Consistency score {number(c['score'])}: {', '.join(dimensions)}.",
             f"- Streaks: {_plural(c['current_streak_weeks'], 'week', 'weeks')} in a row with a session (longest "
             f"{number(c['longest_streak_weeks'])}); {_plural(c['current_streak_days'], 'day', 'days')} in a row "
             f"up to Sunday (longest {number(c['longest_streak_days'])})."]
    if not insights["anomalies"]:
        return [*lines, "- No anomalies flagged this week."]
    for item in insights["anomalies"]:
        methods = ", ".join(METHOD_NAMES[m] for m in item["methods"])
        lines.append(f"- Flagged {DATASET_NAMES.get(item['dataset'], item['dataset'])} on {item['date']}, "
                     f"{quoted(item['subject'])}: {METRIC_NAMES.get(item['metric'], item['metric'])} "
                     f"{number(item['value'])} against a group median of {number(item['group_median'])} "
                     f"(by {methods}).")
    return lines


def _alignment(cycle_type: str | None, progressed: list, regressed: list) -> str:
    if cycle_type == "cutting":
        return ("- Cutting: holding or losing a little strength is expected; "
                + ("progress this week is a good sign." if progressed else "watch the regressions listed above."
                   if regressed else "strength held."))
    if cycle_type == "bulking":
        return ("- Bulking: the surplus should show up as progression; "
                + ("it does this week." if progressed else "none this week, so check the training stimulus."))
    if cycle_type in ("maintenance", "reverse"):
        return f"- {cycle_type.capitalize()}: aim to hold strength; " + (
            "regressions above deserve a look." if regressed else "no regressions this week.")
    return "- No cycle for this week: not enough data to judge alignment."
