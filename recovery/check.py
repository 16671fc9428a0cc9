"""Judging a whole diary given as JSON-like data, for `manage.py course check`."""

from typing import Any

from recovery.course import Course
from recovery.judge import Observation, ObservationError, judge

REQUIRED = ("day", "redness", "bruising", "peeling", "pain")
OPTIONAL = ("bleeding", "warning_signs")


class DiaryError(ValueError):
    """The diary is not a list of valid entries; the message names the entry and value."""


def _observation(raw: Any, index: int) -> Observation:
    where = f"entry {index + 1}"
    if not isinstance(raw, dict):
        raise DiaryError(f"{where} must be an object")
    missing = [key for key in REQUIRED if key not in raw]
    if missing:
        raise DiaryError(f"{where} has no {', '.join(missing)}")
    unknown = sorted(set(raw) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise DiaryError(f"{where} has unknown field(s): {', '.join(unknown)}")
    bleeding = raw.get("bleeding", False)
    signs = raw.get("warning_signs", [])
    if not isinstance(bleeding, bool):
        raise DiaryError(f"{where}: bleeding must be true or false")
    if not isinstance(signs, list) or not all(isinstance(s, str) for s in signs):
        raise DiaryError(f"{where}: warning_signs must be a list of codes")
    try:
        return Observation(
            **{key: raw[key] for key in REQUIRED},
            bleeding=bleeding,
            warning_signs=frozenset(signs),
        )
    except ObservationError as error:
        raise DiaryError(f"{where}: {error}") from error


def judge_diary(raw: Any, *, course: Course) -> list[dict]:
    """Return one verdict per entry of `raw`, in the same order, as plain dicts.

    Each entry is judged with the diary's entries of earlier days (worsening rule).
    Raises DiaryError for anything that is not a list of valid entries.
    """
    if not isinstance(raw, list):
        raise DiaryError("the diary must be a JSON list of entries")
    observations = [_observation(item, index) for index, item in enumerate(raw)]
    days = [o.day for o in observations]
    repeated = sorted({d for d in days if days.count(d) > 1})
    if repeated:
        raise DiaryError(f"day {repeated[0]} appears more than once")
    results = []
    for observation in observations:
        verdict = judge(observation, course=course, earlier=observations)
        results.append(
            {
                "day": observation.day,
                "status": verdict.status.value,
                "flags": [
                    {"symptom": f.symptom, "level": f.level.value, "message": f.message}
                    for f in verdict.flags
                ],
            }
        )
    return results
