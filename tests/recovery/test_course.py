import copy

import pytest

from recovery.course import VELVET_SKIN_V1, CourseError, course_from_dict


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
