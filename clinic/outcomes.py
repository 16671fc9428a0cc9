"""Outcomes of a cohort of treatments: adherence, flag rates, review outcomes, time
to resolution (Kaplan-Meier) and the day-by-day spread against the course.

Counts come from aggregate queries; the distributions from one ordered scan of the
cohort's entries (quantiles per day are not portable SQL between SQLite and
PostgreSQL).
"""

import hashlib
import hmac
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db.models import Count, Q

from clinic.models import ReviewCase
from diary.models import Entry
from recovery.course import Course
from recovery.outcomes import Spread, spread_by_day, time_to_resolution
from recovery.scales import SYMPTOMS
from recovery.survival import Step, kaplan_meier, quantile_time

SMALL_COHORT = 5  # fewer treatments than this: counts only, no curves
SUGGEST_FROM = 20  # cohorts this large can suggest reviewing the course
LOGGED_DAYS = 11  # days 0-10


@dataclass
class Resolution:
    median: int | None
    q1: int | None
    q3: int | None
    steps: list[Step]
    times: list[int]
    events: list[bool]


@dataclass
class CohortSummary:
    label: str
    treatments: int
    adherence: float | None = None  # share of days 0-10 with an entry
    adherent_patients: float | None = None  # share who logged 7 of days 0-10
    review_share: float | None = None
    urgent_share: float | None = None
    outcomes: dict[str, int] = field(default_factory=dict)
    resolution: dict[str, Resolution] = field(default_factory=dict)
    spreads: dict[str, list[Spread]] = field(default_factory=dict)
    suggestions: list[str] = field(default_factory=list)

    @property
    def small(self) -> bool:
        return self.treatments < SMALL_COHORT

    @property
    def expected_variation_share(self) -> float | None:
        resolved = sum(self.outcomes.values())
        return self.outcomes.get("expected_variation", 0) / resolved if resolved else None


def cohort_summary(
    treatments, *, label: str, course: Course | None, now: datetime
) -> CohortSummary:
    """Summarise the treatments of queryset `treatments` (see the module docstring)."""
    counts = treatments.aggregate(
        n=Count("id", distinct=True),
        review=Count("id", filter=Q(entries__flags__level="review"), distinct=True),
        urgent=Count("id", filter=Q(entries__flags__level="urgent"), distinct=True),
    )
    summary = CohortSummary(label=label, treatments=counts["n"])
    if not counts["n"]:
        return summary
    summary.review_share = counts["review"] / counts["n"]
    summary.urgent_share = counts["urgent"] / counts["n"]
    summary.outcomes = dict(
        ReviewCase.objects.filter(treatment__in=treatments, status="resolved")
        .values_list("outcome").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    _adherence(summary, treatments, now)
    if not summary.small:
        _distributions(summary, treatments, course)
    return summary


def _adherence(summary: CohortSummary, treatments, now: datetime) -> None:
    logged = dict(
        Entry.objects.filter(treatment__in=treatments, day__lt=LOGGED_DAYS)
        .values_list("treatment").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    expected_total, logged_total, finished, adherent = 0, 0, 0, 0
    for pk, performed_at in treatments.values_list("id", "performed_at"):
        elapsed = min(LOGGED_DAYS, (now - performed_at).days + 1)
        expected_total += max(elapsed, 0)
        logged_total += logged.get(pk, 0)
        if elapsed >= LOGGED_DAYS:
            finished += 1
            adherent += logged.get(pk, 0) >= 7
    summary.adherence = logged_total / expected_total if expected_total else None
    summary.adherent_patients = adherent / finished if finished else None


def _distributions(summary: CohortSummary, treatments, course: Course | None) -> None:
    codes = [s.code for s in SYMPTOMS]
    by_treatment: dict[int, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    by_day: dict[str, dict[int, list[int]]] = {c: defaultdict(list) for c in codes}
    rows = Entry.objects.filter(treatment__in=treatments).values_list(
        "treatment", "day", *codes
    )
    for treatment_id, day, *values in rows.iterator(chunk_size=5000):
        for code, value in zip(codes, values, strict=True):
            by_treatment[treatment_id][code].append((day, value))
            by_day[code][day].append(value)
    for symptom in SYMPTOMS:
        outcomes = [time_to_resolution(v[symptom.code]) for v in by_treatment.values()]
        times = [t for t, _resolved in filter(None, outcomes)]
        events = [resolved for _t, resolved in filter(None, outcomes)]
        steps = kaplan_meier(times, events)
        summary.resolution[symptom.code] = Resolution(
            median=quantile_time(steps, 0.5), q1=quantile_time(steps, 0.25),
            q3=quantile_time(steps, 0.75), steps=steps, times=times, events=events,
        )  # fmt: skip
        summary.spreads[symptom.code] = spread_by_day(by_day[symptom.code])
        if course is not None and summary.treatments >= SUGGEST_FROM:
            summary.suggestions += _suggestions(
                symptom, summary.spreads[symptom.code], by_day, course
            )


def _suggestions(symptom, spreads: list[Spread], by_day, course: Course) -> list[str]:
    notes = []
    for spread in spreads:
        upper = course.band(symptom.code, spread.day).upper
        if spread.high > upper:
            values = by_day[symptom.code][spread.day]
            share = sum(v > upper for v in values) / len(values)
            notes.append(
                f"Day {spread.day}: {share:.0%} of this cohort reported "
                f"{symptom.label.lower()} above {upper}, the course's upper limit for "
                f"the day (upper quartile {spread.high:g}). Consider reviewing the course."
            )
    return notes


def pseudonym(treatment_id: int) -> str:
    """A stable id for exports that cannot be turned back into the treatment without
    the server's SECRET_KEY."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"treatment:{treatment_id}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:12]
