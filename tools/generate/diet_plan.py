"""The diet side of a synthetic athlete, shared by both histories: cycle kinds, daily macro
targets, weight drift, weekly cardio, day notes, and the cycle strings of the diet log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

CUTTING, BULKING, REVERSA, MANUTENCAO = "Cutting", "Bulking", "Reversa", "Manutenção"
# Daily targets in grams (carbs, protein, fat) for an 88 kg athlete.
REFERENCE_WEIGHT_KG = 88.0
MACRO_TARGETS = {
    CUTTING: (170.0, 190.0, 55.0),
    BULKING: (330.0, 175.0, 80.0),
    REVERSA: (200.0, 180.0, 60.0),
    MANUTENCAO: (260.0, 180.0, 70.0),
}
# Coaches move carbs in small steps; protein and fat stay put.
CARB_STEP_DAYS = 14
CUTTING_CARB_CUT, CUTTING_CARB_FLOOR, REVERSA_CARB_ADD = 10.0, 110.0, 12.0
WEIGHT_DRIFT_KG_PER_DAY = {CUTTING: -0.055, BULKING: 0.035, REVERSA: 0.012, MANUTENCAO: 0.0}
WEEKLY_CARDIO_MIN = {CUTTING: (120, 150, 180), BULKING: (30, 60, 60), REVERSA: (60, 90, 90), MANUTENCAO: (60, 90, 120)}
DECIMAL_PROBABILITY = 0.15  # grams logged with one decimal
NOTE_DAY_PROBABILITY = 0.04
FREE_MEAL, FORGOT_SCALE = "refeição livre", "esqueci de pesar"
DIET_NOTES = (
    FREE_MEAL, FREE_MEAL, "aniversário, comi fora", "viagem a trabalho", "pouca fome",
    "jantar em família", FORGOT_SCALE, "churrasco no domingo", "dormi mal",
)  # fmt: skip
FREE_MEAL_EXTRA_G = (150, 40)  # (carbs, fat) on top of the day's targets


def cycle_labels(plan: Sequence[tuple[str, date]]) -> list[str]:
    """The athlete's cycle strings for back-to-back cycles given as (kind, first day).

    E.g. '1Cutting I (02/01/2023 - 17/04/2023)': numbered in order, then per kind in Roman
    numerals; each cycle ends the day before the next starts, the last stays open
    ('... - XX/XX/XXXX').
    """
    seen: dict[str, int] = {}
    labels = []
    for position, (kind, start) in enumerate(plan):
        seen[kind] = seen.get(kind, 0) + 1
        is_last = position == len(plan) - 1
        end_text = "XX/XX/XXXX" if is_last else f"{plan[position + 1][1] - timedelta(days=1):%d/%m/%Y}"
        labels.append(f"{position + 1}{kind} {roman(seen[kind])} ({start:%d/%m/%Y} - {end_text})")
    return labels


def roman(number: int) -> str:
    text = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        text += letters * count
    return text
