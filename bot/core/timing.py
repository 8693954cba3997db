"""Durations as reports and logs give them: milliseconds, one decimal."""


def ms(seconds: float) -> float:
    return round(seconds * 1000, 1)
