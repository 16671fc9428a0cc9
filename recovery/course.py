"""The expected course of a procedure, as data.

A course says, for each symptom and range of days after treatment, what is typical
and the highest value that is still normal (`upper`). Courses are stored as plain
dicts (JSON in the database) and turned into frozen objects by `course_from_dict`,
which is also the validator: a course that would judge wrongly never loads.

Day 0 is the calendar day of the treatment in the clinic's time zone. A course also
holds the parameters of its rules (version 1's `worsening`, or version 2's `rules`:
`rebound` and `pain_alarm`), so a clinic can edit them with the bands.
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
class Worsening:
    """Version 1's rule: a rise of `rise` since the previous entry, if that entry is at
    most `within_days` old, after the symptom's peak day."""

    rise: int
    within_days: int


@dataclass(frozen=True, slots=True)
class Rebound:
    """Version 2's rule: after its peak day, a symptom at least `rise` above its lowest
    value since the peak day, and at least `reaches[symptom]`."""

    rise: int
    reaches: dict[str, int]


@dataclass(frozen=True, slots=True)
class PainAlarm:
    """Version 2's urgent rule: from `from_day`, pain `at` or more; or from
    `rising_from_day`, pain `rising_at` or more and at least `rise` above its lowest
    value since `lowest_since_day`."""

    from_day: int
    at: int
    rising_from_day: int
    rising_at: int
    rise: int
    lowest_since_day: int


@dataclass(frozen=True, slots=True)
class Course:
    """A loaded course. Exactly one rule set is present: `worsening` (version 1's
    rules) or `rebound` and `pain_alarm` (version 2's)."""

    procedure: str
    version: int
    downtime_days: tuple[int, int]
    bleeding_expected_through_day: int
    not_resolving_at: int
    symptoms: dict[str, SymptomCourse]
    aftercare: tuple[AftercareRule, ...]
    worsening: Worsening | None = None
    rebound: Rebound | None = None
    pain_alarm: PainAlarm | None = None

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


def _object(raw: Any, where: str, keys: tuple[str, ...]) -> dict:
    """`raw` if it is an object with exactly `keys`; else a CourseError naming them."""
    if not isinstance(raw, dict):
        raise CourseError(f"{where} must be an object with {', '.join(keys)}")
    missing = [key for key in keys if key not in raw]
    if missing:
        raise CourseError(f"{where} has no {', '.join(missing)}")
    unknown = sorted(set(raw) - set(keys))
    if unknown:
        raise CourseError(f"{where} has unknown key(s): {', '.join(unknown)}")
    return raw


def _worsening(raw: Any) -> Worsening:
    # Checked as version 1 always was (other keys ignored), so every course that
    # loaded before still loads.
    if not isinstance(raw, dict):
        raise CourseError("'worsening' must be an object with rise, within_days")
    return Worsening(
        rise=_int(raw.get("rise"), "worsening rise", low=1),
        within_days=_int(raw.get("within_days"), "worsening within_days", low=1),
    )


def _rebound(raw: Any, symptoms: dict[str, SymptomCourse]) -> Rebound:
    raw = _object(raw, "rules 'rebound'", ("rise", "reaches"))
    reaches = raw["reaches"]
    if not isinstance(reaches, dict) or not reaches:
        raise CourseError("rules rebound 'reaches' must be an object {symptom: value}")
    unknown = sorted(set(reaches) - set(SYMPTOMS_BY_CODE))
    if unknown:
        raise CourseError(f"rules rebound reaches unknown symptom(s): {', '.join(unknown)}")
    for code in reaches:
        if symptoms[code].peak_day is None:
            raise CourseError(
                f"rules rebound reaches {code}, but {code} has no 'peak_day' to rise after"
            )
    return Rebound(
        rise=_int(raw["rise"], "rules rebound rise", low=1),
        reaches={
            code: _int(
                reaches[code],
                f"rules rebound reaches {code}",
                low=1,
                high=SYMPTOMS_BY_CODE[code].maximum,
            )
            for code in SYMPTOMS_BY_CODE
            if code in reaches
        },
    )


_PAIN_ALARM_KEYS = ("from_day", "at", "rising_from_day", "rising_at", "rise",
                    "lowest_since_day")  # fmt: skip


def _pain_alarm(raw: Any) -> PainAlarm:
    raw = _object(raw, "rules 'pain_alarm'", _PAIN_ALARM_KEYS)
    top = SYMPTOMS_BY_CODE["pain"].maximum
    rising_from_day = _int(raw["rising_from_day"], "rules pain_alarm rising_from_day")
    if rising_from_day == 0:
        raise CourseError(
            "rules pain_alarm rising_from_day must be 1 or more: a rise needs earlier days"
        )
    return PainAlarm(
        from_day=_int(raw["from_day"], "rules pain_alarm from_day"),
        at=_int(raw["at"], "rules pain_alarm at", low=1, high=top),
        rising_from_day=rising_from_day,
        rising_at=_int(raw["rising_at"], "rules pain_alarm rising_at", low=1, high=top),
        rise=_int(raw["rise"], "rules pain_alarm rise", low=1, high=top),
        lowest_since_day=_int(
            raw["lowest_since_day"],
            "rules pain_alarm lowest_since_day",
            high=rising_from_day - 1,
        ),
    )


def course_from_dict(data: Any, *, procedure: str, version: int) -> Course:
    """Return the `Course` that `data` describes; raise `CourseError` saying what is wrong.

    Checks that every symptom has bands starting on day 0, contiguous and ending
    open-ended, with typical low <= typical high <= upper inside the symptom's scale,
    and that the rule parameters are whole numbers in range. A course carries either
    version 1's `worsening` or version 2's `rules` (`rebound` and `pain_alarm`); which
    one it has decides the rules it is judged by.
    """
    if not isinstance(data, dict):
        raise CourseError("a course must be an object")
    raw_symptoms = data.get("symptoms")
    if not isinstance(raw_symptoms, dict):
        raise CourseError("'symptoms' must be an object {symptom: {bands, peak_day}}")
    missing = [s.code for s in SYMPTOMS if s.code not in raw_symptoms]
    if missing:
        raise CourseError(f"the course has no bands for: {', '.join(missing)}")
    unknown = sorted(set(raw_symptoms) - set(SYMPTOMS_BY_CODE))
    if unknown:
        raise CourseError(f"unknown symptom(s): {', '.join(unknown)}")
    downtime = data.get("downtime_days")
    if not isinstance(downtime, list) or len(downtime) != 2:
        raise CourseError("'downtime_days' must be a pair [shortest, longest]")
    shortest = _int(downtime[0], "downtime_days shortest")
    longest = _int(downtime[1], "downtime_days longest", low=shortest)
    symptoms = {s.code: _symptom_course(s.code, raw_symptoms[s.code]) for s in SYMPTOMS}
    if ("worsening" in data) == ("rules" in data):
        raise CourseError(
            "a course needs either 'rules' (version 2: rebound and pain_alarm) or "
            "'worsening' (version 1), not both"
            if "rules" in data
            else "a course needs 'rules' with 'rebound' and 'pain_alarm' "
            "(or version 1's 'worsening')"
        )
    if "rules" in data:
        rules = _object(data["rules"], "'rules'", ("rebound", "pain_alarm"))
        rule_sets: dict[str, Any] = {
            "rebound": _rebound(rules["rebound"], symptoms),
            "pain_alarm": _pain_alarm(rules["pain_alarm"]),
        }
    else:
        rule_sets = {"worsening": _worsening(data["worsening"])}
    visible_top = min(s.maximum for s in SYMPTOMS if s.visible)
    return Course(
        procedure=procedure,
        version=version,
        downtime_days=(shortest, longest),
        bleeding_expected_through_day=_int(
            data.get("bleeding_expected_through_day"), "bleeding_expected_through_day"
        ),
        not_resolving_at=_int(
            data.get("not_resolving_at"), "not_resolving_at", low=1, high=visible_top
        ),
        symptoms=symptoms,
        aftercare=_aftercare(data.get("aftercare", [])),
        **rule_sets,
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

# Version 2's rule parameters (expected-course.md), the same for both shipped courses:
# a rebound of 2 to at least 3 (redness, bruising) or 4 (pain) after the peak day;
# the pain alarm from day 2 at 6, or from day 3 at 4 and 2 above the lowest since day 1.
_V2_RULES = {
    "rebound": {"rise": 2, "reaches": {"redness": 3, "bruising": 3, "pain": 4}},
    "pain_alarm": {"from_day": 2, "at": 6, "rising_from_day": 3, "rising_at": 4,
                   "rise": 2, "lowest_since_day": 1},
}  # fmt: skip

# Velvet Skin, version 2: the table in shared/design/expected-course.md. Uppers sit
# about one grade above the typical range (a typical patient reporting one grade high
# is not flagged); day 1 allows deep red, when the peel's effect is strongest; bleeding
# is expected through day 1 (pinpoint spots on the pillow the next morning).
VELVET_SKIN_V2 = {
    "downtime_days": [7, 10],
    "bleeding_expected_through_day": 1,
    "not_resolving_at": 2,
    "rules": _V2_RULES,
    "symptoms": {
        "redness": {
            "peak_day": 3,
            "bands": _bands(
                (0, 0, 2, 4, 4), (1, 1, 1, 4, 4), (2, 3, 1, 3, 3), (4, 7, 0, 3, 3),
                (8, 10, 0, 2, 2), (11, 13, 0, 1, 1), (14, None, 0, 1, 1),
            ),
        },
        "bruising": {
            "peak_day": 3,
            "bands": _bands(
                (0, 0, 0, 1, 2), (1, 1, 0, 3, 3), (2, 3, 0, 3, 3), (4, 7, 0, 2, 3),
                (8, 10, 0, 1, 2), (11, 13, 0, 0, 1), (14, None, 0, 0, 0),
            ),
        },
        "peeling": {
            "peak_day": None,
            "bands": _bands(
                (0, 0, 0, 0, 1), (1, 1, 0, 1, 1), (2, 3, 0, 2, 2), (4, 7, 1, 3, 3),
                (8, 10, 0, 2, 3), (11, 13, 0, 1, 1), (14, None, 0, 0, 0),
            ),
        },
        "pain": {
            "peak_day": 0,
            "bands": _bands(
                (0, 0, 2, 7, 8), (1, 1, 0, 3, 4), (2, 3, 0, 2, 3), (4, 7, 0, 1, 3),
                (8, 10, 0, 0, 2), (11, 13, 0, 0, 2), (14, None, 0, 0, 2),
            ),
        },
    },
    "aftercare": _ARTICLE_AFTERCARE,
}  # fmt: skip

# Dermapen alone, version 2: the uppers are expected-course.md's (day 0 / days 1-2 /
# days 3-5 / day 6+). The typical ranges are our choice, none above version 1's and
# each at or below its upper, so the headroom is one grade as in Velvet Skin. Peak
# days are the end of the days 1-2 band for redness and bruising (as Velvet Skin's
# day 3 ends its days 1-3), so a day-2 value within the band is never a rebound.
DERMAPEN_V2 = {
    "downtime_days": [3, 5],
    "bleeding_expected_through_day": 1,
    "not_resolving_at": 2,
    "rules": _V2_RULES,
    "symptoms": {
        "redness": {
            "peak_day": 2,
            "bands": _bands((0, 0, 2, 4, 4), (1, 2, 1, 3, 3), (3, 5, 0, 1, 2),
                            (6, None, 0, 0, 1)),
        },
        "bruising": {
            "peak_day": 2,
            "bands": _bands((0, 0, 0, 1, 2), (1, 2, 0, 2, 2), (3, 5, 0, 1, 1),
                            (6, None, 0, 0, 1)),
        },
        "peeling": {
            "peak_day": None,
            "bands": _bands((0, 0, 0, 0, 1), (1, 2, 0, 1, 1), (3, 5, 0, 2, 2),
                            (6, None, 0, 0, 1)),
        },
        "pain": {
            "peak_day": 0,
            "bands": _bands((0, 0, 2, 6, 7), (1, 2, 0, 2, 3), (3, 5, 0, 1, 2),
                            (6, None, 0, 0, 2)),
        },
    },
    "aftercare": _ARTICLE_AFTERCARE,
}  # fmt: skip

# Every shipped course, by procedure slug and version, with its display name: the one
# place the Django side loads them from. Version 1 stays as it was, so treatments
# judged under it keep their flags.
SHIPPED_COURSES: dict[str, dict[int, dict]] = {
    "velvet-skin": {1: VELVET_SKIN_V1, 2: VELVET_SKIN_V2},
    "dermapen": {1: DERMAPEN_V1, 2: DERMAPEN_V2},
}
SHIPPED_NAMES = {"velvet-skin": "Velvet Skin", "dermapen": "Dermapen"}


def shipped_course(slug: str, version: int) -> Course:
    """Return a shipped course loaded under its display name; KeyError if unknown."""
    return course_from_dict(
        SHIPPED_COURSES[slug][version], procedure=SHIPPED_NAMES[slug], version=version
    )
