"""How often the expected course flags typical recoveries, and how often it catches harm.

A simulator of Velvet Skin recoveries built from the clinic article
(shared/source/velvet-skin-downtime-article.txt) and expected-course.md, judged by the
app's own code path (`recovery.judge.judge_timeline`: every entry against all of the
diary's entries of earlier days, as saving each day in turn does), under the shipped
version 1 and version 2 courses. Seeded, so every run prints the same figures.

Assumptions of the typical recovery (one patient = one diary; "true" values are what
the skin does, "reported" values what the patient taps):
- Redness: day 0 at 2-4 (weights 30/45/25%). Days 1-3 at a personal peak of 1-3
  (20/45/35%), day 1 one grade higher for 30% of patients (the peel's effect is
  strongest then). "Almost everyone" has redness and bruising on days 1-3.
- Bruising (the article's "internal bleeding"): day 0 at 0-1 (50/50), days 1-3 at a
  personal peak of 1-3 (35/40/25%).
- Half the patients improve by day 4 (the article's "50/50"): redness and bruising one
  grade down on day 4, then a straight line to 0. The other half stay at their peak
  until day 4-7, then a straight line to 0. Each symptom is gone (0) from a day
  drawn from 6 to 10 ("7 to 10 days" of downtime; resolved by day 6-10), at least
  two days after the decline starts.
- Peeling: starts on day 2-4 (20/40/40%) at 1, one day at up to 2, then a personal
  level of 1-3 (30/45/25%) until the day before it ends, 1 on that day; it ends
  (0) on day 7-10 ("healed by day 7 to 10").
- Pain: day 0 at 2-7 (uniform; "almost 100% tingling"); day 1 at 10-50% of it, at most
  3; then 0 or 1 less each day; at most 1 from day 4 and 0 from day 5-8 ("pain is only
  immediately after the procedure").
- Fresh bleeding reported on day 0 by 80%, on day 1 by 25% (spots on the pillow), and
  by 1% on later days (reading the dark-red dots as bleeding despite the label).
- No warning sign is ticked on a typical diary.
- Self-report noise: 40% of values are reported one grade up or down (equal chances,
  kept inside the scale, so a 0 is reported as 1 in 20% of entries).
- Logging: day 0 logged by 90%, each later day by 80% (skipped days); the last day is
  10-14 (uniform).

Harmful courses (300 diaries each) are typical diaries with the harm from an onset day
on; they keep logging at least 4 days past it. A harm counts as caught if an entry on
or after the onset day has a flag about it (its symptoms or signs) at the expected
level (urgent, or at least review):
- infection, boxes ticked / silent: from day 3-5, pain rises over 1-3 days to 5-8 and
  redness to 3-4, and stays; "ticked": on each entry from the onset one or two of pus,
  spreading redness, fever, getting worse with 70% chance; "silent": no box. Urgent.
- raw skin (chemical injury): from day 3-6, peeling 4 and pain 3-5; raw_skin ticked
  on each entry with 60% chance. Urgent.
- allergy: from day 1-4 for 3 days, allergic_swelling ticked with 80% chance per entry,
  rash with 50%, redness one grade up. Urgent.
- cold sores: from day 2-5 for 4 days, blisters ticked with 80% chance, pain 3-4. Urgent.
- redness rising after day 4: from day 5-8, redness climbs one grade a day to 3-4 and
  stays; pain stays low. Review.
- bruising still severe after day 8: bruising held at 3-4 through the diary; counted
  from day 8. Review.
- late bleeding: fresh bleeding on days 3-8 onwards for 2-4 days (70% per entry),
  heavy_bleeding ticked with 10% chance. Review.
- dark patches: from day 7-12, dark_patches ticked with 70% chance. Review.

Last lines (version 2): typical_flag_rate (flagged entries / typical entries),
typical_urgent_rate, harm_urgent_recall (urgent harms caught at urgent),
harm_review_recall (review harms caught at review or higher). Targets from
expected-course.md: flag rate <= 0.08, urgent rate 0, silent infection urgent in >= 95%.

Run: `SECRET_KEY=x .venv/bin/python bench/alert_rate.py` (a few seconds; no database).
"""

import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from recovery.course import Course, shipped_course
from recovery.judge import Observation, Verdict, judge_timeline
from recovery.scales import Level

TYPICAL, PER_HARM = 3000, 300
NOISE = 0.4
SYMPTOM_MAXIMUM = {"redness": 4, "bruising": 4, "peeling": 4, "pain": 10}
rng = random.Random(20261123)


@dataclass
class Day:
    """The true state of one day, before the patient reports it."""

    redness: int = 0
    bruising: int = 0
    peeling: int = 0
    pain: int = 0
    bleeding: bool = False
    signs: frozenset[str] = frozenset()


@dataclass
class Diary:
    days: list[Day]  # true values for days 0..last
    reports: list[Observation]  # what the patient logged, on the days logged
    onset: int = 0  # for harms: the first day the harm shows


def _pick(values, weights):
    return rng.choices(values, weights=weights)[0]


def _decline(peak: int, *, improver: bool) -> list[int]:
    """Redness or bruising on days 1-14 for a personal peak (index 0 is day 1)."""
    if improver:
        start, start_value = 4, peak - 1
    else:
        start, start_value = rng.randint(4, 7), peak
    gone = rng.randint(max(6, start + 2), 10)
    values = []
    for day in range(1, 15):
        if day <= 3 or day < start:
            values.append(peak)
        elif day >= gone:
            values.append(0)
        else:
            values.append(round(start_value * (gone - day) / (gone - start)))
    return values


def typical_days(last: int) -> list[Day]:
    improver = rng.random() < 0.5
    redness_peak = _pick([1, 2, 3], [20, 45, 35])
    redness = [_pick([2, 3, 4], [30, 45, 25]), *_decline(redness_peak, improver=improver)]
    if rng.random() < 0.3:
        redness[1] = min(4, redness[1] + 1)
    bruising = [
        rng.randint(0, 1),
        *_decline(_pick([1, 2, 3], [35, 40, 25]), improver=improver),
    ]
    onset = _pick([2, 3, 4], [20, 40, 40])
    level = _pick([1, 2, 3], [30, 45, 25])
    end = rng.randint(7, 10)
    peeling = []
    for day in range(15):
        if day < onset or day >= end:
            peeling.append(0)
        elif day == onset or day == end - 1:
            peeling.append(1)
        elif day == onset + 1:
            peeling.append(min(level, 2))
        else:
            peeling.append(level)
    pain = [rng.randint(2, 7)]
    pain.append(min(3, round(pain[0] * rng.uniform(0.1, 0.5))))
    pain_gone = rng.randint(5, 8)
    for day in range(2, 15):
        value = max(0, pain[-1] - rng.randint(0, 1))
        if day >= 4:
            value = min(value, 1)
        if day >= pain_gone:
            value = 0
        pain.append(value)
    bleeding = [rng.random() < 0.8, rng.random() < 0.25]
    bleeding += [rng.random() < 0.01 for _ in range(13)]
    return [
        Day(redness[d], bruising[d], peeling[d], pain[d], bleeding[d])
        for d in range(last + 1)
    ]


def logged_days(last: int) -> list[int]:
    days = [0] if rng.random() < 0.9 else []
    return days + [day for day in range(1, last + 1) if rng.random() < 0.8]


def report(day: int, true: Day) -> Observation:
    """What the patient taps: the true values with one-grade noise on 40% of them."""
    values = {}
    for symptom, maximum in SYMPTOM_MAXIMUM.items():
        value = getattr(true, symptom)
        if rng.random() < NOISE:
            value += rng.choice((-1, 1))
        values[symptom] = min(maximum, max(0, value))
    return Observation(day=day, bleeding=true.bleeding, warning_signs=true.signs, **values)


def reports(days: list[Day]) -> list[Observation]:
    return [report(day, days[day]) for day in logged_days(len(days) - 1)]


def typical_diary() -> Diary:
    days = typical_days(rng.randint(10, 14))
    return Diary(days, reports(days))


# Harms: each changes a typical diary from its onset day on.


def _ramp(start: int, top: int, steps: int, j: int) -> int:
    """Value j days into a rise from `start` to `top` over `steps` days."""
    return top if j + 1 >= steps else round(start + (top - start) * (j + 1) / steps)


def _infection(days: list[Day], onset: int, *, ticked: bool) -> None:
    top_pain, top_redness, steps = rng.randint(5, 8), rng.randint(3, 4), rng.randint(1, 3)
    base = days[onset - 1]
    for j, day in enumerate(days[onset:]):
        day.pain = max(day.pain, _ramp(base.pain, top_pain, steps, j))
        day.redness = max(day.redness, _ramp(base.redness, top_redness, steps, j))
        if ticked and rng.random() < 0.7:
            signs = ["pus", "spreading_redness", "fever", "getting_worse"]
            day.signs = frozenset(rng.sample(signs, rng.randint(1, 2)))


def _raw_skin(days: list[Day], onset: int) -> None:
    for day in days[onset:]:
        day.peeling, day.pain = 4, max(day.pain, rng.randint(3, 5))
        if rng.random() < 0.6:
            day.signs = frozenset({"raw_skin"})


def _allergy(days: list[Day], onset: int) -> None:
    for day in days[onset : onset + 3]:
        day.redness = min(4, day.redness + 1)
        signs = {"allergic_swelling"} if rng.random() < 0.8 else set()
        if rng.random() < 0.5:
            signs.add("rash")
        day.signs = frozenset(signs)


def _cold_sores(days: list[Day], onset: int) -> None:
    for day in days[onset : onset + 4]:
        day.pain = max(day.pain, rng.randint(3, 4))
        if rng.random() < 0.8:
            day.signs = frozenset({"blisters"})


def _redness_rising(days: list[Day], onset: int) -> None:
    top = rng.randint(3, 4)
    base = days[onset - 1].redness
    for j, day in enumerate(days[onset:]):
        day.redness = max(day.redness, min(top, base + j + 1))


def _bruising_late(days: list[Day], _onset: int) -> None:
    level = rng.randint(3, 4)
    for day in days[1:]:
        day.bruising = level


def _late_bleeding(days: list[Day], onset: int) -> None:
    for day in days[onset : onset + rng.randint(2, 4)]:
        day.bleeding = rng.random() < 0.7
        if rng.random() < 0.1:
            day.signs = frozenset({"heavy_bleeding"})


def _dark_patches(days: list[Day], onset: int) -> None:
    for day in days[onset:]:
        if rng.random() < 0.7:
            day.signs = frozenset({"dark_patches"})


@dataclass(frozen=True)
class Harm:
    name: str
    level: Level  # the level at which it must be caught
    onset: tuple[int, int]
    apply: Callable[[list[Day], int], None]
    shows_in: frozenset[str]  # the flags (symptom or sign) that are about this harm


def _in(*codes: str) -> frozenset[str]:
    return frozenset(codes)


INFECTION = _in("pain", "redness", "pus", "spreading_redness", "fever", "getting_worse")
HARMS = (
    Harm("infection, boxes ticked", Level.URGENT, (3, 5),
         lambda d, o: _infection(d, o, ticked=True), INFECTION),
    Harm("infection, no box ticked", Level.URGENT, (3, 5),
         lambda d, o: _infection(d, o, ticked=False), INFECTION),
    Harm("raw skin", Level.URGENT, (3, 6), _raw_skin, _in("peeling", "pain", "raw_skin")),
    Harm("allergy", Level.URGENT, (1, 4), _allergy,
         _in("allergic_swelling", "rash", "redness")),
    Harm("cold sores", Level.URGENT, (2, 5), _cold_sores, _in("blisters", "pain")),
    Harm("redness rising after day 4", Level.REVIEW, (5, 8), _redness_rising,
         _in("redness")),
    Harm("bruising severe after day 8", Level.REVIEW, (8, 8), _bruising_late,
         _in("bruising")),
    Harm("late bleeding", Level.REVIEW, (3, 8), _late_bleeding,
         _in("bleeding", "heavy_bleeding")),
    Harm("dark patches", Level.REVIEW, (7, 12), _dark_patches, _in("dark_patches")),
)  # fmt: skip
SILENT_INFECTION = "infection, no box ticked"


def harmful_diary(harm: Harm) -> Diary:
    onset = rng.randint(*harm.onset)
    last = max(rng.randint(10, 14), min(14, onset + 4))
    days = typical_days(last)
    harm.apply(days, onset)
    return Diary(days, reports(days), onset)


def judged(diary: Diary, course: Course) -> list[tuple[Observation, Verdict]]:
    verdicts = judge_timeline(diary.reports, course=course)
    return list(zip(diary.reports, verdicts, strict=True))


@dataclass
class Figures:
    entries: int = 0
    flagged: int = 0
    urgent: int = 0
    patients: int = 0
    patients_flagged: int = 0
    rules: Counter = field(default_factory=Counter)  # (rule, symptom) -> entries
    caught: Counter = field(default_factory=Counter)  # harm -> diaries caught at its level
    tried: Counter = field(default_factory=Counter)  # harm -> diaries
    silent_on_reach: int = 0  # silent infections urgent by the day pain reached its top
    silent_reach_tried: int = 0


def caught(harm: Harm, verdict: Verdict) -> bool:
    """Whether the verdict has a flag about the harm at its level or higher (a flag
    about something else, such as noise, does not count)."""
    return any(
        f.symptom in harm.shows_in and f.level.rank >= harm.level.rank
        for f in verdict.flags
    )


def measure(
    typical: list[Diary], harmful: list[tuple[Harm, Diary]], course: Course
) -> Figures:
    figures = Figures()
    for diary in typical:
        results = judged(diary, course)
        figures.patients += 1
        figures.patients_flagged += any(v.flags for _o, v in results)
        for _observation, verdict in results:
            figures.entries += 1
            figures.flagged += bool(verdict.flags)
            figures.urgent += verdict.status is Level.URGENT
            figures.rules.update({(f.rule.value, f.symptom) for f in verdict.flags})
    for harm, diary in harmful:
        results = [(o, v) for o, v in judged(diary, course) if o.day >= diary.onset]
        figures.tried[harm.name] += 1
        figures.caught[harm.name] += any(
            caught(harm, verdict) for _observation, verdict in results
        )
        if harm.name == SILENT_INFECTION:
            top = max(d.pain for d in diary.days[diary.onset :])
            reach = next(
                (o.day for o, _v in results if diary.days[o.day].pain == top), None
            )
            if reach is not None:
                figures.silent_reach_tried += 1
                figures.silent_on_reach += any(
                    caught(harm, v) for o, v in results if o.day <= reach
                )
    return figures


def recall(figures: Figures, level: Level) -> float:
    names = [h.name for h in HARMS if h.level is level]
    return sum(figures.caught[n] for n in names) / sum(figures.tried[n] for n in names)


def show(title: str, figures: Figures) -> None:
    print(f"\n{title}")
    print(
        f"  typical entries flagged {figures.flagged / figures.entries:.3f}, urgent "
        f"{figures.urgent / figures.entries:.3f}; typical patients flagged at least "
        f"once {figures.patients_flagged / figures.patients:.3f} "
        f"({figures.entries} entries, {figures.patients} diaries)"
    )
    print("  rules that fire most on typical entries (share of entries):")
    for (rule, symptom), count in figures.rules.most_common(6):
        print(f"    {rule:<14} {symptom:<18} {count / figures.entries:.3f}")
    print("  harms caught at their level, on or after onset:")
    for harm in HARMS:
        share = figures.caught[harm.name] / figures.tried[harm.name]
        print(f"    {harm.name:<30} {harm.level.value:<7} {share:.2f}")
    print(
        f"  harm_urgent_recall {recall(figures, Level.URGENT):.2f}, harm_review_recall "
        f"{recall(figures, Level.REVIEW):.2f}"
    )


def main() -> None:
    typical = [typical_diary() for _ in range(TYPICAL)]
    harmful = [(harm, harmful_diary(harm)) for harm in HARMS for _ in range(PER_HARM)]
    v1 = measure(typical, harmful, shipped_course("velvet-skin", 1))
    v2 = measure(typical, harmful, shipped_course("velvet-skin", 2))
    show("Version 1 (for comparison)", v1)
    show("Version 2", v2)
    print(f"\nsilent_infection_urgent_v1={v1.caught[SILENT_INFECTION] / PER_HARM:.2f}")
    print(
        "silent_infection_urgent_by_top_day="
        f"{v2.silent_on_reach / v2.silent_reach_tried:.2f} (version 2: urgent no later "
        "than the first logged day at the top of the rise)"
    )
    print(
        f"typical_urgent_entries={v2.urgent} of {v2.entries} (version 2: pain noise at "
        "the alarm's floor on day 3; target 0)"
    )
    silent = v2.caught[SILENT_INFECTION] / v2.tried[SILENT_INFECTION]
    print(f"silent_infection_urgent={silent:.2f} (target 0.95 or more)")
    print(f"typical_flag_rate={v2.flagged / v2.entries:.3f}")
    print(f"typical_urgent_rate={v2.urgent / v2.entries:.5f}")  # 3 places hid 2 entries
    print(f"harm_urgent_recall={recall(v2, Level.URGENT):.2f}")
    print(f"harm_review_recall={recall(v2, Level.REVIEW):.2f}")


if __name__ == "__main__":
    main()
