"""Display values for the review queue and the case page, computed in Python.

Both pages are read-only, so their rows come from `values()` rather than model
instances: building models (with prefetches) and resolving nested lookups in the
template cost several times the database work.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.urls import reverse
from django.utils.translation import gettext, ngettext

from clinic.choices import course_version_name, person_name
from clinic.models import Level
from diary.models import Photo, localized
from recovery.days import day_number
from recovery.scales import WARNING_SIGNS
from review.models import ReviewCase, case_is_overdue

FLAGS_SHOWN = 3
ROW_FIELDS = (
    "pk", "level", "status", "opened_at", "photo_key",
    "treatment__performed_at", "treatment__clinic__time_zone",
    "treatment__clinic__urgent_overdue_hours", "treatment__clinic__review_overdue_hours",
    "treatment__clinic_patient__name", "treatment__procedure__name",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class QueueRow:
    url: str
    patient: str
    procedure: str
    day: int
    level: str
    overdue: bool
    waiting: str
    flags: list[str]
    more_flags: int
    thumbnail_url: str | None


def queue_rows(
    rows: list[dict], messages: dict[int, list[str]], *, now: datetime
) -> list[QueueRow]:
    """One QueueRow per `values(*ROW_FIELDS)` row, with its flags' `messages`."""
    case_url = reverse("review:case_detail", args=[0]).replace("/0/", "/{}/")
    zero = str(uuid.UUID(int=0))
    thumb_url = reverse("diary:photo_thumbnail", args=[zero]).replace(zero, "{}")
    result = []
    for row in rows:
        shown = messages.get(row["pk"], [])
        result.append(
            QueueRow(
                url=case_url.format(row["pk"]),
                patient=row["treatment__clinic_patient__name"],
                procedure=row["treatment__procedure__name"],
                day=day_number(
                    performed_at=row["treatment__performed_at"],
                    at=now,
                    zone=ZoneInfo(row["treatment__clinic__time_zone"]),
                ),
                level=row["level"],
                overdue=case_is_overdue(
                    status=row["status"],
                    level=row["level"],
                    opened_at=row["opened_at"],
                    now=now,
                    urgent_hours=row["treatment__clinic__urgent_overdue_hours"],
                    review_hours=row["treatment__clinic__review_overdue_hours"],
                ),
                waiting=waiting_for(row["opened_at"], now),
                flags=shown[:FLAGS_SHOWN],
                more_flags=max(0, len(shown) - FLAGS_SHOWN),
                thumbnail_url=thumb_url.format(row["photo_key"])
                if row["photo_key"]
                else None,
            )
        )
    return result


def waiting_for(since: datetime, now: datetime) -> str:
    """How long a case has waited, in the unit a clinician triages by: minutes within
    the first hour, hours for two days (the overdue limits are 2 and 24 hours), then
    days. Also a quarter of what Django's timesince cost per queue row."""
    minutes = max(0, int((now - since).total_seconds() // 60))
    if minutes < 60:
        return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {
            "count": minutes
        }
    hours = minutes // 60
    if hours < 48:
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    days = hours // 24
    return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}


@dataclass(frozen=True, slots=True)
class TimelineDay:
    day: int
    status: str
    status_label: str
    values: str
    warning_signs: str
    flags: list[tuple[str, str]]  # (level, message)
    note: str
    photos: list[tuple[str, str, str]]  # (thumbnail url, screen url, view)
    recorded: datetime


CASE_FIELDS = (
    "pk", "level", "status", "treatment_id", "treatment__clinic_id",
    "treatment__clinic_patient_id", "treatment__clinic_patient__name",
    "treatment__clinic_patient__email", "treatment__clinic_patient__phone",
    "treatment__clinic_patient__erased_at",
    "treatment__practitioner_id", "treatment__course_version_id",
    "treatment__performed_at", "treatment__needle_depth_mm", "treatment__anaesthesia",
    "treatment__clinic__time_zone",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CaseHeader:
    """What the case page says of the case and its treatment."""

    pk: int
    level: str
    status: str
    status_label: str
    treatment_id: int
    clinic_id: int
    clinic_patient_id: int
    patient: str
    patient_email: str  # empty once the patient's data were erased
    patient_phone: str
    course: str
    performed_at: datetime
    needle_depth_mm: Decimal | None
    anaesthesia: bool
    practitioner: str
    zone: ZoneInfo

    @property
    def phone_uri(self) -> str:
        """The phone as a `tel:` link: the number as written (spaces, dashes,
        brackets) is for people; a dialler wants only the digits and a leading +."""
        return "tel:" + "".join(c for c in self.patient_phone if c in "+0123456789")


def case_header(row: dict, people: dict[int, tuple], course: tuple[str, int]) -> CaseHeader:
    """The header of a `values(*CASE_FIELDS)` row, with the (first name, last name,
    email) of its practitioner by id, and its course version's (procedure name,
    version). The patient is named as the clinic recorded them."""
    practitioner = people.get(row["treatment__practitioner_id"], ("", "", ""))
    return CaseHeader(
        pk=row["pk"],
        level=row["level"],
        status=row["status"],
        status_label=str(ReviewCase.Status(row["status"]).label),
        treatment_id=row["treatment_id"],
        clinic_id=row["treatment__clinic_id"],
        clinic_patient_id=row["treatment__clinic_patient_id"],
        patient=row["treatment__clinic_patient__name"],
        # After an erasure the record keeps a placeholder address no one can mail.
        patient_email=""
        if row["treatment__clinic_patient__erased_at"]
        else row["treatment__clinic_patient__email"],
        patient_phone=row["treatment__clinic_patient__phone"],
        course=course_version_name(*course),
        performed_at=row["treatment__performed_at"],
        needle_depth_mm=row["treatment__needle_depth_mm"],
        anaesthesia=row["treatment__anaesthesia"],
        practitioner=person_name(*practitioner[:2]),
        zone=ZoneInfo(row["treatment__clinic__time_zone"]),
    )


TIMELINE_FIELDS = (
    "id", "day", "status", "redness", "bruising", "peeling", "pain", "bleeding",
    "warning_signs", "note", "recorded_at",
)  # fmt: skip


def clinician_text(translations: dict, detail: str, message: str) -> str:
    """A flag's text for staff from its values() row: compact and exact (value, day,
    band, rule, course version), in the page's language where it has one."""
    return localized(translations, "detail", detail or message)


def case_timeline(
    entries: list[dict], flags: list[dict], photos: list[dict]
) -> list[TimelineDay]:
    """The diary day by day for the case page, from `values()` rows: entries (with
    TIMELINE_FIELDS, in day order), their flags (entry_id, level, message; most
    urgent first) and photos (entry_id, key, view; oldest first)."""
    zero = str(uuid.UUID(int=0))
    thumb = reverse("diary:photo_thumbnail", args=[zero]).replace(zero, "{}")
    screen = reverse("diary:photo_screen", args=[zero]).replace(zero, "{}")
    flags_of, photos_of = defaultdict(list), defaultdict(list)
    for flag in flags:
        flags_of[flag["entry_id"]].append(
            (
                flag["level"],
                clinician_text(flag["translations"], flag["detail"], flag["message"]),
            )
        )
    for photo in photos:
        view = str(Photo.View(photo["view"]).label)
        photos_of[photo["entry_id"]].append(
            (thumb.format(photo["key"]), screen.format(photo["key"]), view)
        )
    sign_labels = {sign.code: gettext(sign.label) for sign in WARNING_SIGNS}
    return [
        TimelineDay(
            day=entry["day"],
            status=entry["status"],
            status_label=str(Level(entry["status"]).label),
            values=(
                f"{entry['redness']} · {entry['bruising']} · {entry['peeling']} · "
                f"{entry['pain']}/10" + (" · ●" if entry["bleeding"] else "")
            ),
            warning_signs="; ".join(
                label
                for code, label in sign_labels.items()
                if code in entry["warning_signs"]
            ),
            flags=flags_of[entry["id"]],
            note=entry["note"],
            photos=photos_of[entry["id"]],
            recorded=entry["recorded_at"],
        )
        for entry in entries
    ]
