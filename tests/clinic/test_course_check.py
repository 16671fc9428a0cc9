import io
import json

import pytest
from django.core.management import CommandError, call_command

from clinic.services import course_version_create
from tests.recovery.test_judge import VELVET_UPPER


def course_check(monkeypatch, diary, *args) -> list[dict]:
    text = diary if isinstance(diary, str) else json.dumps(diary)
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    out = io.StringIO()
    call_command("course", "check", *args, stdout=out)
    return json.loads(out.getvalue())


def diary_at(offset: int) -> list[dict]:
    """Days 0-15 of expected-course.md, every symptom at its upper limit + offset."""
    return [
        {"day": day}
        | {
            s: min(VELVET_UPPER[s][day] + offset, 10 if s == "pain" else 4)
            for s in VELVET_UPPER
        }
        for day in range(16)
    ]


def test_the_course_table_end_to_end_at_the_upper_limits(db, monkeypatch):
    results = course_check(monkeypatch, diary_at(0), "velvet-skin", "--version", "1")
    assert [(r["day"], r["status"], r["flags"]) for r in results] == [
        (day, "normal", []) for day in range(16)
    ]


def test_the_course_table_end_to_end_one_above_the_upper_limits(db, monkeypatch):
    results = course_check(monkeypatch, diary_at(1), "velvet-skin", "--version", "1")
    flagged = {r["day"]: sorted(f["symptom"] for f in r["flags"]) for r in results}
    # Where the upper limit is already the top of the scale (redness 4 on day 0)
    # one more is impossible, so nothing is flagged for it.
    assert flagged[0] == ["bruising", "pain", "peeling"]
    assert all(
        flagged[day] == ["bruising", "pain", "peeling", "redness"] for day in range(1, 16)
    )
    assert {r["status"] for r in results} == {"review"}
    day_12 = next(r for r in results if r["day"] == 12)
    redness = next(f for f in day_12["flags"] if f["symptom"] == "redness")
    assert redness == {
        "symptom": "redness",
        "level": "review",
        "rule": "not_resolving",
        "message": "Redness 2/4 on day 12: beyond the usual 7 to 10 days of downtime, "
        "redness is usually 1 or less by now (Velvet Skin course, version 1).",
        "detail": "Not resolving: redness 2/4 on day 12, beyond the usual 7 to 10 days; "
        "course upper 1 (Velvet Skin v1)",
    }


def test_the_latest_shipped_version_is_version_2(db, monkeypatch):
    # Pain 6 on day 2: above version 1's band (review); version 2's pain alarm (urgent).
    diary = [{"day": 2, "redness": 2, "bruising": 2, "peeling": 0, "pain": 6}]
    (v2,) = course_check(monkeypatch, diary, "velvet-skin")
    (v1,) = course_check(monkeypatch, diary, "velvet-skin", "--version", "1")
    assert (v1["status"], v2["status"]) == ("review", "urgent")
    assert [f["rule"] for f in v2["flags"]] == ["pain_alarm"]


def test_jsonl_judges_one_diary_per_line_and_a_bad_line_does_not_stop_the_run(
    db, monkeypatch
):
    quiet = [{"day": 1, "redness": 2, "bruising": 1, "peeling": 0, "pain": 1}]
    lines = "\n".join([json.dumps(quiet), "not json", json.dumps(quiet * 2), "[]"]) + "\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(lines))
    out = io.StringIO()
    call_command("course", "check", "velvet-skin", "--jsonl", stdout=out)
    first, bad, repeated, empty = (json.loads(line) for line in out.getvalue().splitlines())
    assert first == [{"day": 1, "status": "normal", "flags": []}]
    assert set(bad) == {"error"} and "line 2" in bad["error"]
    assert "appears more than once" in repeated["error"]
    assert empty == []


def test_warning_signs_and_bleeding_come_out_with_their_levels(db, monkeypatch):
    diary = [
        {"day": 0, "redness": 3, "bruising": 1, "peeling": 0, "pain": 5, "bleeding": True},
        {"day": 2, "redness": 2, "bruising": 1, "peeling": 0, "pain": 1,
         "warning_signs": ["allergic_swelling", "rash"], "bleeding": True},
    ]  # fmt: skip
    first, second = course_check(monkeypatch, diary, "velvet-skin", "--version", "1")
    assert first == {"day": 0, "status": "normal", "flags": []}
    assert second["status"] == "urgent"
    assert [(f["symptom"], f["level"]) for f in second["flags"]] == [
        ("allergic_swelling", "urgent"),
        ("rash", "review"),
        ("bleeding", "review"),
    ]


@pytest.mark.parametrize(
    ("stdin", "args", "error"),
    [
        ("[", ["velvet-skin"], "the input is not valid JSON"),
        ("{}", ["velvet-skin"], "the diary must be a JSON list of entries"),
        ("[]", ["botox"], "unknown procedure: botox"),
        ("[]", ["velvet-skin", "--version", "7"], "velvet-skin has no course version 7"),
        ('[{"day": 1, "redness": 5, "bruising": 0, "peeling": 0, "pain": 0}]',
         ["velvet-skin"], "entry 1: redness must be from 0 to 4, not 5"),
        ('[{"day": 1, "redness": 1, "bruising": 0, "peeling": 0, "pain": 0,'
         ' "warning_signs": ["itch"]}]', ["velvet-skin"], "unknown warning sign(s): itch"),
        ('[{"day": 1, "redness": 1}]', ["velvet-skin"], "entry 1 has no bruising, peeling, pain"),
        ('[{"day": 1, "redness": 1, "bruising": 0, "peeling": 0, "pain": 0},'
         ' {"day": 1, "redness": 1, "bruising": 0, "peeling": 0, "pain": 0}]',
         ["velvet-skin"], "day 1 appears more than once"),
    ],
)  # fmt: skip
def test_bad_input_fails_with_a_one_line_reason(db, monkeypatch, stdin, args, error):
    with pytest.raises(CommandError) as raised:
        course_check(monkeypatch, stdin, *args)
    assert error in str(raised.value)
    assert "\n" not in str(raised.value)


def test_course_check_writes_nothing(db, monkeypatch, django_assert_num_queries):
    # The shipped course is read from the code, not the database.
    with django_assert_num_queries(0):
        course_check(monkeypatch, diary_at(1), "velvet-skin")


def test_course_check_judges_with_a_clinics_own_course(clinic, monkeypatch):
    procedure = clinic.procedures.get(slug="velvet-skin")
    edited = procedure.current_course().definition
    edited["symptoms"]["redness"]["bands"][0] |= {"typical": [0, 2], "upper": 2}
    course_version_create(procedure=procedure, definition=edited)
    day0 = [{"day": 0, "redness": 3, "bruising": 0, "peeling": 0, "pain": 3}]
    (shipped,) = course_check(monkeypatch, day0, "velvet-skin")
    (own,) = course_check(monkeypatch, day0, "velvet-skin", "--clinic", clinic.slug)
    assert (shipped["status"], own["status"]) == ("normal", "review")
