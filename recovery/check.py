"""Judging whole diaries given as JSON-like data, for `manage.py course check`."""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from recovery.course import Course
from recovery.judge import Observation, ObservationError, judge_timeline
from recovery.text import Translate, untranslated

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


def judge_diary(
    raw: Any, *, course: Course, translate: Translate = untranslated
) -> list[dict]:
    """Return one result per entry of `raw`, in the same order, as plain dicts:
    `{"day", "status", "flags": [{"symptom", "level", "rule", "message", "detail"}]}`.

    Each entry is judged with the diary's entries of earlier days, as the app does.
    Raises DiaryError for anything that is not a list of valid entries, one per day.
    """
    if not isinstance(raw, list):
        raise DiaryError("the diary must be a JSON list of entries")
    observations = [_observation(item, index) for index, item in enumerate(raw)]
    days = [o.day for o in observations]
    repeated = sorted({d for d in days if days.count(d) > 1})
    if repeated:
        raise DiaryError(f"day {repeated[0]} appears more than once")
    verdicts = judge_timeline(observations, course=course, translate=translate)
    return [
        {
            "day": observation.day,
            "status": verdict.status.value,
            "flags": [
                {
                    "symptom": f.symptom,
                    "level": f.level.value,
                    "rule": f.rule.value,
                    "message": f.message,
                    "detail": f.detail,
                }
                for f in verdict.flags
            ],
        }
        for observation, verdict in zip(observations, verdicts, strict=True)
    ]


def judge_diary_lines(
    lines: Iterable[str], *, course: Course, translate: Translate = untranslated
) -> Iterator[str]:
    """Yield one JSON line per line of `lines` (JSON Lines: one diary per line), in
    order: the diary's results as `judge_diary` gives them, or `{"error": "..."}` if
    the line is not valid JSON or not a valid diary. A bad line never stops the run,
    and a blank line is a bad line, so output line n always answers input line n.
    Lines are read and answered one at a time, so any number of diaries fit in memory.
    """
    for number, line in enumerate(lines, start=1):
        try:
            diary = json.loads(line)
        except json.JSONDecodeError as error:
            answer: Any = {"error": f"line {number}: not valid JSON: {error}"}
        else:
            try:
                answer = judge_diary(diary, course=course, translate=translate)
            except DiaryError as error:
                answer = {"error": f"line {number}: {error}"}
        yield json.dumps(answer, ensure_ascii=False)
