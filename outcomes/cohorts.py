"""Outcomes of a cohort of treatments: adherence, flag rates, review outcomes, time
to resolution (Kaplan-Meier) and the day-by-day spread against the course.

Everything is counted in the database. Per-treatment facts (days logged, flags, time
to resolution) come from each treatment's `DiarySummary`, so a cohort reads one row
per treatment; only the day-by-day spread reads the entries, as one grouped count
of each combination of values on each day (quantiles come from those counts, since
quantile functions are not portable SQL between SQLite and PostgreSQL).
"""

import hashlib
import hmac
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Case, Count, F, Q, When
from django.utils.translation import gettext as _

from clinic.exports import SafeWriter
from diary.models import Entry
from outcomes.charts import resolution_chart, spread_chart
from recovery.course import Course
from recovery.days import day_number
from recovery.outcomes import LOGGED_DAYS, Spread, spread_by_day
from recovery.scales import SYMPTOMS
from recovery.survival import Step, kaplan_meier, log_rank, quantile_time
from review.models import ReviewCase

SMALL_COHORT = 5  # fewer treatments than this: counts only, no curves
SUGGEST_FROM = 20  # cohorts this large can suggest reviewing the course


@dataclass
class Resolution:
    median: int | None
    q1: int | None
    q3: int | None
    steps: list[Step]
    outcomes: Counter  # (day, resolved) -> treatments, see recovery.survival


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
    total = Counter()  # treatments, days to log and logged, finished, adherent, flagged
    resolutions = {code: Counter() for code in CODES}
    for recent_at, zone, facts, n in _treatment_groups(treatments, now):
        days = LOGGED_DAYS if recent_at is None else _days_so_far(recent_at, zone, now)
        total.update(treatments=n, days_to_log=days * n, finished=n * (days == LOGGED_DAYS))
        if facts is None:  # nothing logged yet
            continue
        total.update(
            logged=facts["logged_days"] * n,
            adherent=n * (days == LOGGED_DAYS and facts["logged_days"] >= 7),
            review=n * facts["review_flagged"],
            urgent=n * facts["urgent_flagged"],
        )
        for code in CODES:
            resolved_day = facts[f"{code}_resolved_day"]
            if resolved_day is None:  # not yet: censored at the last entry
                resolutions[code][facts["last_day"], False] += n
            else:
                resolutions[code][resolved_day, True] += n
    summary = CohortSummary(label=label, treatments=total["treatments"])
    if not summary.treatments:
        return summary
    summary.review_share = total["review"] / summary.treatments
    summary.urgent_share = total["urgent"] / summary.treatments
    if total["days_to_log"]:
        summary.adherence = total["logged"] / total["days_to_log"]
    if total["finished"]:
        summary.adherent_patients = total["adherent"] / total["finished"]
    summary.outcomes = dict(
        ReviewCase.objects.filter(
            treatment__in=treatments, status=ReviewCase.Status.RESOLVED
        )
        # A case that closed itself was never reviewed: not an outcome.
        .exclude(outcome=ReviewCase.Outcome.FLAGS_WITHDRAWN)
        .values_list("outcome").annotate(n=Count("id")).order_by()
    )  # fmt: skip
    _reports(summary, treatments)
    if not summary.small:
        _distributions(summary, treatments, resolutions, course)
    return summary


CODES = [symptom.code for symptom in SYMPTOMS]
FACTS = ["logged_days", "review_flagged", "urgent_flagged", "last_day"] + [
    f"{code}_resolved_day" for code in CODES
]


def _treatment_groups(treatments, now: datetime):
    """Yield (performed_at if still within days 0-10 else None, clinic time zone,
    the diary summary's facts or None, how many treatments) for the cohort, with one
    grouped query over the summaries: past treatments with the same facts share a
    row; recent ones keep their time so that their days so far can be counted in
    their clinic's zone."""
    recent = Q(performed_at__gt=now - timedelta(days=LOGGED_DAYS))
    recent_at = Case(When(recent, then=F("performed_at")), default=None)
    zone = Case(When(recent, then=F("clinic__time_zone")), default=None)
    rows = treatments.values_list(
        recent_at, zone, *(f"diary_summary__{name}" for name in FACTS)
    )
    for recent_at, zone, *facts, n in rows.annotate(n=Count("*")).order_by():
        logged = facts[0] is not None
        yield recent_at, zone, dict(zip(FACTS, facts, strict=True)) if logged else None, n


def _days_so_far(performed_at: datetime, zone: str, now: datetime) -> int:
    """How many of days 0-10 a treatment has had by `now`, counted in its clinic's zone."""
    today = day_number(performed_at=performed_at, at=now, zone=ZoneInfo(zone))
    return min(max(today + 1, 0), LOGGED_DAYS)


REPORT_ANSWERS = ("back_to_work_day", "makeup_day", "satisfaction")


def _reports(summary: CohortSummary, treatments) -> None:
    answers = list(
        treatments.filter(downtime_report__isnull=False).values_list(
            *(f"downtime_report__{name}" for name in REPORT_ANSWERS)
        )
    )
    summary.reports = len(answers)
    for index, name in enumerate(REPORT_ANSWERS):
        given = [row[index] for row in answers if row[index] is not None]
        setattr(summary, name, statistics.median(given) if given else None)


def _distributions(
    summary: CohortSummary, treatments, resolutions: dict, course: Course | None
) -> None:
    """Kaplan-Meier from the (day, resolved) counts per symptom; the spread by day
    from the entries' value combinations (few rows, split per symptom)."""
    counts = {code: defaultdict(lambda: defaultdict(int)) for code in CODES}
    entries = Entry.objects.filter(treatment__in=treatments)
    for key, n in entries.values_list(_values_key()).annotate(n=Count("*")).order_by():
        day, values = _values_unpack(key)
        for code, value in values.items():
            counts[code][day][value] += n
    for symptom in SYMPTOMS:
        code = symptom.code
        steps = kaplan_meier(resolutions[code])
        summary.resolution[code] = Resolution(
            median=quantile_time(steps, 0.5), q1=quantile_time(steps, 0.25),
            q3=quantile_time(steps, 0.75), steps=steps, outcomes=resolutions[code],
        )  # fmt: skip
        summary.spreads[code] = spread_by_day(counts[code])
        if course is not None and summary.treatments >= SUGGEST_FROM:
            summary.suggestions += _suggestions(
                symptom, summary.spreads[code], counts[code], course
            )


def _values_key() -> F:
    """An entry's day and four values as one integer (mixed radix, each scale's size):
    grouping by one column costs SQLite about 60% of grouping by five."""
    key = F("day")
    for symptom in SYMPTOMS:
        key = key * (symptom.maximum + 1) + F(symptom.code)
    return key


def _values_unpack(key: int) -> tuple[int, dict[str, int]]:
    """The day and {symptom: value} of a `_values_key`."""
    values = {}
    for symptom in reversed(SYMPTOMS):
        key, values[symptom.code] = divmod(key, symptom.maximum + 1)
    return key, values


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


def cohorts_compare(cohorts, *, now: datetime, charts: bool = True) -> dict:
    """Summaries of (treatments, label, course) cohorts side by side, their charts
    (cohorts large enough only; none if `charts` is false) and a log-rank test per
    symptom between the first two. The first cohort's course draws the band."""
    summaries = [
        cohort_summary(t, label=label, course=course, now=now)
        for t, label, course in cohorts
    ]
    shown = [c for c in summaries if not c.small]
    course = cohorts[0][2] if cohorts else None
    drawn = []
    if shown and charts:  # small cohorts show counts only
        drawn = [
            (resolution_chart(s, shown), spread_chart(s, shown, course)) for s in SYMPTOMS
        ]
    tests = {}
    if len(shown) >= 2:
        for symptom in SYMPTOMS:
            first, second = (shown[i].resolution[symptom.code] for i in (0, 1))
            tests[symptom.code] = log_rank([first.outcomes, second.outcomes])
    return {"cohorts": summaries, "charts": drawn, "tests": tests}


def comparison_csv(comparison: dict, out) -> None:
    """Write the comparison table of `cohorts_compare` as CSV to `out`: one row per
    measure, one column per cohort, as on the page (shares as fractions; a cohort
    under 5 treatments has counts only; the log-rank rows compare the first two
    cohorts that are large enough)."""
    cohorts = comparison["cohorts"]

    def row(measure: str, value_of, *, small_too: bool = True) -> list:
        """`value_of` each cohort; blank for small cohorts unless `small_too`."""
        values = [
            "" if (c.small and not small_too) else _csv_value(value_of(c)) for c in cohorts
        ]
        return [measure, *values]

    rows = [["measure", *(c.label for c in cohorts)]]
    rows.append(row("treatments", lambda c: c.treatments))
    for name in ("adherence", "adherent_patients", "review_share", "urgent_share",
                 "expected_variation_share", "reports"):  # fmt: skip
        rows.append(row(name, lambda c, name=name: getattr(c, name)))
    for name in REPORT_ANSWERS:
        rows.append(row(f"{name} median", lambda c, name=name: getattr(c, name),
                        small_too=False))  # fmt: skip
    for code in CODES:
        for part in ("median", "q1", "q3"):
            rows.append(row(
                f"{code} days to 1 or less {part}",
                lambda c, code=code, part=part: getattr(c.resolution.get(code), part, None),
                small_too=False,
            ))  # fmt: skip
    for code, test in comparison["tests"].items():
        rows.append([f"{code} log-rank chi-square", _csv_value(test.chi_square)])
        rows.append([f"{code} log-rank p", _csv_value(test.p_value)])
    SafeWriter(out).writerows(rows)


def _csv_value(value) -> str:
    if value is None:
        return ""
    return f"{value:.4g}" if isinstance(value, float) else str(value)


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
    writer = SafeWriter(out)
    writer.writerow(EXPORT_COLUMNS)
    rows = Entry.objects.filter(treatment__in=treatments).order_by("treatment", "day")
    for row in rows.values_list(*EXPORT_COLUMNS.values()).iterator(chunk_size=5000):
        values = dict(zip(EXPORT_COLUMNS, row, strict=True))
        values["treatment"] = pseudonym(values["treatment"])
        values["warning_signs"] = " ".join(values["warning_signs"])
        writer.writerow(values.values())
