"""Rules over silver_workout_sets (one row per set) and the quarantine of the current exports."""

from __future__ import annotations

import difflib
import re

import numpy as np
import pandas as pd

from fitness_assets.lib.quality.core import Finding, Tolerances, finding, quarantined, quarantined_dates
from fitness_assets.schemas.silver import SET_TYPES

WORKOUT_KEY = ["athlete_id", "started_at", "title"]
BLOCK_KEY = [*WORKOUT_KEY, "block_index"]
SET_VALUES = ["set_type", "weight_kg", "reps", "distance_km", "duration_seconds", "rpe"]


def _rows(sets: pd.DataFrame, problem, values: list[str] = SET_VALUES) -> pd.DataFrame:
    """The common offending-row layout: where the row is, what it holds, what is wrong."""
    shown = sets[values].astype("string").fillna("")
    return pd.DataFrame({
        "file": sets["source_file"], "line": sets["source_line"],
        "workout": sets["started_at"].dt.strftime("%Y-%m-%d %H:%M") + " " + sets["title"],
        "exercise": sets["exercise_title"],
        "values": shown.apply(lambda r: ", ".join(f"{c}={v}" for c, v in r.items() if v != ""), axis=1)
        if len(sets) else pd.Series(dtype="string"),
        "problem": problem,
    })


def set_index_sequence(sets: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    """set_index starts at 0 with no gaps in each block.

    Blocks split where set_index stops increasing, so the rule is exactly "set_index equals the
    set's position in its block". Not reported here: a gap left by a quarantined row (the file
    has no gap; the row is listed by its own check) and a block begun by a row repeated right
    below itself (listed by no_duplicate_rows).
    """
    bad = sets[sets["set_index"] != sets["set_order"]]
    if len(bad):
        block_start = sets.groupby(BLOCK_KEY)["source_line"].transform("min")[bad.index]
        quarantined_lines = {sha: sorted(lines) for sha, lines in quarantine.groupby("source_sha256")["line"]}

        def explained_by_quarantine(row) -> bool:
            return any(block_start[row.Index] - 1 <= line < row.source_line
                       for line in quarantined_lines.get(row.source_sha256, ()))

        duplicate_starts = _adjacent_duplicates(_in_export_order(sets)).reindex(sets.index)
        duplicated_blocks = sets.loc[duplicate_starts & (sets["set_order"] == 0), BLOCK_KEY]
        in_duplicated_block = pd.MultiIndex.from_frame(bad[BLOCK_KEY]).isin(pd.MultiIndex.from_frame(duplicated_blocks))
        explained = np.array([explained_by_quarantine(row) for row in bad.itertuples()], dtype=bool)
        bad = bad[~explained & ~in_duplicated_block]
    problem = "set_index " + bad["set_index"].astype(str) + " where " + bad["set_order"].astype(str) + " was expected"
    return finding(_rows(bad, problem), len(sets))


def set_type_valid(sets: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    bad = sets[~sets["set_type"].isin(SET_TYPES)]
    rows = pd.concat([_rows(bad, "set_type is not one of " + ", ".join(SET_TYPES)),
                      quarantined(quarantine, r"\bset_type failed (?:isin|not_nullable)")], ignore_index=True)
    return finding(rows, len(sets) + len(rows))


def non_negative(sets: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    # Negative values never reach silver (Pandera quarantines them); this lists them.
    negative = quarantined(quarantine, r"\b(?:weight_kg|reps|distance_km|duration_seconds) failed greater_than_or_equal_to")
    return finding(negative, len(sets) + len(negative))


def end_after_start(sets: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    ended_early = quarantined(quarantine, "end_time is before start_time")
    return finding(ended_early, len(sets) + len(ended_early))


def no_future_dates(sets: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    return quarantined_dates(quarantine, "workout start", "future", len(sets))


def no_dates_before_earliest_year(sets: pd.DataFrame, quarantine: pd.DataFrame) -> Finding:
    return quarantined_dates(quarantine, "workout start", "early", len(sets))


def exercise_kinds(sets: pd.DataFrame, muscle_map: pd.DataFrame) -> pd.DataFrame:
    """Per athlete and exercise: is a missing weight expected (bodyweight, assisted, timed, cardio)?"""
    cardio_names = set(muscle_map.loc[muscle_map["muscle_group"] == "Cardio", "exercise_title"])
    loaded = sets["weight_kg"].fillna(0) > 0
    frame = sets.assign(
        loaded=loaded,
        distance=sets["distance_km"].fillna(0) > 0,
        timed=sets["reps"].isna() & (sets["duration_seconds"].fillna(0) > 0),
    ).groupby(["athlete_id", "exercise_title"]).agg(
        sets=("loaded", "size"), loaded_sets=("loaded", "sum"), distance=("distance", "any"),
        timed_share=("timed", "mean"))
    names = frame.index.get_level_values("exercise_title").str.casefold()
    frame["cardio"] = frame["distance"] | frame.index.get_level_values("exercise_title").isin(cardio_names)
    frame["timed"] = frame["timed_share"] >= 0.5
    frame["assisted"] = names.str.contains("assisted")
    frame["bodyweight"] = names.str.contains("bodyweight") | (frame["loaded_sets"] == 0)
    frame["weight_optional"] = frame[["cardio", "timed", "assisted", "bodyweight"]].any(axis=1)
    return frame


def _per_set(per_exercise: pd.Series, sets: pd.DataFrame) -> pd.Series:
    """A per-(athlete, exercise) flag spread onto every set (a vectorised join, not a lookup per row)."""
    keys = pd.MultiIndex.from_frame(sets[["athlete_id", "exercise_title"]])
    return pd.Series(per_exercise.reindex(keys).fillna(False).to_numpy(dtype=bool), index=sets.index)


def weight_where_expected(sets: pd.DataFrame, muscle_map: pd.DataFrame) -> Finding:
    kinds = exercise_kinds(sets, muscle_map)
    missing = sets["weight_kg"].fillna(0) <= 0
    optional = _per_set(kinds["weight_optional"], sets)
    suspects = sets[missing & ~optional]
    # The weight of the set before each suspect in its exercise block. Only the suspects' workouts
    # are sorted (a block's sets share its start): sorting a million sets took ~1 s, usually for none.
    their_workouts = sets[sets["started_at"].isin(suspects["started_at"].unique())]
    previous_weight = their_workouts.sort_values("source_line").groupby(BLOCK_KEY, sort=False)["weight_kg"].shift()
    after_loaded = previous_weight.reindex(suspects.index).fillna(0) > 0
    counts = pd.MultiIndex.from_frame(suspects[["athlete_id", "exercise_title"]])
    loaded_of = counts.map(lambda k: f"{kinds.at[k, 'loaded_sets']} of {kinds.at[k, 'sets']}")
    problem = pd.Series(
        "no weight, though " + pd.Series(loaded_of, index=suspects.index).astype(str)
        + " sets of this exercise are loaded: suspected entry error", index=suspects.index, dtype=object)
    problem[after_loaded] = ("no weight on a " + suspects["set_type"] + " set right after loaded sets of the "
                             "same exercise: suspected entry error")[after_loaded]
    return finding(_rows(suspects, problem), len(sets))


def reps_where_expected(sets: pd.DataFrame, muscle_map: pd.DataFrame) -> Finding:
    kinds = exercise_kinds(sets, muscle_map)
    timed_or_cardio = _per_set(kinds["timed"] | kinds["cardio"], sets)
    has_time_or_distance = (sets["duration_seconds"].fillna(0) > 0) | (sets["distance_km"].fillna(0) > 0)
    bad = sets[sets["reps"].isna() & ~(timed_or_cardio | has_time_or_distance)]
    return finding(_rows(bad, "no reps on an exercise that is neither timed nor cardio"), len(sets))


def workout_duration(sets: pd.DataFrame, quality: Tolerances) -> Finding:
    workouts = sets.sort_values("source_line").groupby(WORKOUT_KEY, sort=False).agg(
        source_file=("source_file", "first"), source_line=("source_line", "min"),
        duration_minutes=("duration_minutes", "first"), sets=("set_order", "size")).reset_index()
    short = workouts["duration_minutes"] < quality.workout_min_minutes
    long = workouts["duration_minutes"] > quality.workout_max_minutes
    bad = workouts[short | long]
    rows = pd.DataFrame({
        "file": bad["source_file"], "line": bad["source_line"],
        "workout": bad["started_at"].dt.strftime("%Y-%m-%d %H:%M") + " " + bad["title"],
        "values": "duration " + bad["duration_minutes"].astype(str) + " min, " + bad["sets"].astype(str) + " sets",
        "problem": ("outside " + f"{quality.workout_min_minutes:g}–{quality.workout_max_minutes:g} min"),
    })
    return finding(rows, len(workouts), workouts=len(workouts))


def outliers(sets: pd.DataFrame, quality: Tolerances) -> Finding:
    """Entry errors, not progress: each set against the same exercise's recent sets.

    A set is judged against the `outlier_recent_sets` sets of the same athlete, exercise and kind
    (working, warm-up, drop set) logged before it. It is flagged only when it is outside that
    recent range's Tukey fences (k = `outlier_iqr_k`, the spread at least 10 % of the median)
    *and* at least `outlier_ratio` times above or below the recent median: a new top weight a few
    percent above the last sessions is progression, a 111-rep set among sets of 10 (a typo for
    11) or 850 kg for 85 is not. Judging against all history flagged every personal record of a
    lifter who progressed (92 rows on a real export, almost all of them PRs). Sets with fewer
    than `outlier_min_sets` earlier sets are not judged. The worst (largest ratio) come first.
    """
    order = sets.sort_values(["started_at", "source_file", "source_line"], kind="stable")
    kind = order["set_type"].map({"warmup": "warm-up", "dropset": "drop-set"}).fillna("working")
    group = order.groupby([order["athlete_id"], order["exercise_title"], kind], sort=False).ngroup()
    flagged = []
    for column in ("weight_kg", "reps"):
        values = order[column].astype("float64")
        judged = values.where(values > 0)  # 0 and missing: other checks (weight_where_expected)
        median = _recent(judged, group, quality, "median")
        ratio = judged / median
        far = judged.notna() & median.notna() & ((ratio >= quality.outlier_ratio) | (ratio <= 1 / quality.outlier_ratio))
        # Rolling quartiles cost ~1 s per million sets each: only in groups with a set far off its median.
        in_question = group.isin(group[far].unique())
        q1 = _recent(judged[in_question], group[in_question], quality, 0.25).reindex(order.index)
        q3 = _recent(judged[in_question], group[in_question], quality, 0.75).reindex(order.index)
        spread = (q3 - q1).clip(lower=median.abs() * 0.1)
        low, high = q1 - quality.outlier_iqr_k * spread, q3 + quality.outlier_iqr_k * spread
        out = far & ((judged < low) | (judged > high))
        hits = order[out]
        problem = (column + " " + _number(values[out]) + " outside the " + kind[out] + " range "
                   + _number(low[out].clip(lower=0)) + "–" + _number(high[out]) + " of this exercise's "
                   + str(quality.outlier_recent_sets) + " sets before it (median " + _number(median[out])
                   + ", " + _number(ratio[out].round(2)) + "×)")
        flagged.append(_rows(hits, problem).assign(_severity=np.abs(np.log(ratio[out])).to_numpy()))
    offending = pd.concat(flagged).sort_values(["_severity", "file", "line"], ascending=[False, True, True],
                                                kind="stable").drop(columns="_severity")
    return finding(offending, len(sets))


def _recent(values: pd.Series, group: pd.Series, quality: Tolerances, statistic) -> pd.Series:
    """Per row, `statistic` ("median" or a quantile) of the up to `outlier_recent_sets` values of
    its group before it (None with fewer than `outlier_min_sets`)."""
    earlier = values.groupby(group).shift(1)
    window = earlier.groupby(group).rolling(quality.outlier_recent_sets, min_periods=quality.outlier_min_sets)
    result = window.median() if statistic == "median" else window.quantile(statistic)
    return result.reset_index(level=0, drop=True).reindex(values.index)


def _number(values: pd.Series) -> pd.Series:
    return values.map("{:g}".format).astype("string")


# DOTALL: a name is free text (newlines, tabs, control characters), and this pattern must
# match every name, the empty one included, or the check fails instead of reporting.
_EQUIPMENT = re.compile(r"^(?P<base>.*?)\s*(?:\((?P<equipment>[^)]*)\))?\s*$", re.DOTALL)


def _normalised(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", " ", name.casefold()).strip()


def _nearly_identical(a: re.Match, b: re.Match, similarity: float) -> bool:
    """Same equipment and near-equal base names, or the same base and near-equal equipment
    ("(Barbel)" for "(Barbell)"); "(Barbell)" vs "(Dumbbell)" are different exercises."""
    base_a, base_b = _normalised(a["base"]), _normalised(b["base"])
    kit_a, kit_b = _normalised(a["equipment"] or ""), _normalised(b["equipment"] or "")
    if kit_a == kit_b:
        return base_a == base_b or difflib.SequenceMatcher(None, base_a, base_b).ratio() >= similarity
    return base_a == base_b and difflib.SequenceMatcher(None, kit_a, kit_b).ratio() >= similarity


def exercise_names(sets: pd.DataFrame, muscle_map: pd.DataFrame, similarity: float = 0.9) -> Finding:
    """Names used in a single workout, and pairs of names that differ by a typo.

    Two names are 'nearly identical' when they share the equipment in brackets and their
    base names match at `similarity` or more, and at least one of them is not a known
    exercise (two library names such as Hip Abduction/Hip Adduction are both real).
    """
    known = set(muscle_map["exercise_title"])
    usage = sets.groupby(["athlete_id", "exercise_title"]).agg(
        workouts=("started_at", "nunique"), source_file=("source_file", "first"), source_line=("source_line", "min"))
    rows = []
    for (_, name), use in usage[usage["workouts"] == 1].iterrows():
        rows.append({"file": use["source_file"], "line": use["source_line"], "exercise": name,
                     "problem": "used in a single workout: a rename or typo?"})
    for athlete_id, names in usage.reset_index().groupby("athlete_id")["exercise_title"]:
        parts = {n: _EQUIPMENT.match(n) for n in names}
        ordered = sorted(names)
        for i, first in enumerate(ordered):
            for second in ordered[i + 1:]:
                if first in known and second in known:
                    continue
                if not _nearly_identical(parts[first], parts[second], similarity):
                    continue
                # Report the suspect: the name not in the curated map, else the one used less.
                suspect, other = (second, first) if second not in known else (first, second)
                if suspect not in known and other not in known and (
                        usage.at[(athlete_id, suspect), "workouts"] > usage.at[(athlete_id, other), "workouts"]):
                    suspect, other = other, suspect
                use = usage.loc[(athlete_id, suspect)]
                rows.append({"file": use["source_file"], "line": use["source_line"], "exercise": suspect,
                             "problem": f"nearly identical to '{other}'"})
    offending = pd.DataFrame(rows, columns=["file", "line", "exercise", "problem"])
    return finding(offending, len(usage), exercises=len(usage))


def _row_hashes(sets: pd.DataFrame, columns: list[str]) -> pd.Series:
    """A 64-bit hash of each row's values (missing values hash alike). Vectorised: a string per
    row costs seconds per million rows. Two different rows share a hash with odds of ~1e-19."""
    return pd.Series(pd.util.hash_pandas_object(sets[columns], index=False).to_numpy(), index=sets.index)


def _in_export_order(sets: pd.DataFrame) -> pd.DataFrame:
    """Rows grouped by workout (`workout` is its number), each workout in file order."""
    workout = sets.groupby(WORKOUT_KEY, sort=False, dropna=False).ngroup()
    return sets.assign(workout=workout).sort_values(["workout", "source_line"], kind="stable")


def _adjacent_duplicates(ordered: pd.DataFrame) -> pd.Series:
    """Rows (of `_in_export_order`) identical (exercise, set_index and values) to the row just
    above them in the same workout."""
    row = _row_hashes(ordered, ["exercise_title", "set_index", *SET_VALUES])
    return (row == row.shift()) & (ordered["workout"] == ordered["workout"].shift())


def _repeated_blocks(ordered: pd.DataFrame) -> pd.Series:
    """Rows (of `_in_export_order`) of a block identical, set for set, to an earlier block of the
    same workout.

    A block's content is the XOR of one hash per row of (its values, its position in the block):
    equal blocks have equal contents, and positions are unique within a block, so no two rows
    cancel. Vectorised: a tuple of row hashes per block, built in a Python loop, cost 2.8 s per
    million sets; two different blocks of a workout share a content with odds of ~1e-19."""
    if ordered.empty:
        return pd.Series(False, index=ordered.index, dtype=bool)
    block = ordered.groupby(BLOCK_KEY, sort=False, dropna=False).ngroup().to_numpy()
    by_block = np.argsort(block, kind="stable")  # each block's rows together, in file order
    position = pd.Series(block[by_block]).groupby(block[by_block]).cumcount().to_numpy()
    row = _row_hashes(ordered, ["set_index", *SET_VALUES]).to_numpy()[by_block]
    keyed = pd.util.hash_pandas_object(pd.DataFrame({"row": row, "position": position}), index=False).to_numpy()
    starts = np.flatnonzero(np.r_[True, block[by_block][1:] != block[by_block][:-1]])
    blocks = ordered.assign(block=block).groupby("block", sort=True).agg(
        workout=("workout", "first"), exercise=("exercise_title", "first"), first_line=("source_line", "min"),
        rows=("source_line", "size"))
    blocks["content"] = np.bitwise_xor.reduceat(keyed, starts)  # blocks numbered 0…n-1, in `starts` order
    blocks = blocks.sort_values(["workout", "first_line"], kind="stable")
    repeated = blocks.index[blocks.duplicated(["workout", "exercise", "rows", "content"], keep="first")]
    return pd.Series(np.isin(block, repeated.to_numpy()), index=ordered.index)


def duplicate_rows(sets: pd.DataFrame) -> Finding:
    """Exact duplicates: a row repeated right below itself, or a whole block repeated later in
    the same workout (a workout pasted twice). A single identical set in a later, different
    block is a real back-off set and is not reported."""
    ordered = _in_export_order(sets)
    adjacent, repeated = (_adjacent_duplicates(ordered).reindex(sets.index),
                          _repeated_blocks(ordered).reindex(sets.index))
    bad = sets[adjacent | repeated]
    problem = pd.Series("identical to the row above it", index=bad.index, dtype=object)
    problem[repeated[bad.index] & ~adjacent[bad.index]] = "part of a block identical to an earlier block"
    return finding(_rows(bad, problem), len(sets))
