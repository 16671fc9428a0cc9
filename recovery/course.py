"""The expected course of a procedure, as data.

A course says, for each symptom and range of days after treatment, what is typical
and the highest value that is still normal (`upper`). Courses are stored as plain
dicts (JSON in the database) and turned into frozen objects by `course_from_dict`,
which is also the validator: a course that would judge wrongly never loads.

Day 0 is the calendar day of the treatment in the clinic's time zone.
"""

import itertools
from dataclasses import dataclass
from typing import Any

from recovery.scales import SYMPTOMS, SYMPTOMS_BY_CODE


class CourseError(ValueError):
    """The course data is not a usable course; the message says what is wrong."""


@dataclass(frozen=True, slots=True)
class Band:
    """What is expected of one symptom from `first_day` to `last_day` (None: onwards)."""

    first_day: int
    last_day: int | None
    typical_low: int
    typical_high: int
    upper: int

    def covers(self, day: int) -> bool:
        return self.first_day <= day and (self.last_day is None or day <= self.last_day)


@dataclass(frozen=True, slots=True)
class SymptomCourse:
    symptom: str
    bands: tuple[Band, ...]
    peak_day: int | None

    def band_for(self, day: int) -> Band:
        """The band that covers `day` (bands are contiguous from day 0 and open-ended)."""
        for band in self.bands:
            if band.covers(day):
                return band
        raise ValueError(f"day {day} is before the treatment")


@dataclass(frozen=True, slots=True)
class Offset:
    """A moment after the treatment: `hours` elapsed, or the start of calendar `day`."""

    hours: int | None = None
    day: int | None = None


@dataclass(frozen=True, slots=True)
class AftercareRule:
    topic: str
    allowed_from: Offset | None
    avoid_until: Offset | None
    advice_until: Offset | None


@dataclass(frozen=True, slots=True)
class Course:
    procedure: str
    version: int
    downtime_days: tuple[int, int]
    bleeding_expected_through_day: int
    worsening_rise: int
    worsening_within_days: int
    not_resolving_at: int
    symptoms: dict[str, SymptomCourse]
    aftercare: tuple[AftercareRule, ...]

    @property
    def resolution_day(self) -> int:
        """The last day on which visible symptoms are still part of the usual course."""
        return self.downtime_days[1]

    def band(self, symptom: str, day: int) -> Band:
        return self.symptoms[symptom].band_for(day)


AFTERCARE_TOPICS = (
    "makeup",
    "face_washing",
    "showering",
    "bath",
    "sunscreen",
    "sun",
    "exercise",
    "sauna",
)


def _int(value: Any, where: str, *, low: int = 0, high: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise CourseError(f"{where} must be a whole number, not {value!r}")
    if value < low or (high is not None and value > high):
        bound = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise CourseError(f"{where} must be {bound}, not {value}")
    return value


def _band(raw: Any, where: str, maximum: int) -> Band:
    if not isinstance(raw, dict):
        raise CourseError(f"{where} must be an object")
    first = _int(raw.get("from"), f"{where} 'from'")
    last = raw.get("to")
    if last is not None:
        last = _int(last, f"{where} 'to'", low=first)
    typical = raw.get("typical")
    if not isinstance(typical, list) or len(typical) != 2:
        raise CourseError(f"{where} 'typical' must be a pair [low, high]")
    low = _int(typical[0], f"{where} typical low", high=maximum)
    high = _int(typical[1], f"{where} typical high", low=low, high=maximum)
    upper = _int(raw.get("upper"), f"{where} 'upper'", low=high, high=maximum)
    return Band(first, last, low, high, upper)


def _symptom_course(code: str, raw: Any) -> SymptomCourse:
    if not isinstance(raw, dict):
        raise CourseError(f"{code} must be an object with 'bands'")
    maximum = SYMPTOMS_BY_CODE[code].maximum
    raw_bands = raw.get("bands")
    if not isinstance(raw_bands, list) or not raw_bands:
        raise CourseError(f"{code} needs a non-empty list of 'bands'")
    bands = tuple(
        _band(item, f"{code} band {index + 1}", maximum)
        for index, item in enumerate(raw_bands)
    )
    if bands[0].first_day != 0:
        raise CourseError(f"{code} bands must start on day 0")
    for before, after in itertools.pairwise(bands):
        if before.last_day is None or after.first_day != before.last_day + 1:
            raise CourseError(
                f"{code} bands must follow each other without gaps or overlaps "
                f"(a band starts on day {after.first_day})"
            )
    if bands[-1].last_day is not None:
        raise CourseError(f"{code}: the last band must be open-ended ('to': null)")
    peak = raw.get("peak_day")
    if peak is not None:
        peak = _int(peak, f"{code} 'peak_day'")
    return SymptomCourse(code, bands, peak)


def _offset(raw: Any, where: str) -> Offset | None:
    if raw is None:
        return None
    if not isinstance(raw, dict) or len(raw) != 1 or not ({"hours", "day"} & raw.keys()):
        raise CourseError(f"{where} must be {{'hours': n}} or {{'day': n}}")
    if "hours" in raw:
        return Offset(hours=_int(raw["hours"], f"{where} hours"))
    return Offset(day=_int(raw["day"], f"{where} day"))


def _aftercare(raw: Any) -> tuple[AftercareRule, ...]:
    if not isinstance(raw, list):
        raise CourseError("'aftercare' must be a list")
    rules = []
    for index, item in enumerate(raw):
        where = f"aftercare rule {index + 1}"
        if not isinstance(item, dict) or item.get("topic") not in AFTERCARE_TOPICS:
            raise CourseError(
                f"{where} needs a 'topic', one of: {', '.join(AFTERCARE_TOPICS)}"
            )
        rules.append(
            AftercareRule(
                topic=item["topic"],
                allowed_from=_offset(item.get("allowed_from"), f"{where} allowed_from"),
                avoid_until=_offset(item.get("avoid_until"), f"{where} avoid_until"),
                advice_until=_offset(item.get("advice_until"), f"{where} advice_until"),
            )
        )
    return tuple(rules)


def course_from_dict(data: Any, *, procedure: str, version: int) -> Course:
    """Return the `Course` that `data` describes; raise `CourseError` saying what is wrong.

    Checks that every symptom has bands starting on day 0, contiguous and ending
    open-ended, with typical low <= typical high <= upper inside the symptom's scale.
    """
    if not isinstance(data, dict):
        raise CourseError("a course must be an object")
    missing = [s.code for s in SYMPTOMS if s.code not in data.get("symptoms", {})]
    if missing:
        raise CourseError(f"the course has no bands for: {', '.join(missing)}")
    unknown = sorted(set(data["symptoms"]) - set(SYMPTOMS_BY_CODE))
    if unknown:
        raise CourseError(f"unknown symptom(s): {', '.join(unknown)}")
    downtime = data.get("downtime_days")
    if not isinstance(downtime, list) or len(downtime) != 2:
        raise CourseError("'downtime_days' must be a pair [shortest, longest]")
    shortest = _int(downtime[0], "downtime_days shortest")
    longest = _int(downtime[1], "downtime_days longest", low=shortest)
    worsening = data.get("worsening") or {}
    return Course(
        procedure=procedure,
        version=version,
        downtime_days=(shortest, longest),
        bleeding_expected_through_day=_int(
            data.get("bleeding_expected_through_day"), "bleeding_expected_through_day"
        ),
        worsening_rise=_int(worsening.get("rise"), "worsening rise", low=1),
        worsening_within_days=_int(
            worsening.get("within_days"), "worsening within_days", low=1
        ),
        not_resolving_at=_int(data.get("not_resolving_at"), "not_resolving_at", low=1),
        symptoms={
            s.code: _symptom_course(s.code, data["symptoms"][s.code]) for s in SYMPTOMS
        },
        aftercare=_aftercare(data.get("aftercare", [])),
    )


def _bands(*rows: tuple[int, int | None, int, int, int]) -> list[dict]:
    return [
        {"from": first, "to": last, "typical": [low, high], "upper": upper}
        for first, last, low, high, upper in rows
    ]


# Aftercare from the clinic article: makeup, face washing and sunscreen from 12 h;
# showering below the neck at once; a bath from the next day; the sun avoided on the
# day and ideally for 2-3 days, UV protection for about a week; exercise and sauna not
# on the day and best avoided for 2-3 days.
_ARTICLE_AFTERCARE = [
    {"topic": "makeup", "allowed_from": {"hours": 12}, "advice_until": {"day": 4}},
    {"topic": "face_washing", "allowed_from": {"hours": 12}, "advice_until": {"day": 3}},
    {"topic": "showering", "allowed_from": {"hours": 0}},
    {"topic": "bath", "allowed_from": {"day": 1}},
    {"topic": "sunscreen", "allowed_from": {"hours": 12}},
    {"topic": "sun", "allowed_from": {"day": 1}, "avoid_until": {"day": 3},
     "advice_until": {"day": 7}},
    {"topic": "exercise", "allowed_from": {"day": 1}, "avoid_until": {"day": 3}},
    {"topic": "sauna", "allowed_from": {"day": 1}, "avoid_until": {"day": 3}},
]  # fmt: skip

# Velvet Skin, version 1: the table in shared/design/expected-course.md.
VELVET_SKIN_V1 = {
    "downtime_days": [7, 10],
    "bleeding_expected_through_day": 0,
    "worsening": {"rise": 2, "within_days": 2},
    "not_resolving_at": 2,
    "symptoms": {
        "redness": {
            "peak_day": 3,
            "bands": _bands(
                (0, 0, 2, 4, 4), (1, 3, 1, 3, 3), (4, 7, 0, 2, 2),
                (8, 10, 0, 1, 1), (11, 13, 0, 1, 1), (14, None, 0, 0, 0),
            ),
        },
        "bruising": {
            "peak_day": 3,
            "bands": _bands(
                (0, 0, 0, 1, 2), (1, 3, 0, 3, 3), (4, 7, 0, 2, 2),
                (8, 10, 0, 1, 1), (11, None, 0, 0, 0),
            ),
        },
        "peeling": {
            "peak_day": None,
            "bands": _bands(
                (0, 0, 0, 0, 1), (1, 1, 0, 1, 1), (2, 3, 0, 2, 2), (4, 7, 1, 3, 3),
                (8, 10, 0, 2, 2), (11, 13, 0, 1, 1), (14, None, 0, 0, 0),
            ),
        },
        "pain": {
            "peak_day": 1,
            "bands": _bands((0, 0, 2, 7, 7), (1, 3, 0, 3, 3), (4, 7, 0, 1, 2),
                            (8, None, 0, 0, 2)),
        },
    },
    "aftercare": _ARTICLE_AFTERCARE,
}  # fmt: skip

# Dermapen alone, version 1: an editable starting course (expected-course.md). Peeling
# is less likely than with the massage peel; redness lasts 2-3 days at 0.2-0.5 mm.
DERMAPEN_V1 = {
    "downtime_days": [3, 5],
    "bleeding_expected_through_day": 0,
    "worsening": {"rise": 2, "within_days": 2},
    "not_resolving_at": 2,
    "symptoms": {
        "redness": {
            "peak_day": 1,
            "bands": _bands((0, 0, 2, 4, 4), (1, 2, 1, 3, 3), (3, 5, 0, 1, 1),
                            (6, None, 0, 0, 0)),
        },
        "bruising": {
            "peak_day": 2,
            "bands": _bands((0, 0, 0, 1, 2), (1, 2, 0, 2, 2), (3, 5, 0, 1, 1),
                            (6, None, 0, 0, 0)),
        },
        "peeling": {
            "peak_day": None,
            "bands": _bands((0, 0, 0, 0, 1), (1, 2, 0, 1, 1), (3, 5, 0, 2, 2),
                            (6, None, 0, 0, 0)),
        },
        "pain": {
            "peak_day": 0,
            "bands": _bands((0, 0, 2, 6, 6), (1, 2, 0, 2, 2), (3, 5, 0, 1, 1),
                            (6, None, 0, 0, 1)),
        },
    },
    "aftercare": _ARTICLE_AFTERCARE,
}  # fmt: skip
