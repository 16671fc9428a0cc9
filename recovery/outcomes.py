"""Summaries of many patients' diaries: time to resolution and day-by-day spread."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

RESOLVED_AT = 1  # a symptom counts as resolved from the day it stays at 1 or less


def time_to_resolution(
    values: Sequence[tuple[int, int]], *, threshold: int = RESOLVED_AT
) -> tuple[int, bool] | None:
    """From one patient's (day, value) entries, return (day, resolved): the first day
    from which the value stays at `threshold` or less, or, if it had not settled by the
    last entry, that last day with resolved=False (censored). None without entries."""
    if not values:
        return None
    ordered = sorted(values)
    if ordered[-1][1] > threshold:
        return ordered[-1][0], False
    day = ordered[-1][0]
    for entry_day, value in reversed(ordered):
        if value > threshold:
            break
        day = entry_day
    return day, True


@dataclass(frozen=True, slots=True)
class Spread:
    day: int
    count: int
    low: float  # 25th percentile
    median: float
    high: float  # 75th percentile


def spread_by_day(values_by_day: dict[int, list[int]]) -> list[Spread]:
    """Quartiles of the values reported on each day (days with at least 2 values)."""
    spreads = []
    for day in sorted(values_by_day):
        values = values_by_day[day]
        if len(values) < 2:
            continue
        low, median, high = statistics.quantiles(values, n=4, method="inclusive")
        spreads.append(Spread(day, len(values), low, median, high))
    return spreads
