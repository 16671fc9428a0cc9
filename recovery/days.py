"""Counting days after treatment in the clinic's time zone."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


def day_number(*, performed_at: datetime, at: datetime, zone: ZoneInfo) -> int:
    """Return the day after treatment that `at` falls on; day 0 is the treatment's day.

    Both datetimes must be aware; the count is by calendar day in `zone`, so a
    treatment at 23:30 makes 00:10 the next morning day 1. Negative before treatment.
    """
    return (at.astimezone(zone).date() - performed_at.astimezone(zone).date()).days


def day_date(*, performed_at: datetime, day: int, zone: ZoneInfo) -> date:
    """Return the calendar date of `day` after treatment in `zone`."""
    return performed_at.astimezone(zone).date() + timedelta(days=day)


def start_of_day(*, performed_at: datetime, day: int, zone: ZoneInfo) -> datetime:
    """Return local midnight at the start of `day` after treatment, as an aware datetime."""
    return datetime.combine(
        day_date(performed_at=performed_at, day=day, zone=zone), time(0), tzinfo=zone
    )
