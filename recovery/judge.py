"""How one diary entry is judged against its course.

The rules of `shared/design/expected-course.md`. A course carries one of two rule sets,
and an entry is judged by the one its course has, so treatments judged under
version 1 keep their flags.

Version 2 (a course with `rebound` and `pain_alarm`):

1. above the band: a value above that day's upper limit (review);
2. rebound: after the symptom's peak day, at least `rise` above its lowest value
   logged since the peak day, and at least `reaches[symptom]` (review);
3. pain alarm: from `from_day`, pain `at` or more; or from `rising_from_day`, pain
   `rising_at` or more and at least `rise` above its lowest value since
   `lowest_since_day` (urgent: infection and chemical injury often show first as
   pain that rises instead of settling, whether or not a box is ticked);
4. not resolving: a visible symptom still at `not_resolving_at` or more after the
   longest downtime day (review);
5. bleeding or oozing after `bleeding_expected_through_day` (review);
6. warning signs: emergency and urgent signs urgent at any day, the others review.

One symptom raises at most one flag per entry, the first of: pain alarm, rebound,
not resolving, above the band. They describe the same value, and the patient should
read one explanation of it, not three.

Version 1 (a course with `worsening`), unchanged: above the band; worsening (a rise
of `rise` since the previous entry if it is at most `within_days` old, after the peak
day; a pain rise with an urgent sign is urgent); not resolving (replacing above the
band); bleeding after day `bleeding_expected_through_day`; warning signs.

Every flag carries two texts from the same facts: `message` for the patient (the
scale's words, and how most people are on this day) and `detail` for the clinician
(compact and exact). What the patient should do next depends on the clinic's
settings: `next_step` words it. An entry's status is the highest level among its flags.
"""

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from recovery.course import Course
from recovery.scales import (
    SYMPTOMS,
    SYMPTOMS_BY_CODE,
    USUAL_SIGNS,
    WARNING_SIGNS,
    WARNING_SIGNS_BY_CODE,
    Level,
    Symptom,
    WarningSign,
)
from recovery.text import Translate, join_sentences, untranslated
from recovery.text import gettext_noop as _


class ObservationError(ValueError):
    """An entry's values are outside their scales; the message names the value."""


class Rule(enum.Enum):
    ABOVE_BAND = "above_band"
    WORSENING = "worsening"  # version 1 only
    REBOUND = "rebound"
    PAIN_ALARM = "pain_alarm"
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
    """One reason an entry needs a clinician's eye.

    `symptom` is a symptom code, "bleeding" or a warning sign's code. `message` is for
    the patient, `detail` for the clinician. `emergency` is set for a warning sign that
    calls for emergency services (the flag's level is urgent).
    """

    symptom: str
    level: Level
    rule: Rule
    message: str
    observed: int | None = None
    expected_low: int | None = None
    expected_upper: int | None = None
    detail: str = ""
    emergency: bool = False


@dataclass(frozen=True, slots=True)
class Verdict:
    flags: tuple[Flag, ...]

    @property
    def status(self) -> Level:
        return max(
            (f.level for f in self.flags), key=lambda lv: lv.rank, default=Level.NORMAL
        )

    @property
    def emergency(self) -> bool:
        """Whether the patient is to call emergency services now."""
        return any(f.emergency for f in self.flags)


def judge(
    observation: Observation,
    *,
    course: Course,
    earlier: Iterable[Observation] = (),
    translate: Translate = untranslated,
) -> Verdict:
    """Return the flags `observation` raises against `course`, most urgent first
    (emergency signs first among the urgent).

    `earlier` may hold all of the treatment's entries; only those before the
    observation's day count (rebound, pain alarm and version 1's worsening).
    """
    before = sorted((e for e in earlier if e.day < observation.day), key=lambda e: e.day)
    if course.worsening is not None:
        flags = _flags_v1(observation, before, course, translate)
    else:
        flags = _flags_v2(observation, before, course, translate)
    flags.sort(key=lambda f: (-f.level.rank, not f.emergency))
    return Verdict(flags=tuple(flags))


def judge_timeline(
    observations: Iterable[Observation],
    *,
    course: Course,
    translate: Translate = untranslated,
) -> list[Verdict]:
    """Return one verdict per observation, in the order given, each judged against the
    observations of earlier days: what every entry of a diary says after one of them
    was filled in or edited.

    Raises ObservationError if a day appears more than once.
    """
    observations = list(observations)
    seen: set[int] = set()
    for observation in observations:
        if observation.day in seen:
            raise ObservationError(f"day {observation.day} appears more than once")
        seen.add(observation.day)
    return [
        judge(observation, course=course, earlier=observations, translate=translate)
        for observation in observations
    ]


# Words shared by both versions.


def _range(low: int, high: int) -> str:
    return str(low) if low == high else f"{low}–{high}"


def _short_name(course: Course, t: Translate) -> str:
    return t(_("{procedure} v{version}")).format(
        procedure=course.procedure, version=course.version
    )


def _lower_label(symptom: Symptom, t: Translate) -> str:
    return t(symptom.label).lower()


def _numeric(symptom: Symptom) -> bool:
    """Whether the scale has words only at its ends (pain), so numbers are its words."""
    return len(symptom.grades) < symptom.maximum + 1


def _in_words(symptom: Symptom, value: int, t: Translate) -> str:
    """The value as the patient chose it: "red" or "5 out of 10"."""
    if _numeric(symptom):
        return t(_("{value} out of {maximum}")).format(value=value, maximum=symptom.maximum)
    description = next(t(g.description) for g in symptom.grades if g.value == value)
    return description[:1].lower() + description[1:]


def _with_number(symptom: Symptom, value: int, t: Translate) -> str:
    """The value with its number: "red (3 of 4)"; pain's words are its number."""
    if _numeric(symptom):
        return _in_words(symptom, value, t)
    return t(_("{words} ({value} of {maximum})")).format(
        words=_in_words(symptom, value, t), value=value, maximum=symptom.maximum
    )


def _most_people(symptom: Symptom, day: int, upper: int, t: Translate) -> str:
    if upper == 0:
        return t(_("On day {day} most people have none.")).format(day=day)
    return t(_("On day {day} most people are at {usual} or less.")).format(
        day=day, usual=_in_words(symptom, upper, t)
    )


def _band_detail(
    obs: Observation, symptom: Symptom, upper: int, course: Course, t: Translate
) -> str:
    return t(
        _("{symptom} {value}/{maximum} on day {day}; course upper {upper} ({course})")
    ).format(
        symptom=t(symptom.label),
        value=obs.value(symptom.code),
        maximum=symptom.maximum,
        day=obs.day,
        upper=upper,
        course=_short_name(course, t),
    )


def _not_resolving_detail(
    obs: Observation, symptom: Symptom, upper: int, course: Course, t: Translate
) -> str:
    return t(
        _(
            "Not resolving: {symptom} {value}/{maximum} on day {day}, beyond the usual "
            "{shortest} to {longest} days; course upper {upper} ({course})"
        )
    ).format(
        symptom=_lower_label(symptom, t),
        value=obs.value(symptom.code),
        maximum=symptom.maximum,
        day=obs.day,
        shortest=course.downtime_days[0],
        longest=course.downtime_days[1],
        upper=upper,
        course=_short_name(course, t),
    )


def _bleeding_detail(obs: Observation, course: Course, t: Translate) -> str:
    return t(
        _("Bleeding or oozing on day {day}; expected through day {last_day} ({course})")
    ).format(
        day=obs.day,
        last_day=course.bleeding_expected_through_day,
        course=_short_name(course, t),
    )


_SIGN_LEVEL_WORDS = {
    "emergency": _("emergency"),
    "urgent": _("urgent"),
    "review": _("review"),
}


def _sign_detail(obs: Observation, sign: WarningSign, course: Course, t: Translate) -> str:
    level = "emergency" if sign.emergency else sign.level.value
    return t(_("Warning sign {code} ({level}) on day {day}: {sign} ({course})")).format(
        code=sign.code,
        level=t(_SIGN_LEVEL_WORDS[level]),
        day=obs.day,
        sign=t(sign.label),
        course=_short_name(course, t),
    )


def _is_late(obs: Observation, symptom: Symptom, course: Course) -> bool:
    """Still at `not_resolving_at` or more after the longest downtime day."""
    return (
        symptom.visible
        and obs.day > course.resolution_day
        and obs.value(symptom.code) >= course.not_resolving_at
    )


def _lowest(
    before: Sequence[Observation], code: str, *, since_day: int
) -> Observation | None:
    """The entry with the lowest `code` from `since_day` on (the latest, if tied)."""
    return min(
        (e for e in before if e.day >= since_day),
        key=lambda e: (e.value(code), -e.day),
        default=None,
    )


# Version 2.


def _flags_v2(
    obs: Observation, before: Sequence[Observation], course: Course, t: Translate
) -> list[Flag]:
    flags = [
        _sign_flag_v2(obs, sign, course, t)
        for sign in WARNING_SIGNS
        if sign.code in obs.warning_signs
    ]
    for symptom in SYMPTOMS:
        flag = (
            (_pain_alarm(obs, before, course, t) if symptom.code == "pain" else None)
            or _rebound(obs, before, course, symptom, t)
            or _not_resolving_v2(obs, course, symptom, t)
            or _above_band_v2(obs, course, symptom, t)
        )
        if flag is not None:
            flags.append(flag)
    if obs.bleeding and obs.day > course.bleeding_expected_through_day:
        flags.append(
            Flag(
                symptom="bleeding",
                level=Level.REVIEW,
                rule=Rule.BLEEDING,
                message=t(
                    _(
                        "You reported fresh bleeding or oozing on day {day}. Most "
                        "people have none after day {last_day}."
                    )
                ).format(day=obs.day, last_day=course.bleeding_expected_through_day),
                detail=_bleeding_detail(obs, course, t),
            )
        )
    return flags


def _sign_flag_v2(
    obs: Observation, sign: WarningSign, course: Course, t: Translate
) -> Flag:
    return Flag(
        symptom=sign.code,
        level=sign.level,
        rule=Rule.WARNING_SIGN,
        emergency=sign.emergency,
        message=t(_("You reported on day {day}: {sign}.")).format(
            day=obs.day, sign=t(sign.label)
        ),
        detail=_sign_detail(obs, sign, course, t),
    )


def _symptom_flag(
    obs: Observation,
    course: Course,
    symptom: Symptom,
    *,
    level: Level,
    rule: Rule,
    message: str,
    detail: str,
) -> Flag:
    band = course.band(symptom.code, obs.day)
    return Flag(
        symptom=symptom.code,
        level=level,
        rule=rule,
        observed=obs.value(symptom.code),
        expected_low=band.typical_low,
        expected_upper=band.upper,
        message=message,
        detail=detail,
    )


def _above_band_v2(
    obs: Observation, course: Course, symptom: Symptom, t: Translate
) -> Flag | None:
    upper = course.band(symptom.code, obs.day).upper
    value = obs.value(symptom.code)
    if value <= upper:
        return None
    message = t(_("Your {symptom} today: {value}.")).format(
        symptom=_lower_label(symptom, t), value=_with_number(symptom, value, t)
    )
    return _symptom_flag(
        obs,
        course,
        symptom,
        level=Level.REVIEW,
        rule=Rule.ABOVE_BAND,
        message=join_sentences(message, _most_people(symptom, obs.day, upper, t)),
        detail=_band_detail(obs, symptom, upper, course, t),
    )


def _not_resolving_v2(
    obs: Observation, course: Course, symptom: Symptom, t: Translate
) -> Flag | None:
    if not _is_late(obs, symptom, course):
        return None
    upper = course.band(symptom.code, obs.day).upper
    message = t(
        _(
            "Your {symptom} on day {day}: {value}. That is beyond the usual {shortest} "
            "to {longest} days."
        )
    ).format(
        symptom=_lower_label(symptom, t),
        day=obs.day,
        value=_with_number(symptom, obs.value(symptom.code), t),
        shortest=course.downtime_days[0],
        longest=course.downtime_days[1],
    )
    return _symptom_flag(
        obs,
        course,
        symptom,
        level=Level.REVIEW,
        rule=Rule.NOT_RESOLVING,
        message=join_sentences(message, _most_people(symptom, obs.day, upper, t)),
        detail=_not_resolving_detail(obs, symptom, upper, course, t),
    )


def _rebound(
    obs: Observation,
    before: Sequence[Observation],
    course: Course,
    symptom: Symptom,
    t: Translate,
) -> Flag | None:
    rule = course.rebound
    peak = course.symptoms[symptom.code].peak_day
    if rule is None or peak is None or obs.day <= peak:
        return None
    reaches = rule.reaches.get(symptom.code)
    value = obs.value(symptom.code)
    if reaches is None or value < reaches:
        return None
    low = _lowest(before, symptom.code, since_day=peak)
    if low is None or value - low.value(symptom.code) < rule.rise:
        return None
    words = {
        "symptom": _lower_label(symptom, t),
        "value": _with_number(symptom, value, t),
        "low": _with_number(symptom, low.value(symptom.code), t),
        "low_day": low.day,
        "peak": peak,
    }
    upper = course.band(symptom.code, obs.day).upper
    return _symptom_flag(
        obs,
        course,
        symptom,
        level=Level.REVIEW,
        rule=Rule.REBOUND,
        message=t(
            _(
                "Your {symptom} today: {value}, up from {low} on day {low_day}. After "
                "day {peak} most people's {symptom} keeps settling instead of coming back."
            )
        ).format(**words),
        detail=t(
            _(
                "Rebound: {symptom} {value}/{maximum} on day {day}, lowest {low} since "
                "day {peak}; course upper {upper} ({course})"
            )
        ).format(
            symptom=words["symptom"],
            value=value,
            maximum=symptom.maximum,
            day=obs.day,
            low=low.value(symptom.code),
            peak=peak,
            upper=upper,
            course=_short_name(course, t),
        ),
    )


def _pain_alarm(
    obs: Observation, before: Sequence[Observation], course: Course, t: Translate
) -> Flag | None:
    alarm = course.pain_alarm
    if alarm is None:
        return None
    pain = SYMPTOMS_BY_CODE["pain"]
    low = None
    if obs.day >= alarm.rising_from_day and obs.pain >= alarm.rising_at:
        lowest = _lowest(before, "pain", since_day=alarm.lowest_since_day)
        if lowest is not None and obs.pain - lowest.pain >= alarm.rise:
            low = lowest
    strong = obs.day >= alarm.from_day and obs.pain >= alarm.at
    if low is None and not strong:
        return None
    upper = course.band("pain", obs.day).upper
    usual = _in_words(pain, upper, t)
    value = _with_number(pain, obs.pain, t)
    course_name = _short_name(course, t)
    if low is not None:
        message = t(
            _(
                "Your pain today: {value}, up from {low} on day {low_day}. On day {day} "
                "most people are at {usual} or less; pain that rises instead of "
                "settling needs checking now."
            )
        ).format(
            value=value,
            low=_with_number(pain, low.pain, t),
            low_day=low.day,
            day=obs.day,
            usual=usual,
        )
        detail = t(
            _(
                "Pain alarm: pain {value}/10 on day {day}, lowest {low} since day {since} ({course})"
            )
        ).format(
            value=obs.pain,
            day=obs.day,
            low=low.pain,
            since=alarm.lowest_since_day,
            course=course_name,
        )
    else:
        message = t(
            _(
                "Your pain today: {value}. On day {day} most people are at {usual} or "
                "less; pain this strong this long after treatment needs checking now."
            )
        ).format(value=value, day=obs.day, usual=usual)
        detail = t(
            _(
                "Pain alarm: pain {value}/10 on day {day}, alarm at {at} from day {from_day} ({course})"
            )
        ).format(
            value=obs.pain,
            day=obs.day,
            at=alarm.at,
            from_day=alarm.from_day,
            course=course_name,
        )
    return _symptom_flag(
        obs,
        course,
        pain,
        level=Level.URGENT,
        rule=Rule.PAIN_ALARM,
        message=message,
        detail=detail,
    )


# Version 1: the rules and explanations as they were, so treatments judged under it
# keep their flags and texts when an entry is judged again. Only `detail` is new.


def _course_name(course: Course, translate: Translate) -> str:
    return translate(_("{procedure} course, version {version}")).format(
        procedure=course.procedure, version=course.version
    )


def _flags_v1(
    obs: Observation, before: Sequence[Observation], course: Course, t: Translate
) -> list[Flag]:
    previous = before[-1] if before else None
    flags: list[Flag] = []
    for sign in WARNING_SIGNS:
        if sign.code in obs.warning_signs:
            flags.append(
                Flag(
                    symptom=sign.code,
                    level=sign.level,
                    rule=Rule.WARNING_SIGN,
                    emergency=sign.emergency,
                    message=t(_("Warning sign on day {day}: {sign}. {advice}")).format(
                        day=obs.day, sign=t(sign.label), advice=t(sign.advice)
                    ),
                    detail=_sign_detail(obs, sign, course, t),
                )
            )
    for symptom in SYMPTOMS:
        for flag in (
            _above_band_v1(obs, course, symptom, t),
            _worsening_v1(obs, previous, course, symptom, t),
        ):
            if flag is not None:
                flags.append(flag)
    if obs.bleeding and obs.day > course.bleeding_expected_through_day:
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
                    day=obs.day,
                    last_day=course.bleeding_expected_through_day,
                    course=_course_name(course, t),
                ),
                detail=_bleeding_detail(obs, course, t),
            )
        )
    return flags


def _above_band_v1(
    obs: Observation, course: Course, symptom: Symptom, t: Translate
) -> Flag | None:
    band = course.band(symptom.code, obs.day)
    value = obs.value(symptom.code)
    if _is_late(obs, symptom, course):
        message = t(
            _(
                "{symptom} {value}/{maximum} on day {day}: beyond the usual {shortest} "
                "to {longest} days of downtime, {lower_symptom} is usually {upper} or "
                "less by now ({course})."
            )
        )
        rule = Rule.NOT_RESOLVING
        detail = _not_resolving_detail(obs, symptom, band.upper, course, t)
    elif value > band.upper:
        message = t(
            _(
                "{symptom} {value}/{maximum} on day {day}: on this day it is usually "
                "{typical}, and at most {upper} is within the expected range ({course})."
            )
        )
        rule = Rule.ABOVE_BAND
        detail = _band_detail(obs, symptom, band.upper, course, t)
    else:
        return None
    return _symptom_flag(
        obs,
        course,
        symptom,
        level=Level.REVIEW,
        rule=rule,
        message=message.format(
            symptom=t(symptom.label),
            lower_symptom=_lower_label(symptom, t),
            value=value,
            maximum=symptom.maximum,
            day=obs.day,
            typical=_range(band.typical_low, band.typical_high),
            upper=band.upper,
            shortest=course.downtime_days[0],
            longest=course.downtime_days[1],
            course=_course_name(course, t),
        ),
        detail=detail,
    )


def _worsening_v1(
    obs: Observation,
    previous: Observation | None,
    course: Course,
    symptom: Symptom,
    t: Translate,
) -> Flag | None:
    rule = course.worsening
    code = symptom.code
    peak = course.symptoms[code].peak_day
    if rule is None or previous is None or peak is None or obs.day <= peak:
        return None
    if obs.day - previous.day > rule.within_days:
        return None
    rise = obs.value(code) - previous.value(code)
    if rise < rule.rise:
        return None
    urgent_sign = any(
        WARNING_SIGNS_BY_CODE[c].level is Level.URGENT for c in obs.warning_signs
    )
    return _symptom_flag(
        obs,
        course,
        symptom,
        level=Level.URGENT if code == "pain" and urgent_sign else Level.REVIEW,
        rule=Rule.WORSENING,
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
            rise=rule.rise,
            course=_course_name(course, t),
        ),
        detail=t(
            _(
                "Worsening: {symptom} {value}/{maximum} on day {day}, up from {before} "
                "on day {before_day} ({course})"
            )
        ).format(
            symptom=_lower_label(symptom, t),
            value=obs.value(code),
            maximum=symptom.maximum,
            day=obs.day,
            before=previous.value(code),
            before_day=previous.day,
            course=_short_name(course, t),
        ),
    )


# What happens next, for the patient.

_CALL_SOONER = {
    "redness": _("Call them sooner if the redness spreads, feels hot or hurts more."),
    "bruising": _("Call them sooner if a bruise grows, turns firm or hurts more."),
    "peeling": _("Call them sooner if the skin turns raw, weeps or crusts over."),
    "pain": _("Call them sooner if the pain keeps rising or you get a fever."),
    "bleeding": _("Call them sooner if the bleeding will not stop."),
}
_CALL_SOONER_OTHERWISE = _(
    "Call them sooner if it spreads, feels hot or hurts more, or you get a fever."
)


def next_step(
    *,
    level: Level | str,
    symptom: str,
    emergency: bool = False,
    review_within_hours: int,
    clinic_phone: str,
    emergency_number: str,
    out_of_hours_phone: str = "",
    translate: Translate = untranslated,
) -> str:
    """Return what the patient should do about a flag, to follow its message; the
    flag's `level` (a Level or its value, as stored), `symptom` and `emergency`.

    Emergency: call `emergency_number` now, then the clinic. Urgent: contact the
    clinic now, and who to call when it is closed (`out_of_hours_phone`, or else an
    emergency department). Review: when the clinic will look at it, and when not to
    wait. An empty `clinic_phone` leaves the number out.
    """
    t = translate
    if emergency:
        if clinic_phone:
            return t(_("Call {number} now, then tell your clinic: {phone}.")).format(
                number=emergency_number, phone=clinic_phone
            )
        return t(_("Call {number} now, then tell your clinic.")).format(
            number=emergency_number
        )
    if Level(level) is Level.URGENT:
        if clinic_phone:
            now = t(_("Contact your clinic now: {phone}.")).format(phone=clinic_phone)
        else:
            now = t(_("Contact your clinic now."))
        if out_of_hours_phone:
            closed = t(_("If the clinic is closed, call {phone}.")).format(
                phone=out_of_hours_phone
            )
        else:
            closed = t(
                _(
                    "If the clinic is closed, go to an emergency department, or call "
                    "{number} if you feel very unwell."
                )
            ).format(number=emergency_number)
        return join_sentences(now, closed)
    if review_within_hours == 24:
        within = t(_("Your clinic will look at this within a day."))
    elif review_within_hours % 24 == 0:
        within = t(_("Your clinic will look at this within {days} days.")).format(
            days=review_within_hours // 24
        )
    else:
        within = t(_("Your clinic will look at this within {hours} hours.")).format(
            hours=review_within_hours
        )
    sooner = _CALL_SOONER.get(symptom, _CALL_SOONER_OTHERWISE)
    return join_sentences(within, t(sooner))


# What is usual, for the patient's Today page.


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


def usual_without_box(*, day: int, translate: Translate = untranslated) -> list[str]:
    """Return what is expected on `day` and needs no box ticked, in plain words: warmth
    of the treated skin on days 0-1, puffy eyelids on days 0-2, pinpoint spots of blood
    on the pillow on the morning of day 1 (expected-course.md)."""
    return [
        translate(sign.label)
        for sign in USUAL_SIGNS
        if sign.first_day <= day <= sign.last_day
    ]
