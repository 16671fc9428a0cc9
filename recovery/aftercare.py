"""Which aftercare rules apply at a given moment, with their clock times.

Rules come from the course (`AftercareRule`): an activity is not yet allowed before
`allowed_from`, best avoided until `avoid_until`, and its advice (wash gently, protect
from UV...) holds until `advice_until`. Offsets in hours are elapsed time, so "12 h"
across a daylight-saving change is still twelve real hours; offsets in days are local
midnight at the start of that day after treatment.
"""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from recovery.course import AftercareRule, Offset
from recovery.days import start_of_day
from recovery.text import Translate, untranslated
from recovery.text import gettext_noop as _


class Status(enum.Enum):
    NOT_YET = "not_yet"
    AVOID = "avoid"
    ALLOWED = "allowed"


_TOPICS: dict[str, tuple[str, str]] = {
    # topic: (title, advice while `advice_until` has not passed)
    "makeup": (
        _("Makeup and skin care"),
        _(
            "Keep your skin well moisturised: it is very dry for a few days. "
            "An anti-inflammatory cream from your clinic is fine."
        ),
    ),
    "face_washing": (
        _("Washing your face"),
        _("Wash very gently, more gently than usual."),
    ),
    "showering": (_("Showering from the neck down"), ""),
    "bath": (_("A bath (soaking)"), ""),
    "sunscreen": (_("Sunscreen"), ""),
    "sun": (
        _("Sun and UV"),
        _("Your skin is sensitive to UV: use sunscreen and a parasol or hat."),
    ),
    "exercise": (
        _("Exercise"),
        _("Inflammation slows healing, and the tiny needle holes let bacteria in."),
    ),
    "sauna": (
        _("Sauna"),
        _("Inflammation slows healing, and the tiny needle holes let bacteria in."),
    ),
}


@dataclass(frozen=True, slots=True)
class Aftercare:
    """One rule's state at a moment, in local time.

    `until` is when the state ends; `avoid_until` is when the advice to avoid the
    activity ends, if that is still ahead (a sauna is not allowed on the day and then
    best avoided until day 3).
    """

    topic: str
    title: str
    status: Status
    until: datetime | None
    avoid_until: datetime | None
    advice: str


def moment(offset: Offset, *, performed_at: datetime, zone: ZoneInfo) -> datetime:
    """Return the aware local datetime that `offset` after `performed_at` stands for."""
    if offset.hours is not None:
        utc = performed_at.astimezone(ZoneInfo("UTC")) + timedelta(hours=offset.hours)
        return utc.astimezone(zone)
    return start_of_day(performed_at=performed_at, day=offset.day, zone=zone)


def aftercare_at(
    rules: tuple[AftercareRule, ...],
    *,
    performed_at: datetime,
    now: datetime,
    zone: ZoneInfo,
    translate: Translate = untranslated,
) -> list[Aftercare]:
    """Return every rule's state at `now`, in the course's order."""

    def at(offset: Offset | None) -> datetime | None:
        return (
            None if offset is None else moment(offset, performed_at=performed_at, zone=zone)
        )

    states = []
    for rule in rules:
        allowed_from, avoid_until, advice_until = (
            at(rule.allowed_from),
            at(rule.avoid_until),
            at(rule.advice_until),
        )
        if allowed_from is not None and now < allowed_from:
            status, until = Status.NOT_YET, allowed_from
        elif avoid_until is not None and now < avoid_until:
            status, until = Status.AVOID, avoid_until
        else:
            status, until = Status.ALLOWED, None
        title, advice = _TOPICS[rule.topic]
        # Advice with its own end (wash gently for 3 days) holds until then; the
        # others explain a restriction, so they go when the restriction does.
        if advice_until is not None:
            advice_holds = now < advice_until
        else:
            advice_holds = status is not Status.ALLOWED
        states.append(
            Aftercare(
                topic=rule.topic,
                title=translate(title),
                status=status,
                until=until,
                avoid_until=avoid_until if avoid_until and now < avoid_until else None,
                advice=translate(advice) if advice and advice_holds else "",
            )
        )
    return states
