import subprocess
import sys

import pytest

from recovery.course import DERMAPEN_V1, VELVET_SKIN_V1, course_from_dict
from recovery.judge import Observation, ObservationError, Rule, judge, usual_for_day
from recovery.scales import Level

VELVET = course_from_dict(VELVET_SKIN_V1, procedure="Velvet Skin", version=1)
DERMAPEN = course_from_dict(DERMAPEN_V1, procedure="Dermapen", version=1)

# The "upper" row of expected-course.md, day by day (days 0-15), copied by hand.
VELVET_UPPER = {
    "redness": [4, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 0, 0],
    "bruising": [2, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 0, 0, 0, 0, 0],
    "peeling": [1, 1, 2, 2, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0],
    "pain": [7, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2],
}
DERMAPEN_UPPER = {
    "redness": [4, 3, 3, 1, 1, 1, 0, 0],
    "bruising": [2, 2, 2, 1, 1, 1, 0, 0],
    "peeling": [1, 1, 1, 2, 2, 2, 0, 0],
    "pain": [6, 2, 2, 1, 1, 1, 1, 1],
}
MAXIMUM = {"redness": 4, "bruising": 4, "peeling": 4, "pain": 10}


def quiet(day: int, **values) -> Observation:
    """An entry with nothing above the band, except the values given."""
    base = {"redness": 0, "bruising": 0, "peeling": 0, "pain": 0}
    return Observation(day=day, **(base | values))


def band_edges(table) -> list:
    return [
        pytest.param(symptom, day, upper, id=f"{symptom}-day{day}")
        for symptom, uppers in table.items()
        for day, upper in enumerate(uppers)
    ]


@pytest.mark.parametrize(("symptom", "day", "upper"), band_edges(VELVET_UPPER))
def test_velvet_skin_flags_exactly_above_each_days_upper_limit(symptom, day, upper):
    at_upper = judge(quiet(day, **{symptom: upper}), course=VELVET)
    assert at_upper.status is Level.NORMAL
    if upper < MAXIMUM[symptom]:
        above = judge(quiet(day, **{symptom: upper + 1}), course=VELVET)
        assert above.status is Level.REVIEW
        assert [(f.symptom, f.observed, f.expected_upper) for f in above.flags] == [
            (symptom, upper + 1, upper)
        ]


@pytest.mark.parametrize(("symptom", "day", "upper"), band_edges(DERMAPEN_UPPER))
def test_dermapen_flags_exactly_above_each_days_upper_limit(symptom, day, upper):
    assert judge(quiet(day, **{symptom: upper}), course=DERMAPEN).status is Level.NORMAL
    if upper < MAXIMUM[symptom]:
        above = judge(quiet(day, **{symptom: upper + 1}), course=DERMAPEN)
        assert above.status is Level.REVIEW


def test_the_explanation_names_day_value_range_and_course_version():
    (flag,) = judge(quiet(2, pain=6), course=VELVET).flags
    assert flag.rule is Rule.ABOVE_BAND
    assert flag.message == (
        "Pain 6/10 on day 2: on this day it is usually 0–3, and at most 3 is within "
        "the expected range (Velvet Skin course, version 1)."
    )
    assert flag.detail == "Pain 6/10 on day 2; course upper 3 (Velvet Skin v1)"


def test_version_1_has_no_pain_alarm_and_no_rebound():
    # Pain 6 on day 3 is urgent under version 2's pain alarm, review here.
    verdict = judge(quiet(3, pain=6), course=VELVET, earlier=[quiet(0, pain=1)])
    assert [(f.rule, f.level) for f in verdict.flags] == [(Rule.ABOVE_BAND, Level.REVIEW)]
    slow_rise = [quiet(3, redness=1), quiet(5, redness=2)]
    assert judge(quiet(6, redness=3), course=VELVET, earlier=slow_rise).flags[0].rule is (
        Rule.ABOVE_BAND
    )


def test_version_1_worsening_carries_a_clinicians_detail():
    (flag,) = judge(quiet(5, redness=2), course=VELVET, earlier=[quiet(4, redness=0)]).flags
    assert (
        flag.detail
        == "Worsening: redness 2/4 on day 5, up from 0 on day 4 (Velvet Skin v1)"
    )


@pytest.mark.parametrize(
    ("symptom", "day", "value", "rule"),
    [
        ("redness", 11, 2, Rule.NOT_RESOLVING),
        ("peeling", 12, 3, Rule.NOT_RESOLVING),
        ("bruising", 20, 2, Rule.NOT_RESOLVING),
        ("redness", 14, 1, Rule.ABOVE_BAND),  # 1 is not "still at 2 or more"
        ("pain", 11, 3, Rule.ABOVE_BAND),  # pain is not a visible symptom
    ],
)
def test_visible_symptoms_still_present_after_day_10_are_not_resolving(
    symptom, day, value, rule
):
    (flag,) = judge(quiet(day, **{symptom: value}), course=VELVET).flags
    assert (flag.rule, flag.level) == (rule, Level.REVIEW)
    if rule is Rule.NOT_RESOLVING:
        assert "beyond the usual 7 to 10 days" in flag.message


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        # (day, redness) of the previous entry and of this one
        ((3, 1), (4, 2), []),  # a rise of 1
        ((4, 0), (5, 2), [Rule.WORSENING]),  # rise of 2, inside the band
        ((2, 1), (3, 3), []),  # day 3 is the peak itself, not after it
        ((4, 0), (6, 2), [Rule.WORSENING]),  # previous entry 2 days back
        ((3, 0), (6, 2), []),  # previous entry 3 days back: too old to compare
        ((4, 1), (5, 4), [Rule.ABOVE_BAND, Rule.WORSENING]),
    ],
)
def test_redness_rising_after_its_peak_is_worsening(before, after, expected):
    earlier = [quiet(before[0], redness=before[1])]
    verdict = judge(quiet(after[0], redness=after[1]), course=VELVET, earlier=earlier)
    assert [f.rule for f in verdict.flags] == expected


def test_only_the_latest_earlier_entry_counts_and_later_days_are_ignored():
    earlier = [quiet(4, redness=2), quiet(5, redness=0), quiet(7, redness=0)]
    verdict = judge(quiet(6, redness=2), course=VELVET, earlier=earlier)
    assert [f.rule for f in verdict.flags] == [Rule.WORSENING]
    assert verdict.flags[0].message.startswith("Redness rose from 0 on day 5 to 2/4")


def test_pain_rising_with_an_urgent_sign_is_urgent_but_alone_is_review():
    earlier = [quiet(1, pain=0)]
    alone = judge(quiet(2, pain=2), course=VELVET, earlier=earlier)
    assert [(f.rule, f.level) for f in alone.flags] == [(Rule.WORSENING, Level.REVIEW)]
    with_fever = judge(
        quiet(2, pain=2, warning_signs=frozenset({"fever"})),
        course=VELVET,
        earlier=earlier,
    )
    assert {(f.symptom, f.level) for f in with_fever.flags} == {
        ("fever", Level.URGENT),
        ("pain", Level.URGENT),
    }
    with_rash = judge(
        quiet(2, pain=2, warning_signs=frozenset({"rash"})), course=VELVET, earlier=earlier
    )
    assert with_rash.status is Level.REVIEW


def test_peeling_has_no_peak_so_it_never_counts_as_worsening():
    verdict = judge(quiet(5, peeling=3), course=VELVET, earlier=[quiet(4, peeling=0)])
    assert verdict.flags == ()


@pytest.mark.parametrize(
    ("day", "status"), [(0, Level.NORMAL), (1, Level.REVIEW), (9, Level.REVIEW)]
)
def test_bleeding_is_expected_on_the_day_of_treatment_only(day, status):
    verdict = judge(quiet(day, redness=2, pain=2, bleeding=True), course=VELVET)
    assert verdict.status is status


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("pus", Level.URGENT),
        ("spreading_redness", Level.URGENT),
        ("fever", Level.URGENT),
        ("blisters", Level.URGENT),
        ("allergic_swelling", Level.URGENT),
        ("eye_problem", Level.URGENT),
        ("heavy_bleeding", Level.URGENT),
        # Added in version 2's list; a version 1 course judges them at their level.
        ("airway_swelling", Level.URGENT),
        ("getting_worse", Level.URGENT),
        ("raw_skin", Level.URGENT),
        ("rash", Level.REVIEW),
        ("pimples", Level.REVIEW),
        ("dark_patches", Level.REVIEW),
    ],
)
def test_each_warning_sign_raises_its_level_on_any_day(code, level):
    for day in (0, 4, 30):
        verdict = judge(quiet(day, warning_signs=frozenset({code})), course=VELVET)
        assert [(f.symptom, f.level) for f in verdict.flags] == [(code, level)]


def test_airway_swelling_tells_the_patient_to_call_emergency_services():
    # The revised signs (expected-course.md) moved tongue, throat and breathing from
    # allergic_swelling to airway_swelling, which carries the emergency instruction.
    (flag,) = judge(
        quiet(1, warning_signs=frozenset({"airway_swelling"})), course=VELVET
    ).flags
    assert (flag.level, flag.emergency) == (Level.URGENT, True)
    assert "Call emergency services now" in flag.message
    (flag,) = judge(
        quiet(1, warning_signs=frozenset({"allergic_swelling"})), course=VELVET
    ).flags
    assert (flag.level, flag.emergency) == (Level.URGENT, False)
    assert flag.message.endswith("Contact your clinic now.")


def test_urgent_flags_come_first():
    verdict = judge(
        quiet(2, pain=9, warning_signs=frozenset({"rash", "pus"})), course=VELVET
    )
    assert [f.level for f in verdict.flags] == [Level.URGENT, Level.REVIEW, Level.REVIEW]
    assert verdict.status is Level.URGENT


@pytest.mark.parametrize(
    "values",
    [
        {"redness": 5},
        {"pain": 11},
        {"pain": -1},
        {"bruising": 1.5},
        {"warning_signs": frozenset({"headache"})},
    ],
)
def test_values_outside_their_scale_are_refused(values):
    with pytest.raises(ObservationError):
        quiet(1, **values)


def test_the_translate_function_is_applied_to_every_sentence():
    def mark(text: str) -> str:
        return "»" + text

    (flag,) = judge(quiet(2, pain=6), course=VELVET, translate=mark).flags
    # The sentence, the symptom's label and the course name each went through it.
    assert flag.message.startswith("»»Pain 6/10 on day 2")
    assert flag.message.endswith("(»Velvet Skin course, version 1).")


def test_usual_for_day_speaks_in_grade_words():
    usual = {u.symptom: u.words for u in usual_for_day(course=VELVET, day=5)}
    assert usual == {
        "redness": "none to mild",
        "bruising": "none to mild",
        "peeling": "slight to moderate",
        "pain": "0–1 out of 10",
    }


def test_the_rules_package_loads_without_django():
    code = (
        "import sys, recovery.judge, recovery.aftercare, recovery.course, recovery.check;"
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
