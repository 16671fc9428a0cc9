"""A patient's copy of everything the diary holds about them, as one ZIP archive.

The archive is built in a temporary file, never in memory: photos are copied into it
from storage in chunks, so an archive of many full-size photos costs disk, not RAM.
Nothing here logs: the archive is health data.
"""

import json
import shutil
import tempfile
import zipfile
from collections import Counter
from datetime import datetime
from typing import IO

from django.core.files.storage import default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone

from clinic.access import patient_treatments
from clinic.models import Treatment
from diary.models import Entry
from review.models import ReviewCase

ARCHIVE_FORMAT = 1  # bumped if data.json changes shape
SYMPTOM_FIELDS = ("redness", "bruising", "peeling", "pain")


def patient_data_export(*, user, now: datetime) -> IO[bytes]:
    """Return an open temporary file, positioned at its start, holding the ZIP of
    `user`'s account details and every treatment in their diary (`patient=user`;
    pending treatments are not theirs yet): `data.json`, `summary.html` and each
    photo at full size under `<procedure>-<date>/day-NN-<view>-N.jpg`.

    The caller closes the file (a FileResponse does so once it is sent)."""
    data, photos = _patient_data(user, now)
    # Not a `with` block: the open file is what this returns.
    archive = tempfile.TemporaryFile()  # noqa: SIM115
    try:
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
            zipped.writestr("data.json", json.dumps(data, cls=DjangoJSONEncoder, indent=2))
            zipped.writestr(
                "summary.html",
                render_to_string("diary/data_export_summary.html", {"data": data}),
            )
            for arcname, stored_name in photos:
                # JPEGs are compressed already: stored as they are, byte for byte.
                with (
                    default_storage.open(stored_name, "rb") as source,
                    zipped.open(zipfile.ZipInfo(arcname, _zip_time(now)), "w") as target,
                ):
                    shutil.copyfileobj(source, target, length=1024 * 1024)
        archive.seek(0)
    except BaseException:
        archive.close()
        raise
    return archive


def _zip_time(now: datetime) -> tuple[int, int, int, int, int, int]:
    return timezone.localtime(now).timetuple()[:6]


def _patient_data(user, now: datetime) -> tuple[dict, list[tuple[str, str]]]:
    """The archive's data (what data.json holds) and the photos to copy, as
    (name in the archive, stored file name). Five queries whatever the diary's size:
    the treatments, their entries, flags, photos and resolved cases."""
    treatments = (
        patient_treatments(user)
        .select_related(
            "clinic", "procedure", "course_version", "clinic_patient", "downtime_report"
        )
        .prefetch_related(
            Prefetch("entries", queryset=Entry.objects.with_details()),
            Prefetch(
                "review_cases",
                queryset=ReviewCase.objects.filter(status=ReviewCase.Status.RESOLVED)
                .exclude(message_to_patient="")
                .order_by("resolved_at", "id"),
                to_attr="clinic_messages",
            ),
        )
        .order_by("performed_at", "id")
    )
    folders: Counter[str] = Counter()
    photos: list[tuple[str, str]] = []
    rows = []
    for treatment in treatments:
        folder = _folder(treatment, folders)
        rows.append(_treatment_data(treatment, folder, photos))
    data = {
        "format": ARCHIVE_FORMAT,
        "exported_at": now,
        "account": {
            "name": user.get_full_name(),
            "email": user.email,
            "joined": user.date_joined,
            "last_login": user.last_login,
        },
        "treatments": rows,
    }
    return data, photos


def _folder(treatment: Treatment, taken: Counter) -> str:
    """`velvet-skin-2026-11-20`, with `-2`, `-3` for another one of the same day."""
    day = timezone.localtime(treatment.performed_at, treatment.clinic.zone).date()
    name = f"{treatment.procedure.slug}-{day.isoformat()}"
    taken[name] += 1
    return name if taken[name] == 1 else f"{name}-{taken[name]}"


def _treatment_data(treatment: Treatment, folder: str, photos: list) -> dict:
    zone = treatment.clinic.zone

    def local(value: datetime | None) -> datetime | None:
        """Times as the clinic's zone shows them (data.json keeps the offset)."""
        return value and timezone.localtime(value, zone)

    record = treatment.clinic_patient
    report = getattr(treatment, "downtime_report", None)
    answers = None
    if report is not None:
        answers = {
            "back_to_work_day": report.back_to_work_day,
            "makeup_day": report.makeup_day,
            "satisfaction": report.satisfaction,
            "answered_at": local(report.answered_at),
        }
    return {
        "folder": folder,
        "clinic": treatment.clinic.name,
        "time_zone": treatment.clinic.time_zone,
        "procedure": treatment.procedure.name,
        "course_version": treatment.course_version.version,
        "performed_at": local(treatment.performed_at),
        "joined_diary_at": local(treatment.joined_at),
        "needle_depth_mm": treatment.needle_depth_mm,
        "surface_anaesthesia": treatment.anaesthesia,
        "clinic_record": {
            "name": record.name,
            "email": record.email,
            "phone": record.phone,
        },
        "entries": [
            _entry_data(entry, treatment, folder, photos, local)
            for entry in treatment.entries.all()
        ],
        "clinic_messages": [
            {"message": case.message_to_patient, "at": local(case.resolved_at)}
            for case in treatment.clinic_messages
        ],
        "day_14_answers": answers,
    }


def _entry_data(entry: Entry, treatment: Treatment, folder: str, photos, local) -> dict:
    per_view: Counter[str] = Counter()
    entry_photos = []
    for photo in entry.photos.all():
        per_view[photo.view] += 1
        name = f"{folder}/day-{entry.day:02d}-{photo.view}-{per_view[photo.view]}.jpg"
        photos.append((name, photo.image.name))
        entry_photos.append({
            "file": name, "view": photo.get_view_display(),
            "width": photo.width, "height": photo.height,
            "taken_at": local(photo.taken_at), "uploaded_at": local(photo.uploaded_at),
        })  # fmt: skip
    return {
        "day": entry.day,
        "date": treatment.date_of_day(entry.day),
        "recorded_at": local(entry.recorded_at),
        **{field: getattr(entry, field) for field in SYMPTOM_FIELDS},
        "bleeding": entry.bleeding,
        "warning_signs": entry.warning_sign_labels,
        "note": entry.note,
        "status": entry.get_status_display(),
        "flags": [
            {
                "level": flag.get_level_display(),
                "reason": flag.get_rule_display(),
                "message": flag.patient_text,  # in the language of the download
            }
            for flag in entry.flags.all()
        ],
        "photos": entry_photos,
    }
