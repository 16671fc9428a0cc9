"""Summaries of many patients' diaries: time to resolution and day-by-day spread."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

RESOLVED_AT = 1  # a symptom counts as resolved from the day it stays at 1 or less
LOGGED_DAYS = 11  # adherence counts the entries of days 0-10


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
class DiaryFacts:
    """What one treatment's entries add up to, for outcomes across patients."""

    last_day: int
    logged_days: int  # of days 0-10
    resolution: dict[str, tuple[int, bool]]  # per symptom, see `resolution`


def diary_facts(entries: Sequence[tuple[int, Mapping[str, int]]]) -> DiaryFacts | None:
    """The facts of one treatment's (day, {symptom: value}) entries; None if empty."""
    if not entries:
        return None
    days = [day for day, _values in entries]
    codes = entries[0][1].keys()
    return DiaryFacts(
        last_day=max(days),
        logged_days=sum(day < LOGGED_DAYS for day in set(days)),
        resolution={
            code: time_to_resolution([(day, values[code]) for day, values in entries])
            for code in codes
        },
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
    ({day: {value: count}}); days with fewer than 2 reports are left out. Same
    results as statistics.quantiles(method="inclusive"), without expanding the counts."""
    spreads = []
    for day in sorted(counts):
        histogram = sorted((v, n) for v, n in counts[day].items() if n)
        total = sum(n for _v, n in histogram)
        if total < 2:
            continue
        low, median, high = (_quantile(histogram, total, p) for p in (0.25, 0.5, 0.75))
        spreads.append(Spread(day, total, low, median, high))
    return spreads


def _quantile(histogram: list[tuple[int, int]], total: int, share: float) -> float:
    """The inclusive quantile: interpolate between the sorted values at (total-1)*share."""
    position = (total - 1) * share
    below = int(position)
    lower, upper = _nth(histogram, below), _nth(histogram, min(below + 1, total - 1))
    return lower + (upper - lower) * (position - below)


def _nth(histogram: list[tuple[int, int]], index: int) -> int:
    seen = 0
    for value, count in histogram:
        seen += count
        if index < seen:
            return value
    return histogram[-1][0]
