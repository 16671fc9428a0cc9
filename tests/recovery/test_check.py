import json

import pytest

from recovery.check import DiaryError, judge_diary, judge_diary_lines
from recovery.course import shipped_course

VELVET = shipped_course("velvet-skin", 2)


def entry(day: int, **values) -> dict:
    return {"day": day, "redness": 0, "bruising": 0, "peeling": 0, "pain": 0} | values


def test_results_carry_the_rule_and_both_texts():
    diary = [entry(1, pain=2), entry(4, pain=5)]
    assert judge_diary(diary, course=VELVET) == [
        {"day": 1, "status": "normal", "flags": []},
        {
            "day": 4,
            "status": "urgent",
            "flags": [
                {
                    "symptom": "pain",
                    "level": "urgent",
                    "rule": "pain_alarm",
                    "message": "Your pain today: 5 out of 10, up from 2 out of 10 on day "
                    "1. On day 4 most people are at 3 out of 10 or less; pain that rises "
                    "instead of settling needs checking now.",
                    "detail": "Pain alarm: pain 5/10 on day 4, lowest 2 since day 1 "
                    "(Velvet Skin v2)",
                }
            ],
        },
    ]


def test_entries_are_judged_against_earlier_days_in_any_order():
    # The filled-in day 3 comes last in the list but is earlier than day 5.
    diary = [entry(5, redness=3), entry(3, redness=1)]
    results = judge_diary(diary, course=VELVET)
    assert [(r["day"], [f["rule"] for f in r["flags"]]) for r in results] == [
        (5, ["rebound"]),
        (3, []),
    ]


def test_a_jsonl_run_answers_every_line_in_order_and_goes_on_after_bad_ones():
    lines = [
        json.dumps([entry(2, pain=6)]) + "\n",
        "[\n",
        "\n",
        json.dumps({"day": 1}) + "\n",
        json.dumps([entry(1, redness=5)]) + "\n",
        json.dumps([entry(1), entry(1)]) + "\n",
        json.dumps([entry(0)]),
    ]
    answers = [json.loads(line) for line in judge_diary_lines(lines, course=VELVET)]
    assert len(answers) == len(lines)
    assert answers[0][0]["status"] == "urgent"
    assert answers[1]["error"].startswith("line 2: not valid JSON")
    assert answers[2]["error"].startswith("line 3: not valid JSON")
    assert answers[3:6] == [
        {"error": "line 4: the diary must be a JSON list of entries"},
        {"error": "line 5: entry 1: redness must be from 0 to 4, not 5"},
        {"error": "line 6: day 1 appears more than once"},
    ]
    assert answers[6] == [{"day": 0, "status": "normal", "flags": []}]


def test_a_jsonl_run_writes_one_line_per_diary():
    lines = [json.dumps([entry(day, redness=4) for day in range(12)])] * 3
    output = list(judge_diary_lines(iter(lines), course=VELVET))
    assert len(output) == 3
    assert all("\n" not in line for line in output)


@pytest.mark.parametrize(
    ("diary", "error"),
    [
        ({}, "the diary must be a JSON list of entries"),
        ([entry(1) | {"itch": 1}], "entry 1 has unknown field(s): itch"),
        ([entry(1) | {"bleeding": "yes"}], "entry 1: bleeding must be true or false"),
        ([entry(1, warning_signs=["itch"])], "entry 1: unknown warning sign(s): itch"),
    ],
)
def test_a_bad_diary_is_refused_with_a_reason(diary, error):
    with pytest.raises(DiaryError, match=error.replace("(", r"\(").replace(")", r"\)")):
        judge_diary(diary, course=VELVET)
