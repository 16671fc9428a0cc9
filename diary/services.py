"""Writes on the patient's side that span several models and files."""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from clinic.models import Level, Treatment
from diary.models import Entry, Flag, Photo
from diary.photos import PreparedPhoto
from diary.summaries import diary_summaries_refresh
from recovery.judge import judge
from review.models import ReviewCase
from review.services import case_for_new_flags, case_refresh


@dataclass(frozen=True, slots=True)
class EntryValues:
    redness: int
    bruising: int
    peeling: int
    pain: int
    bleeding: bool
    warning_signs: Sequence[str]
    note: str = ""


def entry_record(
    *,
    treatment: Treatment,
    day: int,
    values: EntryValues,
    photos: Sequence[PreparedPhoto] = (),
    photo_view: str = Photo.View.OTHER,
    recorded_at: datetime,
) -> Entry:
    """Create or update the treatment's entry for `day`, judge it, and store its flags
    and photos in one transaction; return the entry.

    Photo files are written before the commit and deleted again if anything fails, so
    no file is left without its row. Raises ObservationError on values off their scale.
    """
    written: list[str] = []
    try:
        with transaction.atomic():
            # One save per treatment at a time: its summary is rebuilt from all of
            # its entries, which a concurrent save of another day would leave stale.
            list(Treatment.objects.select_for_update().filter(pk=treatment.pk).values("pk"))
            entry = (
                Entry.objects.select_for_update()
                .filter(treatment=treatment, day=day)
                .first()
            ) or Entry(
                treatment=treatment, day=day, course_version=treatment.course_version
            )
            for field in ("redness", "bruising", "peeling", "pain", "bleeding", "note"):
                setattr(entry, field, getattr(values, field))
            entry.warning_signs = sorted(set(values.warning_signs))
            was_urgent = entry.status == Level.URGENT and entry.pk is not None
            entry.recorded_at = recorded_at
            entry.course_version = treatment.course_version
            earlier = [e.observation() for e in treatment.entries.filter(day__lt=day)]
            verdict = judge(
                entry.observation(),
                course=treatment.course_version.course,
                earlier=earlier,
                translate=gettext,
            )
            entry.status = verdict.status.value
            entry.save()
            old_cases = set(entry.flags.exclude(case=None).values_list("case", flat=True))
            entry.flags.all().delete()
            case = None
            if verdict.flags:
                case = case_for_new_flags(treatment=treatment, now=recorded_at)
            Flag.objects.bulk_create(
                Flag(
                    entry=entry,
                    case=case,
                    symptom=flag.symptom,
                    level=flag.level.value,
                    rule=flag.rule.value,
                    observed=flag.observed,
                    expected_low=flag.expected_low,
                    expected_upper=flag.expected_upper,
                    message=flag.message,
                    course_version=treatment.course_version,
                )
                for flag in verdict.flags
            )
            for stale in ReviewCase.objects.filter(
                pk__in=old_cases - {getattr(case, "pk", None)}
            ):
                case_refresh(stale)
            if case is not None:
                # An entry that turns urgent tells the on-call address once.
                case_refresh(case, alert=entry.status == Level.URGENT and not was_urgent)
            diary_summaries_refresh([treatment.pk])
            for prepared in photos:
                _photo_store(
                    entry, prepared, photo_view, written, zone=treatment.clinic.zone
                )
    except BaseException:
        for name in written:
            default_storage.delete(name)
        raise
    return entry


def _photo_store(
    entry: Entry, prepared: PreparedPhoto, view: str, written: list[str], *, zone
) -> None:
    key = uuid.uuid4()
    names = []
    for suffix, content in (
        ("", prepared.image),
        ("-screen", prepared.screen),
        ("-thumb", prepared.thumbnail),
    ):
        name = default_storage.save(f"photos/{key.hex}{suffix}.jpg", ContentFile(content))
        written.append(name)
        names.append(name)
    taken_at = prepared.taken_at
    Photo.objects.create(
        key=key,
        entry=entry,
        view=view,
        image=names[0],
        screen=names[1],
        thumbnail=names[2],
        width=prepared.width,
        height=prepared.height,
        taken_at=timezone.make_aware(taken_at, zone) if taken_at else None,
        quality_issues=list(prepared.quality_issues),
        redness_index=prepared.redness_index,
    )


def photo_delete(*, photo: Photo) -> None:
    """Delete the photo's row and, once that is committed, its files."""
    names = photo.file_names
    with transaction.atomic():
        photo.delete()
        transaction.on_commit(lambda: [default_storage.delete(name) for name in names])


def photo_orphans(*, older_than: timedelta, now: datetime) -> list[str]:
    """Return the stored photo files that no Photo row names, oldest first.

    Files younger than `older_than` are left out: they may belong to an upload whose
    transaction has not committed yet.
    """
    _dirs, files = default_storage.listdir("photos")
    referenced = set()
    for names in Photo.objects.values_list("image", "screen", "thumbnail").iterator():
        referenced.update(names)
    candidates = [f"photos/{name}" for name in files if f"photos/{name}" not in referenced]
    aged = [(default_storage.get_modified_time(name), name) for name in candidates]
    return [name for modified, name in sorted(aged) if modified <= now - older_than]
