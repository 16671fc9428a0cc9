"""Version 2 of the expected course (shared/design/expected-course.md)."""

import pytest

from recovery.course import (
    DERMAPEN_V2,
    SHIPPED_COURSES,
    SHIPPED_NAMES,
    VELVET_SKIN_V2,
    course_from_dict,
    shipped_course,
)
from recovery.judge import (
    Observation,
    ObservationError,
    Rule,
    judge,
    judge_timeline,
    next_step,
    usual_without_box,
)
from recovery.scales import WARNING_SIGNS, Level

VELVET = course_from_dict(VELVET_SKIN_V2, procedure="Velvet Skin", version=2)
DERMAPEN = course_from_dict(DERMAPEN_V2, procedure="Dermapen", version=2)

# The "upper" row of expected-course.md's version 2 table, day by day (days 0-16),
# copied by hand: day 0 | day 1 | days 2-3 | days 4-7 | days 8-10 | days 11-13 | 14+.
VELVET_UPPER = {
    "redness": [4, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 1, 1, 1],
    "bruising": [2, 3, 3, 3, 3, 3, 3, 3, 2, 2, 2, 1, 1, 1, 0, 0, 0],
    "peeling": [1, 1, 2, 2, 3, 3, 3, 3, 3, 3, 3, 1, 1, 1, 0, 0, 0],
    "pain": [8, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2],
}
# Dermapen's uppers: day 0 | days 1-2 | days 3-5 | day 6+ (days 0-8).
DERMAPEN_UPPER = {
    "redness": [4, 3, 3, 2, 2, 2, 1, 1, 1],
    "bruising": [2, 2, 2, 1, 1, 1, 1, 1, 1],
    "peeling": [1, 1, 1, 2, 2, 2, 1, 1, 1],
    "pain": [7, 3, 3, 2, 2, 2, 2, 2, 2],
}
MAXIMUM = {"redness": 4, "bruising": 4, "peeling": 4, "pain": 10}
LAST_DOWNTIME_DAY = {"Velvet Skin": 10, "Dermapen": 5}


def quiet(day: int, **values) -> Observation:
    """An entry with nothing above the band, except the values given."""
    base = {"redness": 0, "bruising": 0, "peeling": 0, "pain": 0}
    return Observation(day=day, **(base | values))


def entries(symptom: str, *pairs: tuple[int, int]) -> list[Observation]:
    return [quiet(day, **{symptom: value}) for day, value in pairs]


def band_edges(course, table) -> list:
    return [
        pytest.param(course, symptom, day, upper, id=f"{course.procedure}-{symptom}-{day}")
        for symptom, uppers in table.items()
        for day, upper in enumerate(uppers)
    ]


@pytest.mark.parametrize(
    ("course", "symptom", "day", "upper"),
    band_edges(VELVET, VELVET_UPPER) + band_edges(DERMAPEN, DERMAPEN_UPPER),
)
def test_each_days_upper_limit_is_normal_and_one_more_is_flagged(
    course, symptom, day, upper
):
    assert judge(quiet(day, **{symptom: upper}), course=course).flags == ()
    if upper == MAXIMUM[symptom]:
        return
    (flag,) = judge(quiet(day, **{symptom: upper + 1}), course=course).flags
    # A visible symptom still at 2 or more after the downtime is "not resolving".
    late = day > LAST_DOWNTIME_DAY[course.procedure] and symptom != "pain"
    rule = Rule.NOT_RESOLVING if late and upper + 1 >= 2 else Rule.ABOVE_BAND
    assert (flag.symptom, flag.level, flag.rule) == (symptom, Level.REVIEW, rule)
    assert (flag.observed, flag.expected_upper) == (upper + 1, upper)


def test_above_the_band_speaks_the_scales_words_and_the_clinicians_numbers():
    (flag,) = judge(quiet(9, redness=3), course=VELVET).flags
    assert flag.message == (
        "Your redness today: red (3 of 4). On day 9 most people are at clearly pink "
        "or less."
    )
    assert flag.detail == "Redness 3/4 on day 9; course upper 2 (Velvet Skin v2)"


@pytest.mark.parametrize(
    ("day", "values", "message"),
    [
        (1, {"pain": 5}, "Your pain today: 5 out of 10. On day 1 most people are at "
                         "4 out of 10 or less."),
        (14, {"bruising": 1}, "Your bruising today: a few dark-red dots (1 of 4). "
                              "On day 14 most people have none."),
        (5, {"peeling": 4}, "Your peeling today: raw or weeping areas (4 of 4). On day 5 "
                            "most people are at peeling over most of the area or less."),
    ],
)  # fmt: skip
def test_the_patients_text_for_each_kind_of_scale(day, values, message):
    (flag,) = judge(quiet(day, **values), course=VELVET).flags
    assert flag.message == message


def test_not_resolving_says_beyond_the_usual_7_to_10_days_to_both_readers():
    (flag,) = judge(quiet(12, redness=2), course=VELVET).flags
    assert flag.rule is Rule.NOT_RESOLVING
    assert flag.message == (
        "Your redness on day 12: clearly pink (2 of 4). That is beyond the usual 7 to "
        "10 days. On day 12 most people are at barely pink or less."
    )
    assert flag.detail == (
        "Not resolving: redness 2/4 on day 12, beyond the usual 7 to 10 days; course "
        "upper 1 (Velvet Skin v2)"
    )


@pytest.mark.parametrize(
    ("symptom", "before", "today", "rules"),
    [
        # (day, value) of earlier entries and of today's; peak day 3 (redness,
        # bruising) or 0 (pain); a rebound is a rise of 2 to at least 3 (pain 4).
        ("redness", [(3, 1)], (5, 3), [Rule.REBOUND]),  # exactly at both floors
        ("redness", [(3, 2)], (5, 3), []),  # a rise of 1
        ("redness", [(3, 0)], (5, 2), []),  # reaches only 2
        ("redness", [(3, 1), (4, 3), (5, 2)], (6, 3), [Rule.REBOUND]),  # slow rise
        ("redness", [(2, 0)], (5, 3), []),  # nothing logged since the peak day
        ("redness", [(1, 1)], (3, 3), []),  # the peak day itself
        ("redness", [(3, 1)], (8, 3), [Rule.REBOUND]),  # one flag, not also above band
        ("bruising", [(3, 1)], (5, 3), [Rule.REBOUND]),
        ("bruising", [(3, 2)], (5, 3), []),
        ("pain", [(0, 2)], (1, 4), [Rule.REBOUND]),
        ("pain", [(0, 1)], (1, 3), []),  # reaches only 3
        ("pain", [(0, 3)], (1, 4), []),  # a rise of 1
        ("peeling", [(4, 0)], (6, 3), []),  # peeling has no peak day
    ],
)
def test_rebound_after_the_peak_day(symptom, before, today, rules):
    verdict = judge(
        quiet(today[0], **{symptom: today[1]}),
        course=VELVET,
        earlier=entries(symptom, *before),
    )
    assert [f.rule for f in verdict.flags] == rules
    assert {f.level for f in verdict.flags} <= {Level.REVIEW}


def test_rebound_explains_the_rise_from_the_lowest_value():
    earlier = entries("redness", (3, 2), (5, 1), (6, 2))
    (flag,) = judge(quiet(7, redness=3), course=VELVET, earlier=earlier).flags
    assert flag.message == (
        "Your redness today: red (3 of 4), up from barely pink (1 of 4) on day 5. After "
        "day 3 most people's redness keeps settling instead of coming back."
    )
    assert flag.detail == (
        "Rebound: redness 3/4 on day 7, lowest 1 since day 3; course upper 3 "
        "(Velvet Skin v2)"
    )


@pytest.mark.parametrize(
    ("course", "before", "today", "expected"),
    [
        # (day, pain) of earlier entries and of today's; the alarm is urgent.
        (VELVET, [], (2, 6), (Rule.PAIN_ALARM, Level.URGENT)),  # at 6 from day 2
        (VELVET, [], (2, 5), (Rule.ABOVE_BAND, Level.REVIEW)),
        (VELVET, [], (1, 6), (Rule.ABOVE_BAND, Level.REVIEW)),  # before day 2
        (VELVET, [], (9, 10), (Rule.PAIN_ALARM, Level.URGENT)),
        (VELVET, [(1, 2)], (3, 4), (Rule.PAIN_ALARM, Level.URGENT)),  # 4, 2 above
        (VELVET, [(1, 3)], (3, 4), (Rule.ABOVE_BAND, Level.REVIEW)),  # 1 above
        (VELVET, [(1, 1)], (3, 3), None),  # below 4
        (VELVET, [(1, 0)], (2, 4), (Rule.REBOUND, Level.REVIEW)),  # rising from day 3
        (VELVET, [(0, 7), (2, 2)], (4, 4), (Rule.PAIN_ALARM, Level.URGENT)),
        (VELVET, [(0, 1)], (4, 5), (Rule.REBOUND, Level.REVIEW)),  # day 0 not counted
        (VELVET, [(1, 1), (2, 3), (3, 3)], (4, 3), None),  # rose early, now settled
        (DERMAPEN, [(1, 2)], (3, 4), (Rule.PAIN_ALARM, Level.URGENT)),
        (DERMAPEN, [], (2, 6), (Rule.PAIN_ALARM, Level.URGENT)),
        (DERMAPEN, [(1, 3)], (3, 4), (Rule.ABOVE_BAND, Level.REVIEW)),
    ],
)
def test_the_pain_alarm_exactly_at_its_floors(course, before, today, expected):
    verdict = judge(
        quiet(today[0], pain=today[1]), course=course, earlier=entries("pain", *before)
    )
    assert [(f.rule, f.level) for f in verdict.flags] == ([expected] if expected else [])


def test_the_pain_alarm_needs_no_box_and_says_both_texts():
    earlier = entries("pain", (0, 6), (1, 2), (2, 1), (3, 2))
    (flag,) = judge(quiet(4, pain=5), course=VELVET, earlier=earlier).flags
    assert flag.message == (
        "Your pain today: 5 out of 10, up from 1 out of 10 on day 2. On day 4 most "
        "people are at 3 out of 10 or less; pain that rises instead of settling needs "
        "checking now."
    )
    assert (
        flag.detail
        == "Pain alarm: pain 5/10 on day 4, lowest 1 since day 1 (Velvet Skin v2)"
    )
    (strong,) = judge(quiet(2, pain=7), course=VELVET).flags
    assert strong.detail == (
        "Pain alarm: pain 7/10 on day 2, alarm at 6 from day 2 (Velvet Skin v2)"
    )


@pytest.mark.parametrize(
    ("code", "level", "emergency"),
    [
        ("airway_swelling", Level.URGENT, True),
        ("pus", Level.URGENT, False),
        ("spreading_redness", Level.URGENT, False),
        ("getting_worse", Level.URGENT, False),
        ("fever", Level.URGENT, False),
        ("blisters", Level.URGENT, False),
        ("allergic_swelling", Level.URGENT, False),
        ("eye_problem", Level.URGENT, False),
        ("heavy_bleeding", Level.URGENT, False),
        ("raw_skin", Level.URGENT, False),
        ("rash", Level.REVIEW, False),
        ("pimples", Level.REVIEW, False),
        ("dark_patches", Level.REVIEW, False),
    ],
)
@pytest.mark.parametrize("course", [VELVET, DERMAPEN], ids=["velvet", "dermapen"])
def test_each_warning_sign_raises_its_level_on_any_day(course, code, level, emergency):
    for day in (0, 4, 30):
        verdict = judge(quiet(day, warning_signs=frozenset({code})), course=course)
        assert [(f.symptom, f.rule, f.level, f.emergency) for f in verdict.flags] == [
            (code, Rule.WARNING_SIGN, level, emergency)
        ]
        assert verdict.emergency is emergency


def test_the_warning_signs_are_the_thirteen_of_version_2_most_serious_first():
    assert [s.code for s in WARNING_SIGNS] == [
        "airway_swelling", "pus", "spreading_redness", "getting_worse", "fever",
        "blisters", "allergic_swelling", "eye_problem", "heavy_bleeding", "raw_skin",
        "rash", "pimples", "dark_patches",
    ]  # fmt: skip


def test_a_warning_signs_texts():
    (flag,) = judge(quiet(4, warning_signs=frozenset({"pus"})), course=VELVET).flags
    assert flag.message == "You reported on day 4: Pus or honey-coloured crusts."
    assert flag.detail == (
        "Warning sign pus (urgent) on day 4: Pus or honey-coloured crusts (Velvet Skin v2)"
    )


def test_an_emergency_sign_comes_before_other_urgent_flags():
    signs = frozenset({"rash", "pus", "airway_swelling"})
    verdict = judge(quiet(3, pain=6, warning_signs=signs), course=VELVET)
    assert [(f.symptom, f.level) for f in verdict.flags] == [
        ("airway_swelling", Level.URGENT),
        ("pus", Level.URGENT),
        ("pain", Level.URGENT),
        ("rash", Level.REVIEW),
    ]


@pytest.mark.parametrize(
    ("course", "day", "status"),
    [
        (VELVET, 0, Level.NORMAL),
        (VELVET, 1, Level.NORMAL),  # spots on the pillow the next morning
        (VELVET, 2, Level.REVIEW),
        (VELVET, 12, Level.REVIEW),
        (DERMAPEN, 1, Level.NORMAL),
        (DERMAPEN, 2, Level.REVIEW),
    ],
)
def test_bleeding_is_expected_through_day_1(course, day, status):
    verdict = judge(quiet(day, bleeding=True), course=course)
    assert verdict.status is status
    if status is Level.REVIEW:
        (flag,) = verdict.flags
        assert flag.rule is Rule.BLEEDING
        assert flag.message == (
            f"You reported fresh bleeding or oozing on day {day}. Most people have "
            "none after day 1."
        )


def test_a_filled_in_day_changes_the_verdicts_of_the_days_after_it():
    diary = [quiet(3, redness=2), quiet(6, redness=3), quiet(7, redness=3)]
    before = judge_timeline(diary, course=VELVET)
    assert [v.status for v in before] == [Level.NORMAL] * 3
    filled_in = [*diary, quiet(4, redness=1)]
    after = judge_timeline(filled_in, course=VELVET)
    # In the order given; days 6 and 7 now rise 2 above day 4's lowest value.
    assert [[f.rule for f in v.flags] for v in after] == [
        [],
        [Rule.REBOUND],
        [Rule.REBOUND],
        [],
    ]


def test_judge_timeline_gives_what_judge_gives_with_all_entries():
    diary = [quiet(day, pain=pain) for day, pain in [(0, 5), (1, 1), (3, 4), (5, 6)]]
    assert judge_timeline(diary, course=VELVET) == [
        judge(entry, course=VELVET, earlier=diary) for entry in diary
    ]


def test_judge_timeline_refuses_a_day_twice():
    with pytest.raises(ObservationError, match="day 2 appears more than once"):
        judge_timeline([quiet(2), quiet(2, redness=1)], course=VELVET)


def test_the_translate_function_is_applied_to_both_texts():
    def mark(text: str) -> str:
        return "»" + text

    (flag,) = judge(quiet(9, redness=3), course=VELVET, translate=mark).flags
    # The sentences, the symptom's label and the grade's words each went through it
    # (the marker hides the grade's first letter from lowercasing).
    assert flag.message == (
        "»Your »redness today: »»Red (3 of 4). »On day 9 most people are at »Clearly "
        "pink or less."
    )
    assert flag.detail == "»»Redness 3/4 on day 9; course upper 2 (»Velvet Skin v2)"


@pytest.mark.parametrize(
    ("day", "usual"),
    [
        (0, ["Warmth of the treated skin", "Puffy eyelids"]),
        (1, ["Warmth of the treated skin", "Puffy eyelids",
             "Pinpoint spots of blood on the pillow in the morning"]),
        (2, ["Puffy eyelids"]),
        (3, []),
    ],
)  # fmt: skip
def test_what_is_usual_and_needs_no_box(day, usual):
    assert usual_without_box(day=day) == usual


(REVIEW_FLAG,) = judge(quiet(9, redness=4), course=VELVET).flags
(URGENT_FLAG,) = judge(quiet(9, pain=7), course=VELVET).flags
(EMERGENCY_FLAG,) = judge(
    quiet(2, warning_signs=frozenset({"airway_swelling"})), course=VELVET
).flags


@pytest.mark.parametrize(
    ("flag", "hours", "out_of_hours", "text"),
    [
        (REVIEW_FLAG, 24, "",
         "Your clinic will look at this within a day. Call them sooner if the redness "
         "spreads, feels hot or hurts more."),
        (REVIEW_FLAG, 48, "",
         "Your clinic will look at this within 2 days. Call them sooner if the redness "
         "spreads, feels hot or hurts more."),
        (REVIEW_FLAG, 4, "",
         "Your clinic will look at this within 4 hours. Call them sooner if the redness "
         "spreads, feels hot or hurts more."),
        (URGENT_FLAG, 24, "",
         "Contact your clinic now: 03-1111-2222. If the clinic is closed, go to an "
         "emergency department, or call 119 if you feel very unwell."),
        (URGENT_FLAG, 24, "090-0000-0000",
         "Contact your clinic now: 03-1111-2222. If the clinic is closed, call "
         "090-0000-0000."),
        (EMERGENCY_FLAG, 24, "",
         "Call 119 now, then tell your clinic: 03-1111-2222."),
    ],
)  # fmt: skip
def test_the_next_step_depends_on_the_level_and_the_clinic(flag, hours, out_of_hours, text):
    assert (
        next_step(
            level=flag.level,
            symptom=flag.symptom,
            emergency=flag.emergency,
            review_within_hours=hours,
            clinic_phone="03-1111-2222",
            emergency_number="119",
            out_of_hours_phone=out_of_hours,
        )
        == text
    )


def test_every_shipped_course_loads_under_its_display_name():
    for slug, versions in SHIPPED_COURSES.items():
        for version in versions:
            course = shipped_course(slug, version)
            assert (course.procedure, course.version) == (SHIPPED_NAMES[slug], version)
    assert shipped_course("velvet-skin", 1).worsening is not None
    assert shipped_course("dermapen", 2).pain_alarm is not None


def test_the_next_step_takes_the_level_as_stored():
    text = next_step(
        level="review",
        symptom="bleeding",
        review_within_hours=24,
        clinic_phone="",
        emergency_number="119",
    )
    assert text == (
        "Your clinic will look at this within a day. Call them sooner if the bleeding "
        "will not stop."
    )
