"""The diet side of a synthetic athlete, shared by both histories: cycle kinds, daily macro
targets, weight drift, weekly cardio, day notes, and the cycle strings of the diet log."""

from __future__ import annotations

from datetime import date

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


def cycle_label(position: int, kind: str, nth_of_kind: int, start: date, end: date | None) -> str:
    """The athlete's cycle string, e.g. '1Cutting I (02/01/2023 - 17/04/2023)'; an open cycle
    ends in 'XX/XX/XXXX'."""
    end_text = "XX/XX/XXXX" if end is None else f"{end:%d/%m/%Y}"
    return f"{position + 1}{kind} {roman(nth_of_kind)} ({start:%d/%m/%Y} - {end_text})"


def roman(number: int) -> str:
    text = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"),
                           (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, number = divmod(number, value)
        text += letters * count
    return text
