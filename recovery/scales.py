"""What the patient rates, and the words each grade carries.

Grades follow `shared/design/expected-course.md`: redness, bruising and peeling on
0-4 (redness after the Clinician Erythema Assessment), pain on the 0-10 numeric
rating scale. Warning signs are tiered (urgent or review) because the ePRO trials
found that untiered alerts fired on about a third of all reports.
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


@dataclass(frozen=True, slots=True)
class WarningSign:
    code: str
    level: Level
    label: str
    advice: str


_CALL_CLINIC = _("Contact your clinic now.")

WARNING_SIGNS: tuple[WarningSign, ...] = (
    WarningSign("pus", Level.URGENT, _("Pus or honey-coloured crusts"), _CALL_CLINIC),
    WarningSign(
        "spreading_redness",
        Level.URGENT,
        _("Redness spreading or streaking beyond the treated area, or warmth"),
        _CALL_CLINIC,
    ),
    WarningSign(
        "fever", Level.URGENT, _("Fever of 38 °C or more, or chills"), _CALL_CLINIC
    ),
    WarningSign(
        "blisters",
        Level.URGENT,
        _("Grouped blisters or sores, often near the lips or nose"),
        _CALL_CLINIC,
    ),
    WarningSign(
        "allergic_swelling",
        Level.URGENT,
        _("Swelling of the lips, eyes, tongue or throat, or difficulty breathing"),
        _("Call emergency services now, then tell your clinic."),
    ),
    WarningSign(
        "eye_problem",
        Level.URGENT,
        _("Eye pain, redness or blurred vision"),
        _CALL_CLINIC,
    ),
    WarningSign(
        "heavy_bleeding",
        Level.URGENT,
        _("Bleeding that will not stop, or a bruise that is growing, firm or painful"),
        _CALL_CLINIC,
    ),
    WarningSign(
        "rash",
        Level.REVIEW,
        _("An itchy rash beyond the treated area"),
        _("Your clinic will review this."),
    ),
    WarningSign(
        "pimples",
        Level.REVIEW,
        _("New pimples or pustules"),
        _("Your clinic will review this."),
    ),
    WarningSign(
        "dark_patches",
        Level.REVIEW,
        _("Darker patches appearing on the skin"),
        _("Your clinic will review this."),
    ),
)
WARNING_SIGNS_BY_CODE = {sign.code: sign for sign in WARNING_SIGNS}
