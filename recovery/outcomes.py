"""Summaries of many patients' diaries: time to resolution and day-by-day spread."""

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

RESOLVED_AT = 1  # a symptom counts as resolved from the day it stays at 1 or less


def resolution(
    *, first_day: int, last_day: int, last_day_above: int | None
) -> tuple[int, bool]:
    """(day, resolved) from three facts about one patient's entries for a symptom: the
    first logged day, the last logged day, and the last day it was above the
    threshold (None if never). Resolved on the day after the last day above it (or
    from the first entry, if never above); censored at the last entry if that entry
    was still above it. Three aggregates a database computes per treatment."""
    if last_day_above is None:
        return first_day, True
    if last_day_above >= last_day:
        return last_day, False
    return last_day_above + 1, True


def time_to_resolution(
    values: Sequence[tuple[int, int]], *, threshold: int = RESOLVED_AT
) -> tuple[int, bool] | None:
    """(day, resolved) from one patient's (day, value) entries: the first day from
    which the value stays at `threshold` or less (see `resolution`). None if empty."""
    if not values:
        return None
    above = [day for day, value in values if value > threshold]
    return resolution(
        first_day=min(day for day, _v in values),
        last_day=max(day for day, _v in values),
        last_day_above=max(above, default=None),
    )


@dataclass(frozen=True, slots=True)
class Spread:
    day: int
    count: int
    low: float  # 25th percentile
    median: float
    high: float  # 75th percentile


def spread_by_day(counts: dict[int, dict[int, int]]) -> list[Spread]:
    """Quartiles per day from how many patients reported each value that day
    ({day: {value: count}}); days with fewer than 2 reports are left out."""
    spreads = []
    for day in sorted(counts):
        values = [value for value, n in sorted(counts[day].items()) for _i in range(n)]
        if len(values) < 2:
            continue
        low, median, high = statistics.quantiles(values, n=4, method="inclusive")
        spreads.append(Spread(day, len(values), low, median, high))
    return spreads
