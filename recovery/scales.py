"""What the patient rates, and the words each grade carries.

Grades follow `shared/design/expected-course.md`: redness, bruising and peeling on
0-4 (redness after the Clinician Erythema Assessment), pain on the 0-10 numeric
rating scale. Warning signs are tiered (emergency, urgent or review) because the
ePRO trials found that untiered alerts fired on about a third of all reports; the
list is version 2's, and every code of version 1 is still among them.
"""

import enum
from dataclasses import dataclass

from recovery.text import gettext_noop as _


class Level(enum.Enum):
    """How much attention an entry or a flag needs; ordered by `rank`."""

    NORMAL = "normal"
    REVIEW = "review"
    URGENT = "urgent"

    @property
    def rank(self) -> int:
        return _LEVEL_RANK[self]


_LEVEL_RANK = {Level.NORMAL: 0, Level.REVIEW: 1, Level.URGENT: 2}


@dataclass(frozen=True, slots=True)
class Grade:
    value: int
    word: str
    description: str


@dataclass(frozen=True, slots=True)
class Symptom:
    code: str
    label: str
    maximum: int
    grades: tuple[Grade, ...]
    visible: bool

    def word(self, value: int) -> str:
        """The grade's word ("mild"); pain has words only at its ends."""
        for grade in self.grades:
            if grade.value == value:
                return grade.word
        return ""


_FOUR_WORDS = (
    (0, _("none")),
    (1, _("slight")),
    (2, _("mild")),
    (3, _("moderate")),
    (4, _("severe")),
)


def _graded(descriptions: tuple[str, ...]) -> tuple[Grade, ...]:
    return tuple(
        Grade(value, word, description)
        for (value, word), description in zip(_FOUR_WORDS, descriptions, strict=True)
    )


REDNESS = Symptom(
    code="redness",
    label=_("Redness"),
    maximum=4,
    visible=True,
    grades=_graded(
        (
            _("Normal skin colour"),
            _("Barely pink"),
            _("Clearly pink"),
            _("Red"),
            _("Deep or fiery red"),
        )
    ),
)
BRUISING = Symptom(
    code="bruising",
    label=_("Bruising"),
    maximum=4,
    visible=True,
    grades=_graded(
        (
            _("No dark-red dots or patches"),
            _("A few dark-red dots"),
            _("Scattered dots or a small patch"),
            _("Several patches"),
            _("Large or many dark patches"),
        )
    ),
)
PEELING = Symptom(
    code="peeling",
    label=_("Peeling"),
    maximum=4,
    visible=True,
    grades=_graded(
        (
            _("No flaking"),
            _("Fine flakes in places"),
            _("Flaking over part of the area"),
            _("Peeling over most of the area"),
            _("Raw or weeping areas"),
        )
    ),
)
PAIN = Symptom(
    code="pain",
    label=_("Pain"),
    maximum=10,
    visible=False,
    grades=(
        Grade(0, _("no pain"), _("No pain")),
        Grade(10, _("worst imaginable"), _("Worst pain imaginable")),
    ),
)

SYMPTOMS: tuple[Symptom, ...] = (REDNESS, BRUISING, PEELING, PAIN)
SYMPTOMS_BY_CODE = {symptom.code: symptom for symptom in SYMPTOMS}


# The bleeding question: "not the dark-red dots" keeps bruising (the article's
# "internal bleeding") from being reported as bleeding.
BLEEDING_LABEL = _("Fresh bleeding or oozing (not the dark-red dots)")


@dataclass(frozen=True, slots=True)
class WarningSign:
    """A checkbox on the diary form. `level` is the flag's level; an `emergency` sign
    is urgent too, and tells the patient to call emergency services now."""

    code: str
    level: Level
    label: str
    emergency: bool = False

    @property
    def advice(self) -> str:
        """What to do, in one sentence (the text version 1's flags carry)."""
        if self.emergency:
            return _("Call emergency services now, then tell your clinic.")
        if self.level is Level.URGENT:
            return _("Contact your clinic now.")
        return _("Your clinic will review this.")


def _urgent(code: str, label: str) -> WarningSign:
    return WarningSign(code, Level.URGENT, label)


def _review(code: str, label: str) -> WarningSign:
    return WarningSign(code, Level.REVIEW, label)


# Version 2's list (expected-course.md), most serious first. `getting_worse` and the
# "after day 2" in `allergic_swelling` catch what the usual swelling of days 0-2 is not.
WARNING_SIGNS: tuple[WarningSign, ...] = (
    WarningSign(
        "airway_swelling",
        Level.URGENT,
        _("Swelling of the tongue or throat, or difficulty breathing or swallowing"),
        emergency=True,
    ),
    _urgent("pus", _("Pus or honey-coloured crusts")),
    _urgent(
        "spreading_redness", _("Redness spreading or streaking beyond the treated area")
    ),
    _urgent(
        "getting_worse",
        _("The skin getting hotter, more swollen or more painful after day 2"),
    ),
    _urgent("fever", _("Fever of 38 °C or more, or chills")),
    _urgent(
        "blisters",
        _("Grouped blisters or sores, often near the lips or nose: possible cold sores"),
    ),
    _urgent(
        "allergic_swelling",
        _(
            "Swelling of the lips or eyelids with hives, or swelling that starts or "
            "grows after day 2"
        ),
    ),
    _urgent("eye_problem", _("Eye pain, redness or blurred vision")),
    _urgent(
        "heavy_bleeding",
        _("Bleeding that will not stop, or a bruise that is growing, firm or painful"),
    ),
    _urgent("raw_skin", _("Raw, weeping or open areas, or grey-white or dark crusts")),
    _review("rash", _("An itchy rash, inside or beyond the treated area")),
    _review("pimples", _("New pimples or pustules")),
    _review("dark_patches", _("Darker patches appearing, from about day 7")),
)
WARNING_SIGNS_BY_CODE = {sign.code: sign for sign in WARNING_SIGNS}
EMERGENCY_SIGNS = frozenset(sign.code for sign in WARNING_SIGNS if sign.emergency)


@dataclass(frozen=True, slots=True)
class UsualSign:
    """Something expected from `first_day` to `last_day` that needs no box ticked."""

    code: str
    first_day: int
    last_day: int
    label: str


# "What is usual" (expected-course.md): said on the Today page so that the usual
# swelling and spotting of the first days are not reported as warning signs.
USUAL_SIGNS: tuple[UsualSign, ...] = (
    UsualSign("warmth", 0, 1, _("Warmth of the treated skin")),
    UsualSign("puffy_eyelids", 0, 2, _("Puffy eyelids")),
    UsualSign(
        "pillow_spots", 1, 1, _("Pinpoint spots of blood on the pillow in the morning")
    ),
)
