from datetime import datetime, time

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from clinic.templatetags.clinic_time import clock as clock_with_zone
from recovery.judge import next_step
from recovery.scales import SYMPTOMS, Symptom

register = template.Library()


@register.filter
def when(moment: datetime) -> str:
    """Say a moment the way a patient would: "22:30 JST today", "tomorrow", "Thursday";
    a clock time says its zone, the clinic's."""
    local = timezone.localtime(moment)
    days_ahead = (local.date() - timezone.localdate()).days
    clock = clock_with_zone(local)
    if local.time() == time(0):  # the start of a day: the day alone says it
        if days_ahead == 1:
            return _("tomorrow")
        if 1 < days_ahead < 7:
            return date_format(local, "l")
        return date_format(local, "DATE_FORMAT")
    if days_ahead == 0:
        return _("%(time)s today") % {"time": clock}
    if days_ahead == 1:
        return _("tomorrow at %(time)s") % {"time": clock}
    if 1 < days_ahead < 7:
        return _("%(day)s at %(time)s") % {"day": date_format(local, "l"), "time": clock}
    return _("%(date)s at %(time)s") % {
        "date": date_format(local, "DATE_FORMAT"),
        "time": clock,
    }


@register.filter
def get_count(counts: dict, key: str) -> int:
    return counts.get(key, 0)


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)


@register.filter
def percent(share: float | None) -> str:
    return "—" if share is None else f"{share:.0%}"


@register.simple_tag
def flag_next_step(flag, clinic) -> str:
    """What the patient should do about `flag` now: when the clinic will look at it
    (or that it has), or whom to call first; from the clinic's own settings."""
    case = flag.case
    if case is not None and case.status == "resolved" and case.outcome != "flags_withdrawn":
        return _("Your clinic has looked at this.")
    return next_step(
        level=flag.level,
        symptom=flag.symptom,
        emergency=flag.emergency,
        review_within_hours=clinic.review_overdue_hours,
        clinic_phone=clinic.phone,
        emergency_number=clinic.emergency_number,
        out_of_hours_phone=clinic.out_of_hours_phone,
        translate=_,
    )


@register.filter
def all_looked_at(flags) -> bool:
    """Whether a clinician has resolved the case of every one of these flags."""
    return bool(flags) and all(
        f.case is not None
        and f.case.status == "resolved"
        and f.case.outcome != "flags_withdrawn"
        for f in flags
    )


# Sentence and list punctuation as each language writes it. Japanese closes a sentence
# with "。" and runs straight on to the next one, and lists with "、"; English puts a
# space after a full stop and ", " between items.
FULL_WIDTH_ENDS = ("。", "！", "？")


@register.filter
def join_sentences(first, second) -> str:
    """`first` and then `second`, with a space between them unless `first` ends in a
    full-width full stop ("。", "！" or "？"), after which Japanese puts none. Either
    may be empty. Used where a flag's message and its next step are joined."""
    first, second = str(first or "").rstrip(), str(second or "").strip()
    if not first or not second:
        return first or second
    return f"{first}{'' if first.endswith(FULL_WIDTH_ENDS) else ' '}{second}"


@register.filter
def join_words(items) -> str:
    """A list of words joined as the language lists them: "a, b" or "a、b"."""
    return pgettext("list separator", ", ").join(str(item) for item in items)


def value_in_words(symptom: Symptom, value: int, *, described: bool = True) -> str:
    """A symptom's value in the scale's words, in the active language: "red (moderate,
    3 of 4)" (`described`: with the grade's description the patient chose from),
    "moderate (3 of 4)", "6 of 10", "no pain (0 of 10)"."""
    numbers = {"value": value, "maximum": symptom.maximum}
    grade = next((g for g in symptom.grades if g.value == value), None)
    if grade is None:
        return _("%(value)s of %(maximum)s") % numbers
    word = _(grade.word)
    if described and symptom.maximum <= 4:
        description = _(grade.description)
        return _("%(description)s (%(word)s, %(value)s of %(maximum)s)") % {
            "description": description[:1].lower() + description[1:],
            "word": word,
            **numbers,
        }
    return _("%(word)s (%(value)s of %(maximum)s)") % {"word": word, **numbers}


def answer_line(label: str, answer: str) -> str:
    return _("%(symptom)s: %(answer)s") % {"symptom": label, "answer": answer}


@register.simple_tag
def entry_answers(entry) -> list[str]:
    """The patient's answers of `entry`, one line each, in words: "Redness: red
    (moderate, 3 of 4)", ..., "Bleeding: no"."""
    lines = [
        answer_line(_(s.label), value_in_words(s, getattr(entry, s.code))) for s in SYMPTOMS
    ]
    bleeding = pgettext("bleeding", "yes") if entry.bleeding else pgettext("bleeding", "no")
    return [*lines, answer_line(_("Bleeding"), bleeding)]


@register.simple_tag
def chart_summary(symptom: Symptom, entries) -> str:
    """The chart of `symptom` in words, for its alt text: the days it covers, the
    highest and the latest value, and the days flagged for it. `entries` come with
    their flags (`with_details()`), in day order: no query is made here."""
    label = _(symptom.label)
    points = [(e.day, getattr(e, symptom.code)) for e in entries]
    if not points:
        return _("%(symptom)s: no entries yet.") % {"symptom": label}
    (first, _first_value), (last, latest) = points[0], points[-1]
    high_day, highest = max(points, key=lambda p: (p[1], -p[0]))
    if first == last:
        said = _("%(symptom)s on day %(day)s: %(value)s.") % {
            "symptom": label, "day": last,
            "value": value_in_words(symptom, latest, described=False),
        }  # fmt: skip
    else:
        said = _(
            "%(symptom)s from day %(first)s to day %(last)s: highest on day "
            "%(high_day)s, %(highest)s; on day %(last)s, %(latest)s."
        ) % {
            "symptom": label, "first": first, "last": last, "high_day": high_day,
            "highest": value_in_words(symptom, highest, described=False),
            "latest": value_in_words(symptom, latest, described=False),
        }  # fmt: skip
    flagged = [
        _("day %(day)s") % {"day": e.day}
        for e in entries
        if any(flag.symptom == symptom.code for flag in e.flags.all())
    ]
    if flagged:
        said = join_sentences(
            said, _("Flagged for the clinic: %(days)s.") % {"days": join_words(flagged)}
        )
    return said
