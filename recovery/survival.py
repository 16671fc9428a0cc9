"""Time to resolution with censoring: the Kaplan-Meier estimate and the log-rank test.

A patient who stopped logging before a symptom settled is *censored* at their last
logged day: they count as "not yet resolved" up to then and are not dropped. Small
enough to own (a few dozen lines) rather than to pull in a statistics package;
checked against the textbook worked example (Freireich's 6-MP remission data, as
tabulated by Kleinbaum & Klein, Survival Analysis).
"""

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Step:
    time: float
    at_risk: int
    events: int
    survival: float  # share not yet resolved just after `time`


@dataclass(frozen=True, slots=True)
class LogRank:
    chi_square: float
    p_value: float


Outcomes = Mapping[tuple[float, bool], int]
"""How many subjects left the risk set at each (time, resolved): resolved True is
an event seen at that time, False a subject censored then. Counts rather than one
item per subject, so that a database can group thousands of patients into a few
rows."""


def tally(times: Sequence[float], events: Sequence[bool]) -> Counter:
    """The outcome counts of subjects given one by one (`events[i]` for `times[i]`)."""
    return Counter(zip(times, events, strict=True))


def kaplan_meier(outcomes: Outcomes) -> list[Step]:
    """Return the survival curve's steps at each time where an event happened.

    Censored subjects leave the risk set after the events of their time, as is the
    convention.
    """
    leaving, happened = _split(outcomes)
    at_risk, survival, steps = sum(leaving.values()), 1.0, []
    for time in sorted(leaving):
        if happened[time]:
            survival *= 1 - happened[time] / at_risk
            steps.append(Step(time, at_risk, happened[time], survival))
        at_risk -= leaving[time]
    return steps


def _split(outcomes: Outcomes) -> tuple[Counter, Counter]:
    """(how many left the risk set, how many had the event) at each time."""
    leaving, happened = Counter(), Counter()
    for (time, resolved), count in outcomes.items():
        leaving[time] += count
        if resolved:
            happened[time] += count
    return leaving, happened


def quantile_time(steps: Sequence[Step], share_resolved: float) -> float | None:
    """The first time by which `share_resolved` of subjects have resolved (the median
    for 0.5), or None if the curve never gets there (too much censoring)."""
    for step in steps:
        if step.survival <= 1 - share_resolved + 1e-12:
            return step.time
    return None


def log_rank(groups: Sequence[Outcomes]) -> LogRank:
    """Compare two groups' curves: the log-rank chi-square (1 degree of freedom) and
    its p-value. Raises ValueError unless given exactly two groups."""
    if len(groups) != 2:
        raise ValueError("the log-rank test here compares exactly two groups")
    # At-risk counts are running totals over the sorted times.
    leaving, happened = zip(*map(_split, groups), strict=True)
    at_risk = [sum(counts.values()) for counts in leaving]
    observed_minus_expected, variance = 0.0, 0.0
    for time in sorted(set(leaving[0]) | set(leaving[1])):
        deaths = [happened[0][time], happened[1][time]]
        n, d = sum(at_risk), sum(deaths)
        if d and n >= 2:
            observed_minus_expected += deaths[0] - d * at_risk[0] / n
            variance += d * (at_risk[0] / n) * (at_risk[1] / n) * (n - d) / (n - 1)
        at_risk = [at_risk[0] - leaving[0][time], at_risk[1] - leaving[1][time]]
    if variance == 0:
        return LogRank(chi_square=0.0, p_value=1.0)
    chi_square = observed_minus_expected**2 / variance
    # Chi-square with one degree of freedom: P(X > x) = erfc(sqrt(x / 2)).
    return LogRank(chi_square=chi_square, p_value=math.erfc(math.sqrt(chi_square / 2)))
