from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from recovery.aftercare import Status, aftercare_at
from recovery.course import VELVET_SKIN_V1, course_from_dict
from recovery.days import day_number

VELVET = course_from_dict(VELVET_SKIN_V1, procedure="Velvet Skin", version=1)
TOKYO = ZoneInfo("Asia/Tokyo")
LONDON = ZoneInfo("Europe/London")


def states(performed_at, now, zone):
    return {
        a.topic: (a.status, a.until)
        for a in aftercare_at(
            VELVET.aftercare, performed_at=performed_at, now=now, zone=zone
        )
    }


def test_makeup_is_allowed_twelve_hours_after_a_morning_treatment():
    # Monday 10:30 in Tokyo.
    performed = datetime(2026, 11, 23, 10, 30, tzinfo=TOKYO)
    now = datetime(2026, 11, 23, 14, 0, tzinfo=TOKYO)
    result = states(performed, now, TOKYO)
    assert result["makeup"] == (
        Status.NOT_YET,
        datetime(2026, 11, 23, 22, 30, tzinfo=TOKYO),
    )
    assert result["showering"] == (Status.ALLOWED, None)
    assert result["bath"] == (Status.NOT_YET, datetime(2026, 11, 24, 0, 0, tzinfo=TOKYO))
    # Sauna: not on the day; then best avoided until Thursday.
    assert result["sauna"] == (Status.NOT_YET, datetime(2026, 11, 24, 0, 0, tzinfo=TOKYO))
    tuesday = states(performed, datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO), TOKYO)
    assert tuesday["sauna"] == (Status.AVOID, datetime(2026, 11, 26, 0, 0, tzinfo=TOKYO))
    thursday = states(performed, datetime(2026, 11, 26, 0, 0, tzinfo=TOKYO), TOKYO)
    assert thursday["sauna"] == (Status.ALLOWED, None)


def test_an_evening_treatment_moves_the_12_hour_rules_past_midnight():
    performed = datetime(2026, 11, 23, 19, 45, tzinfo=TOKYO)
    result = states(performed, datetime(2026, 11, 23, 23, 59, tzinfo=TOKYO), TOKYO)
    assert result["makeup"] == (Status.NOT_YET, datetime(2026, 11, 24, 7, 45, tzinfo=TOKYO))
    # The bath is allowed from the next calendar day, before makeup is.
    after_midnight = states(performed, datetime(2026, 11, 24, 0, 5, tzinfo=TOKYO), TOKYO)
    assert after_midnight["bath"] == (Status.ALLOWED, None)
    assert after_midnight["makeup"][0] is Status.NOT_YET


def test_twelve_hours_across_the_spring_clock_change_are_twelve_real_hours():
    # London moved from 01:00 GMT to 02:00 BST on 29 March 2026.
    performed = datetime(2026, 3, 28, 20, 0, tzinfo=LONDON)
    result = states(performed, datetime(2026, 3, 28, 21, 0, tzinfo=LONDON), LONDON)
    until = result["makeup"][1]
    assert until.astimezone(UTC) == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    assert (until.hour, until.minute, until.utcoffset().total_seconds()) == (9, 0, 3600)


def test_day_rules_use_local_midnight_across_the_autumn_clock_change():
    # London moved from 02:00 BST back to 01:00 GMT on 25 October 2026.
    performed = datetime(2026, 10, 24, 15, 0, tzinfo=LONDON)
    result = states(performed, datetime(2026, 10, 25, 9, 0, tzinfo=LONDON), LONDON)
    until = result["sauna"][1]
    assert (until.date().isoformat(), until.hour, until.utcoffset().total_seconds()) == (
        "2026-10-27",
        0,
        0,
    )


def test_advice_that_has_its_own_end_disappears_after_it():
    performed = datetime(2026, 11, 23, 10, 30, tzinfo=TOKYO)
    day1 = aftercare_at(
        VELVET.aftercare, performed_at=performed,
        now=datetime(2026, 11, 24, 10, 0, tzinfo=TOKYO), zone=TOKYO,
    )  # fmt: skip
    day8 = aftercare_at(
        VELVET.aftercare, performed_at=performed,
        now=datetime(2026, 12, 1, 10, 0, tzinfo=TOKYO), zone=TOKYO,
    )  # fmt: skip
    washing = {a.topic: a.advice for a in day1}["face_washing"]
    assert washing == "Wash very gently, more gently than usual."
    assert {a.topic: a.advice for a in day8} == dict.fromkeys(
        ("makeup", "face_washing", "showering", "bath", "sunscreen", "sun", "exercise",
         "sauna"), "",
    )  # fmt: skip
    assert all(a.status is Status.ALLOWED for a in day8)


@pytest.mark.parametrize(
    ("performed", "at", "zone", "day"),
    [
        # 23:30 treatment: ten minutes past midnight is already day 1.
        ("2026-11-23T23:30:00+09:00", "2026-11-24T00:10:00+09:00", TOKYO, 1),
        # The same instants in UTC fall on one calendar day there.
        ("2026-11-23T23:30:00+09:00", "2026-11-24T00:10:00+09:00", ZoneInfo("UTC"), 0),
        ("2026-11-23T10:00:00+09:00", "2026-11-23T09:00:00+09:00", TOKYO, 0),
        ("2026-11-23T10:00:00+09:00", "2026-11-22T23:00:00+09:00", TOKYO, -1),
        ("2026-03-28T23:30:00+00:00", "2026-03-29T23:30:00+01:00", LONDON, 1),
    ],
)
def test_days_are_counted_by_calendar_day_in_the_clinics_zone(performed, at, zone, day):
    assert (
        day_number(
            performed_at=datetime.fromisoformat(performed),
            at=datetime.fromisoformat(at),
            zone=zone,
        )
        == day
    )
