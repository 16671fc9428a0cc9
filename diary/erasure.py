"""Deleting a patient's diary data at one clinic, on the patient's request.

What goes: everything the patient logged for that clinic's treatments (entries, flags,
photos and their files, day-14 answers, diary summaries) and the free text written
about them (messages to the patient, case notes, treatment notes). What stays, as a
de-identified record the clinic may need to keep: the treatments (dates, procedure,
settings, for outcomes), the review cases (status, level, outcome, dates) and the
audit trail. The clinic's record of the patient keeps only its id.
"""

from dataclasses import dataclass
from functools import partial

from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from clinic.models import AuditEntry, ClinicPatient, Treatment
from diary.models import DiarySummary, DowntimeReport, Entry, Photo
from review.models import CaseEvent, ReviewCase
from review.services import case_close_erased


class AlreadyErased(ValueError):
    """The clinic's record of the patient was erased already (by another manager a
    moment ago, say); nothing more was done."""


@dataclass(frozen=True, slots=True)
class ErasurePreview:
    """What an erasure would delete, counted, for the confirm page."""

    treatments: int
    entries: int
    photos: int
    day_14_answers: int
    cases: int


def erasure_preview(*, clinic_patient: ClinicPatient) -> ErasurePreview:
    """Count what `patient_data_erase` would delete or de-identify for this record."""
    in_scope = {"treatment__clinic_patient": clinic_patient}
    return ErasurePreview(
        treatments=clinic_patient.treatments.count(),
        entries=Entry.objects.filter(**in_scope).count(),
        photos=Photo.objects.filter(
            entry__treatment__clinic_patient=clinic_patient
        ).count(),
        day_14_answers=DowntimeReport.objects.filter(**in_scope).count(),
        cases=ReviewCase.objects.filter(**in_scope).count(),
    )


def erased_email(record_id: int) -> str:
    """A placeholder no account can have: `.invalid` is reserved (RFC 2606) and an
    address without a dot in its domain fails every email form, so no join link
    (which matches on the record's email) can ever reach the erased treatments."""
    return f"erased-{record_id}@invalid"


def patient_data_erase(*, clinic_patient: ClinicPatient, actor, address) -> None:
    """Delete the diary data of every treatment the record's clinic has of this
    patient, de-identify the record and what stays, detach the treatments from the
    patient's account, and write an ERASE audit row; the photo files are deleted once
    that has committed. Another clinic's treatments of the same account are not
    touched: a clinic erases only what it holds.

    Raises AlreadyErased if the record was erased already."""
    with transaction.atomic():
        # Lock the record so that two managers confirming at once erase once.
        record = ClinicPatient.objects.select_for_update().get(pk=clinic_patient.pk)
        if record.erased_at is not None:
            raise AlreadyErased(record.pk)
        treatments = Treatment.objects.filter(clinic_patient=record)
        ids = list(treatments.select_for_update().values_list("pk", flat=True))
        rows = Photo.objects.filter(entry__treatment__in=ids).values_list(
            "image", "screen", "thumbnail"
        )
        names = [name for row in rows for name in row if name]
        # Entries take their flags and photos with them (on_delete=CASCADE).
        Entry.objects.filter(treatment__in=ids).delete()
        DowntimeReport.objects.filter(treatment__in=ids).delete()
        DiarySummary.objects.filter(treatment__in=ids).delete()
        ReviewCase.objects.filter(treatment__in=ids).update(message_to_patient="")
        CaseEvent.objects.filter(case__treatment__in=ids).update(text="")
        # Cases still waiting have nothing left to review: they close, saying why.
        for case in ReviewCase.objects.filter(treatment__in=ids).exclude(
            status=ReviewCase.Status.RESOLVED
        ):
            case_close_erased(case)
        # Back to no account: the pending state, which the placeholder email below
        # keeps from ever being accepted again. Without an account the treatment no
        # longer "created" one either, so the front desk's invitation link into the
        # account (shown while that flag is set) can never come back.
        treatments.update(patient=None, joined_at=None, created_account=False, notes="")
        record.name = f"Erased patient {record.pk}"
        record.email = erased_email(record.pk)
        record.phone = ""
        record.erased_at = timezone.now()
        record.save(update_fields=["name", "email", "phone", "erased_at"])
        AuditEntry.objects.create(
            clinic_id=record.clinic_id,
            actor=actor,
            clinic_patient=record,
            action=AuditEntry.Action.ERASE,
            target=f"diary data of {len(ids)} treatment(s)",
            address=address,
        )
        transaction.on_commit(partial(_files_delete, names))
    clinic_patient.refresh_from_db()


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
