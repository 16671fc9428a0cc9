from datetime import datetime, time

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from clinic.templatetags.clinic_time import clock as clock_with_zone
from recovery.judge import next_step

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
