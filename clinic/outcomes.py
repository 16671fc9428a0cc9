"""Outcomes of a cohort of treatments: adherence, flag rates, review outcomes, time
to resolution (Kaplan-Meier) and the day-by-day spread against the course.

Everything is computed in the database with grouped aggregates: per treatment, the
three facts that fix its time to resolution; per day, how many reported each value
(quantiles come from those counts, since quantile functions are not portable SQL
between SQLite and PostgreSQL).
"""

import csv
import hashlib
import hmac
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Case, Count, Max, Min, Q, When
from django.utils.translation import gettext as _

from clinic.models import ReviewCase
from clinic.outcome_charts import resolution_chart, spread_chart
from diary.models import DowntimeReport, Entry, Flag
from recovery.course import Course
from recovery.outcomes import RESOLVED_AT, Spread, resolution, spread_by_day
from recovery.scales import SYMPTOMS
from recovery.survival import Step, kaplan_meier, log_rank, quantile_time

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
    reports: int = 0  # day-14 answers
    back_to_work_day: float | None = None  # medians of the answers
    makeup_day: float | None = None
    satisfaction: float | None = None

    @property
    def small(self) -> bool:
        return self.treatments < SMALL_COHORT

    def chart_data(self, code: str) -> tuple:
        """What the charts draw for one symptom, to key their cache."""
        steps = [(s.time, s.survival) for s in self.resolution[code].steps]
        spreads = [(s.day, s.low, s.median, s.high) for s in self.spreads[code]]
        return self.label, steps, spreads

    @property
    def expected_variation_share(self) -> float | None:
        resolved = sum(self.outcomes.values())
        return self.outcomes.get("expected_variation", 0) / resolved if resolved else None


def cohort_summary(
    treatments, *, label: str, course: Course | None, now: datetime
) -> CohortSummary:
    """Summarise the treatments of queryset `treatments` (see the module docstring)."""
    codes = [s.code for s in SYMPTOMS]
    aggregates = {
        "first": Min("entries__day"),
        "last": Max("entries__day"),
        "logged": Count("entries", filter=Q(entries__day__lt=LOGGED_DAYS)),
    }
    for code in codes:
        aggregates[f"above_{code}"] = Max(
            "entries__day", filter=Q(**{f"entries__{code}__gt": RESOLVED_AT})
        )
    # Treatments 10 or more days old expect all 11 days; only recent ones need their
    # date (reading 20,000 datetimes cost more than the aggregates).
    finished = now - timedelta(days=LOGGED_DAYS - 1)
    aggregates["finished"] = Max(Case(When(performed_at__lte=finished, then=1), default=0))
    facts = list(treatments.values("id").annotate(**aggregates).order_by())
    summary = CohortSummary(label=label, treatments=len(facts))
    if not facts:
        return summary
    flagged = dict(
        Flag.objects.filter(entry__treatment__in=treatments).values_list("level")
        .annotate(n=Count("entry__treatment", distinct=True)).order_by()
    )  # fmt: skip
    summary.review_share = flagged.get("review", 0) / len(facts)
    summary.urgent_share = flagged.get("urgent", 0) / len(facts)
    summary.outcomes = dict(
        ReviewCase.objects.filter(treatment__in=treatments, status="resolved")
        .values_list("outcome").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    _reports(summary, treatments)
    recent = dict(
        treatments.filter(performed_at__gt=finished).values_list("id", "performed_at")
    )
    _adherence(summary, facts, recent, now)
    if not summary.small:
        _distributions(summary, facts, treatments, course)
    return summary


def _reports(summary: CohortSummary, treatments) -> None:
    answers = list(
        DowntimeReport.objects.filter(treatment__in=treatments).values_list(
            "back_to_work_day", "makeup_day", "satisfaction"
        )
    )
    summary.reports = len(answers)
    for index, name in enumerate(("back_to_work_day", "makeup_day", "satisfaction")):
        given = [row[index] for row in answers if row[index] is not None]
        setattr(summary, name, statistics.median(given) if given else None)


def _adherence(
    summary: CohortSummary, facts: list[dict], recent: dict, now: datetime
) -> None:
    expected_total, logged_total, finished, adherent = 0, 0, 0, 0
    for fact in facts:
        elapsed = LOGGED_DAYS if fact["finished"] else (now - recent[fact["id"]]).days + 1
        expected_total += max(elapsed, 0)
        logged_total += fact["logged"]
        if elapsed >= LOGGED_DAYS:
            finished += 1
            adherent += fact["logged"] >= 7
    summary.adherence = logged_total / expected_total if expected_total else None
    summary.adherent_patients = adherent / finished if finished else None


def _distributions(
    summary: CohortSummary, facts, treatments, course: Course | None
) -> None:
    """Resolution from the per-treatment facts; the spread by day from one grouped
    count of each combination of values on each day (few rows, split per symptom)."""
    codes = [s.code for s in SYMPTOMS]
    counts = {code: defaultdict(lambda: defaultdict(int)) for code in codes}
    combos = Entry.objects.filter(treatment__in=treatments).values_list("day", *codes)
    for day, *values, n in combos.annotate(n=Count("id")).order_by():
        for code, value in zip(codes, values, strict=True):
            counts[code][day][value] += n
    logged = [f for f in facts if f["first"] is not None]
    for symptom in SYMPTOMS:
        code = symptom.code
        outcomes = [resolution(first_day=f["first"], last_day=f["last"],
                               last_day_above=f[f"above_{code}"]) for f in logged]  # fmt: skip
        times, events = [t for t, _e in outcomes], [e for _t, e in outcomes]
        steps = kaplan_meier(times, events)
        summary.resolution[code] = Resolution(
            median=quantile_time(steps, 0.5), q1=quantile_time(steps, 0.25),
            q3=quantile_time(steps, 0.75), steps=steps, times=times, events=events,
        )  # fmt: skip
        summary.spreads[code] = spread_by_day(counts[code])
        if course is not None and summary.treatments >= SUGGEST_FROM:
            summary.suggestions += _suggestions(
                symptom, summary.spreads[code], counts[code], course
            )


def _suggestions(symptom, spreads: list[Spread], counts, course: Course) -> list[str]:
    notes = []
    for spread in spreads:
        upper = course.band(symptom.code, spread.day).upper
        if spread.high > upper:
            day_counts = counts[spread.day]
            share = sum(n for v, n in day_counts.items() if v > upper) / spread.count
            notes.append(
                _(
                    "Day %(day)d: %(share)s of this cohort reported %(symptom)s above "
                    "%(upper)d, the course's upper limit for the day (upper quartile "
                    "%(high)s). Consider reviewing the course."
                )
                % {"day": spread.day, "share": f"{share:.0%}", "upper": upper,
                   "symptom": _(symptom.label).lower(), "high": f"{spread.high:g}"}
            )  # fmt: skip
    return notes


def pseudonym(treatment_id: int) -> str:
    """A stable id for exports that cannot be turned back into the treatment without
    the server's SECRET_KEY."""
    digest = hmac.new(
        settings.SECRET_KEY.encode(), f"treatment:{treatment_id}".encode(), hashlib.sha256
    )
    return digest.hexdigest()[:12]


def cohorts_compare(cohorts, *, now: datetime) -> dict:
    """Summaries of (treatments, label, course) cohorts side by side, their charts
    (cohorts large enough only) and a log-rank test per symptom between the first two.
    The first cohort's course draws the band."""
    summaries = [
        cohort_summary(t, label=label, course=course, now=now)
        for t, label, course in cohorts
    ]
    shown = [c for c in summaries if not c.small]
    course = cohorts[0][2] if cohorts else None
    charts = []
    if shown:  # small cohorts show counts only
        charts = [
            (resolution_chart(s, shown), spread_chart(s, shown, course)) for s in SYMPTOMS
        ]
    tests = {}
    if len(shown) >= 2:
        for symptom in SYMPTOMS:
            first, second = (shown[i].resolution[symptom.code] for i in (0, 1))
            tests[symptom.code] = log_rank(
                [(first.times, first.events), (second.times, second.events)]
            )
    return {"cohorts": summaries, "charts": charts, "tests": tests}


EXPORT_COLUMNS = {
    "treatment": "treatment", "procedure": "treatment__procedure__slug",
    "course_version": "treatment__course_version__version",
    "needle_depth_mm": "treatment__needle_depth_mm", "anaesthesia": "treatment__anaesthesia",
    "day": "day", "redness": "redness", "bruising": "bruising", "peeling": "peeling",
    "pain": "pain", "bleeding": "bleeding", "warning_signs": "warning_signs", "status": "status",
}  # fmt: skip


def cohort_csv(treatments, out) -> None:
    """Write the cohort's entries as CSV to `out`: a pseudonymous treatment id and the
    scores, never names or free text (notes are left out on purpose)."""
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    rows = Entry.objects.filter(treatment__in=treatments).order_by("treatment", "day")
    for row in rows.values_list(*EXPORT_COLUMNS.values()).iterator(chunk_size=5000):
        values = dict(zip(EXPORT_COLUMNS, row, strict=True))
        values["treatment"] = pseudonym(values["treatment"])
        values["warning_signs"] = " ".join(values["warning_signs"])
        writer.writerow(values.values())
