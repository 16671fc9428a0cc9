"""How one diary entry is judged against its course.

The rules of `shared/design/expected-course.md`, each producing a flag with a plain
explanation naming the day, the value, the expected range and the course version:

1. above the band: a value above that day's upper limit (review);
2. worsening: after the symptom's peak day, a rise of `worsening_rise` points or more
   since the previous entry, if that entry is at most `worsening_within_days` old
   (review; a pain rise together with an urgent warning sign is urgent);
3. not resolving: a visible symptom still at `not_resolving_at` or more after the
   usual downtime (review; it replaces the above-the-band flag for that symptom);
4. bleeding or oozing after the days on which it is expected (review);
5. warning signs: urgent signs are urgent at any day, the others review.

An entry's status is the highest level among its flags.
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from recovery.course import Course
from recovery.scales import (
    SYMPTOMS,
    SYMPTOMS_BY_CODE,
    WARNING_SIGNS,
    WARNING_SIGNS_BY_CODE,
    Level,
)
from recovery.text import Translate, untranslated
from recovery.text import gettext_noop as _


class ObservationError(ValueError):
    """An entry's values are outside their scales; the message names the value."""


class Rule(enum.Enum):
    ABOVE_BAND = "above_band"
    WORSENING = "worsening"
    NOT_RESOLVING = "not_resolving"
    BLEEDING = "bleeding"
    WARNING_SIGN = "warning_sign"


@dataclass(frozen=True, slots=True)
class Observation:
    """What the patient reported for one day after treatment."""

    day: int
    redness: int
    bruising: int
    peeling: int
    pain: int
    bleeding: bool = False
    warning_signs: frozenset[str] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        if isinstance(self.day, bool) or not isinstance(self.day, int) or self.day < 0:
            raise ObservationError(f"day must be 0 or more, not {self.day!r}")
        for symptom in SYMPTOMS:
            value = getattr(self, symptom.code)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ObservationError(f"{symptom.code} must be a whole number")
            if not 0 <= value <= symptom.maximum:
                raise ObservationError(
                    f"{symptom.code} must be from 0 to {symptom.maximum}, not {value}"
                )
        unknown = sorted(set(self.warning_signs) - WARNING_SIGNS_BY_CODE.keys())
        if unknown:
            raise ObservationError(f"unknown warning sign(s): {', '.join(unknown)}")

    def value(self, symptom: str) -> int:
        return getattr(self, symptom)


@dataclass(frozen=True, slots=True)
class Flag:
    symptom: str
    level: Level
    rule: Rule
    message: str
    observed: int | None = None
    expected_low: int | None = None
    expected_upper: int | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    flags: tuple[Flag, ...]

    @property
    def status(self) -> Level:
        return max(
            (f.level for f in self.flags), key=lambda lv: lv.rank, default=Level.NORMAL
        )


def _course_name(course: Course, translate: Translate) -> str:
    return translate(_("{procedure} course, version {version}")).format(
        procedure=course.procedure, version=course.version
    )


def _range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _above_band(obs: Observation, course: Course, code: str, t: Translate) -> Flag | None:
    symptom = SYMPTOMS_BY_CODE[code]
    band = course.band(code, obs.day)
    value = obs.value(code)
    late = symptom.visible and obs.day > course.resolution_day
    if late and value >= course.not_resolving_at:
        message = t(
            _(
                "{symptom} {value}/{maximum} on day {day}: beyond the usual {shortest} "
                "to {longest} days of downtime, {lower_symptom} is usually {upper} or "
                "less by now ({course})."
            )
        )
        rule = Rule.NOT_RESOLVING
    elif value > band.upper:
        message = t(
            _(
                "{symptom} {value}/{maximum} on day {day}: on this day it is usually "
                "{typical}, and at most {upper} is within the expected range ({course})."
            )
        )
        rule = Rule.ABOVE_BAND
    else:
        return None
    return Flag(
        symptom=code,
        level=Level.REVIEW,
        rule=rule,
        observed=value,
        expected_low=band.typical_low,
        expected_upper=band.upper,
        message=message.format(
            symptom=t(symptom.label),
            lower_symptom=t(symptom.label).lower(),
            value=value,
            maximum=symptom.maximum,
            day=obs.day,
            typical=_range(band.typical_low, band.typical_high),
            upper=band.upper,
            shortest=course.downtime_days[0],
            longest=course.downtime_days[1],
            course=_course_name(course, t),
        ),
    )


def _worsening(
    obs: Observation,
    previous: Observation | None,
    course: Course,
    code: str,
    t: Translate,
) -> Flag | None:
    peak = course.symptoms[code].peak_day
    if previous is None or peak is None or obs.day <= peak:
        return None
    if obs.day - previous.day > course.worsening_within_days:
        return None
    rise = obs.value(code) - previous.value(code)
    if rise < course.worsening_rise:
        return None
    urgent_sign = any(
        WARNING_SIGNS_BY_CODE[c].level is Level.URGENT for c in obs.warning_signs
    )
    symptom = SYMPTOMS_BY_CODE[code]
    band = course.band(code, obs.day)
    return Flag(
        symptom=code,
        level=Level.URGENT if code == "pain" and urgent_sign else Level.REVIEW,
        rule=Rule.WORSENING,
        observed=obs.value(code),
        expected_low=band.typical_low,
        expected_upper=band.upper,
        message=t(
            _(
                "{symptom} rose from {before} on day {before_day} to {value}/{maximum} "
                "on day {day}: after day {peak} it usually settles, so a rise of "
                "{rise} or more is worth a look ({course})."
            )
        ).format(
            symptom=t(symptom.label),
            before=previous.value(code),
            before_day=previous.day,
            value=obs.value(code),
            maximum=symptom.maximum,
            day=obs.day,
            peak=peak,
            rise=course.worsening_rise,
            course=_course_name(course, t),
        ),
    )


def judge(
    observation: Observation,
    *,
    course: Course,
    earlier: Iterable[Observation] = (),
    translate: Translate = untranslated,
) -> Verdict:
    """Return the flags `observation` raises against `course`, most urgent first.

    `earlier` holds the treatment's other entries; only those before the
    observation's day count, for the worsening rule.
    """
    t = translate
    before = [e for e in earlier if e.day < observation.day]
    previous = max(before, key=lambda e: e.day, default=None)
    flags: list[Flag] = []
    for sign in WARNING_SIGNS:
        if sign.code in observation.warning_signs:
            flags.append(
                Flag(
                    symptom=sign.code,
                    level=sign.level,
                    rule=Rule.WARNING_SIGN,
                    message=t(_("Warning sign on day {day}: {sign}. {advice}")).format(
                        day=observation.day, sign=t(sign.label), advice=t(sign.advice)
                    ),
                )
            )
    for symptom in SYMPTOMS:
        for flag in (
            _above_band(observation, course, symptom.code, t),
            _worsening(observation, previous, course, symptom.code, t),
        ):
            if flag is not None:
                flags.append(flag)
    if observation.bleeding and observation.day > course.bleeding_expected_through_day:
        flags.append(
            Flag(
                symptom="bleeding",
                level=Level.REVIEW,
                rule=Rule.BLEEDING,
                message=t(
                    _(
                        "Bleeding or oozing on day {day}: pinpoint bleeding is expected "
                        "only up to day {last_day} ({course})."
                    )
                ).format(
                    day=observation.day,
                    last_day=course.bleeding_expected_through_day,
                    course=_course_name(course, t),
                ),
            )
        )
    flags.sort(key=lambda f: -f.level.rank)
    return Verdict(flags=tuple(flags))


@dataclass(frozen=True, slots=True)
class UsualValue:
    """What is usual for one symptom on one day, for the patient's Today page."""

    symptom: str
    label: str
    typical_low: int
    typical_high: int
    upper: int
    words: str


def usual_for_day(
    *, course: Course, day: int, translate: Translate = untranslated
) -> Sequence[UsualValue]:
    """Return, symptom by symptom, what is usual on `day` in plain words."""
    usual = []
    for symptom in SYMPTOMS:
        band = course.band(symptom.code, day)
        if symptom.code == "pain":
            words = translate(_("{typical} out of 10")).format(
                typical=_range(band.typical_low, band.typical_high)
            )
        elif band.typical_low == band.typical_high:
            words = translate(symptom.word(band.typical_low))
        else:
            words = translate(_("{low} to {high}")).format(
                low=translate(symptom.word(band.typical_low)),
                high=translate(symptom.word(band.typical_high)),
            )
        usual.append(
            UsualValue(
                symptom=symptom.code,
                label=translate(symptom.label),
                typical_low=band.typical_low,
                typical_high=band.typical_high,
                upper=band.upper,
                words=words,
            )
        )
    return usual
