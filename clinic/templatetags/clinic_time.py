"""Times as staff and patients read them: in the clinic's zone (the view activates it,
or a `{% timezone %}` block), in the page's language, followed by the zone's short
name so that nobody wonders which clock it is: "25 Nov 2026 20:00 JST",
"2026年11月25日 20:00 JST"."""

from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format, time_format

register = template.Library()


def zone_name(moment: datetime) -> str:
    """The short name of the zone `moment` is in ("JST", "CET"), or its offset from
    UTC where the zone has no name ("UTC+04", not a bare "+04")."""
    name = moment.tzname() or ""
    return f"UTC{name}" if name[:1] in "+-" else name


def clock(moment: datetime) -> str:
    """The aware `moment`'s clock time in the current zone, with the zone: "20:00 JST"."""
    local = timezone.localtime(moment)
    return f"{time_format(local, 'TIME_FORMAT')} {zone_name(local)}"


@register.filter
def clinic_time(moment: datetime | None, style: str = "datetime") -> str:
    """`moment` in the current zone, with the zone's name: "datetime" (the default) with
    the full date ("25 Nov 2026 20:00 JST"), "short" with the day and month only, for
    recent events ("25 Nov 20:00 JST"), "time" the clock alone ("20:00 JST").
    Empty for no moment."""
    if not moment:
        return ""
    local = timezone.localtime(moment)
    if style == "datetime":
        return f"{date_format(local, 'DATETIME_FORMAT')} {zone_name(local)}"
    if style == "short":
        return f"{date_format(local, 'MONTH_DAY_FORMAT')} {clock(local)}"
    return clock(local)
