import copy

import pytest

from recovery.course import VELVET_SKIN_V1, VELVET_SKIN_V2, CourseError, course_from_dict


def edited(change) -> dict:
    data = copy.deepcopy(VELVET_SKIN_V1)
    change(data)
    return data


def test_the_shipped_course_loads_with_its_version():
    course = course_from_dict(VELVET_SKIN_V1, procedure="Velvet Skin", version=3)
    assert (course.procedure, course.version, course.resolution_day) == (
        "Velvet Skin",
        3,
        10,
    )
    assert course.band("peeling", 1).upper == 1


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["symptoms"].pop("pain"), "no bands for: pain"),
        (lambda d: d["symptoms"].update(itch={}), "unknown symptom(s): itch"),
        (
            lambda d: d["symptoms"]["redness"]["bands"][0].update({"from": 1, "to": 1}),
            "redness bands must start on day 0",
        ),
        (
            lambda d: d["symptoms"]["redness"]["bands"][1].update({"from": 2}),
            "without gaps or overlaps",
        ),
        (
            lambda d: d["symptoms"]["redness"]["bands"][-1].update({"to": 30}),
            "last band must be open-ended",
        ),
        (
            lambda d: d["symptoms"]["redness"]["bands"][0].update({"upper": 5}),
            "redness band 1 'upper' must be from 4 to 4, not 5",
        ),
        (
            lambda d: d["symptoms"]["pain"]["bands"][0].update({"typical": [5, 3]}),
            "pain band 1 typical high must be from 5 to 10, not 3",
        ),
        (
            lambda d: d["symptoms"]["bruising"]["bands"][0].update({"upper": 0}),
            "bruising band 1 'upper' must be from 1 to 4, not 0",
        ),
        (
            lambda d: d["symptoms"]["redness"]["bands"][0].update({"typical": "2-4"}),
            "'typical' must be a pair",
        ),
        (lambda d: d.update(downtime_days=[10, 7]), "downtime_days longest"),
        (lambda d: d["aftercare"].append({"topic": "swimming"}), "needs a 'topic'"),
        (
            lambda d: d["aftercare"].append(
                {"topic": "bath", "allowed_from": {"weeks": 1}}
            ),
            "must be {'hours': n} or {'day': n}",
        ),
    ],
)
def test_a_broken_course_is_refused_with_a_reason(change, message):
    with pytest.raises(CourseError) as error:
        course_from_dict(edited(change), procedure="Velvet Skin", version=2)
    assert message in str(error.value)


def edited_v2(change) -> dict:
    data = copy.deepcopy(VELVET_SKIN_V2)
    change(data)
    return data


def test_version_2_loads_its_rule_parameters():
    course = course_from_dict(VELVET_SKIN_V2, procedure="Velvet Skin", version=2)
    assert course.worsening is None
    assert (course.rebound.rise, course.rebound.reaches) == (
        2,
        {"redness": 3, "bruising": 3, "pain": 4},
    )
    alarm = course.pain_alarm
    assert (alarm.from_day, alarm.at, alarm.rising_from_day, alarm.rising_at) == (
        2,
        6,
        3,
        4,
    )
    assert (alarm.rise, alarm.lowest_since_day) == (2, 1)
    assert (course.bleeding_expected_through_day, course.not_resolving_at) == (1, 2)
    assert course.downtime_days == (7, 10)
    peaks = {code: s.peak_day for code, s in course.symptoms.items()}
    assert peaks == {"redness": 3, "bruising": 3, "peeling": None, "pain": 0}


def set_rule(rule: str, key: str, value):
    def change(data):
        data["rules"] = copy.deepcopy(data["rules"])
        data["rules"][rule][key] = value

    return change


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda d: d.pop("rules"),
            "a course needs 'rules' with 'rebound' and 'pain_alarm'",
        ),
        (lambda d: d.update(worsening={"rise": 2, "within_days": 2}), "not both"),
        (lambda d: d.update(rules={"rebound": {}}), "'rules' has no pain_alarm"),
        (
            lambda d: d.update(rules=d["rules"] | {"rebond": {}}),
            "'rules' has unknown key(s): rebond",
        ),
        (set_rule("rebound", "rise", 0), "rules rebound rise must be 1 or more, not 0"),
        (
            set_rule("rebound", "reaches", {"redness": 5}),
            "rules rebound reaches redness must be from 1 to 4, not 5",
        ),
        (
            set_rule("rebound", "reaches", {"peeling": 3}),
            "rules rebound reaches peeling, but peeling has no 'peak_day'",
        ),
        (set_rule("rebound", "reaches", {"itch": 3}), "reaches unknown symptom(s): itch"),
        (set_rule("rebound", "reaches", []), "'reaches' must be an object"),
        (
            set_rule("pain_alarm", "at", 11),
            "rules pain_alarm at must be from 1 to 10, not 11",
        ),
        (
            set_rule("pain_alarm", "from_day", "2"),
            "rules pain_alarm from_day must be a whole number, not '2'",
        ),
        (
            set_rule("pain_alarm", "rising_at", True),
            "rules pain_alarm rising_at must be a whole number, not True",
        ),
        (set_rule("pain_alarm", "rising_from_day", 0), "rising_from_day must be 1 or more"),
        (
            set_rule("pain_alarm", "lowest_since_day", 3),
            "rules pain_alarm lowest_since_day must be from 0 to 2, not 3",
        ),
        (
            lambda d: d["rules"].update(pain_alarm={"at": 6}),
            "rules 'pain_alarm' has no from_day, rising_from_day, rising_at, rise",
        ),
        (lambda d: d.update(not_resolving_at=5), "not_resolving_at must be from 1 to 4"),
        (
            lambda d: d.update(bleeding_expected_through_day=None),
            "bleeding_expected_through_day must be a whole number",
        ),
    ],
)
def test_a_broken_version_2_course_is_refused_naming_the_field(change, message):
    with pytest.raises(CourseError) as error:
        course_from_dict(edited_v2(change), procedure="Velvet Skin", version=3)
    assert message in str(error.value)
