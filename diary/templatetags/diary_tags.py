from datetime import datetime, time

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def when(moment: datetime) -> str:
    """Say a moment the way a patient would: "22:30 today", "tomorrow", "Thursday"."""
    local = timezone.localtime(moment)
    days_ahead = (local.date() - timezone.localdate()).days
    clock = time_format(local, "H:i")
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
