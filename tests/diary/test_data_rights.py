"""A patient's copy of their data, and photo files that go with their treatment."""

import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.urls import reverse

from clinic.models import AuditEntry, ClinicPatient, Treatment
from diary.exports import patient_data_export
from diary.models import DowntimeReport, Entry, Photo
from diary.photos import prepare_photo
from review.models import ReviewCase
from review.services import case_resolve
from tests.conftest import login
from tests.factories import ClinicFactory, TreatmentFactory, clinic_record, record
from tests.images import image_bytes, upload

EXPORT_URL = "/my-data/export.zip"
PERFORMED = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 10:30 in Tokyo


def photo(color=(220, 150, 140)):
    return prepare_photo(upload(image_bytes("JPEG", size=(120, 90), color=color)))


def download(client, user) -> zipfile.ZipFile:
    login(client, user)
    response = client.get(EXPORT_URL)
    assert response.status_code == 200
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))


@pytest.fixture
def diary(treatment, clinician):
    """Aiko's treatment of 20 November with two days logged, photos, a flag answered
    by the clinic, and her day-14 answers."""
    Treatment.objects.filter(pk=treatment.pk).update(performed_at=PERFORMED)
    treatment.refresh_from_db()
    with time_machine.travel(datetime(2026, 11, 23, 3, 0, tzinfo=UTC), tick=False):
        record(treatment, 0, redness=2, note="Stings a little", photos=[photo()])
        record(treatment, 3, warning_signs=["fever"], photos=[photo(), photo()])
        Photo.objects.filter(entry__day=3).update(view=Photo.View.FRONT)
        case = ReviewCase.objects.get(treatment=treatment)
        case_resolve(case_id=case.pk, user=clinician, outcome="advised_home_care",
                     message="Rest and call us if it rises.")  # fmt: skip
    DowntimeReport.objects.create(
        treatment=treatment, back_to_work_day=3, makeup_day=5, satisfaction=8
    )
    return treatment


def test_the_archive_holds_the_patients_account_treatments_and_photos(client, diary):
    archive = download(client, diary.patient)
    assert sorted(archive.namelist()) == [
        "data.json",
        "summary.html",
        "velvet-skin-2026-11-20/day-00-other-1.jpg",
        "velvet-skin-2026-11-20/day-03-front-1.jpg",
        "velvet-skin-2026-11-20/day-03-front-2.jpg",
    ]
    data = json.loads(archive.read("data.json"))
    assert data["account"]["name"] == "Aiko Tanaka"
    assert data["account"]["email"] == diary.patient.email
    (treatment,) = data["treatments"]
    assert {k: treatment[k] for k in ("clinic", "procedure", "performed_at", "folder")} == {
        "clinic": "Smart Skin",
        "procedure": "Velvet Skin",
        "performed_at": "2026-11-20T10:30:00+09:00",
        "folder": "velvet-skin-2026-11-20",
    }
    day0, day3 = treatment["entries"]
    assert (day0["day"], day0["date"], day0["redness"], day0["note"]) == (
        0, "2026-11-20", 2, "Stings a little",
    )  # fmt: skip
    assert (day0["status"], day0["flags"]) == ("Usual for this day", [])
    assert day3["warning_signs"] == ["Fever of 38 °C or more, or chills"]
    assert day3["status"] == "Urgent"
    assert [f["message"] for f in day3["flags"]] == [
        f.message for f in Entry.objects.get(day=3).flags.all()
    ]
    assert [p["file"] for p in day3["photos"]] == [
        "velvet-skin-2026-11-20/day-03-front-1.jpg",
        "velvet-skin-2026-11-20/day-03-front-2.jpg",
    ]
    assert [m["message"] for m in treatment["clinic_messages"]] == [
        "Rest and call us if it rises."
    ]
    answers = treatment["day_14_answers"]
    assert (answers["back_to_work_day"], answers["makeup_day"], answers["satisfaction"]) == (
        3, 5, 8,
    )  # fmt: skip
    summary = archive.read("summary.html").decode()
    assert "Stings a little" in summary
    assert "Rest and call us if it rises." in summary
    assert 'src="velvet-skin-2026-11-20/day-03-front-2.jpg"' in summary


def test_each_photo_is_the_stored_full_size_file_byte_for_byte(client, diary, media):
    archive = download(client, diary.patient)
    stored = {
        f"velvet-skin-2026-11-20/day-{p.entry.day:02d}-{p.view}-{n}.jpg": p.image.name
        for n, p in enumerate(Photo.objects.filter(entry__day=0), start=1)
    } | {
        f"velvet-skin-2026-11-20/day-03-front-{n}.jpg": p.image.name
        for n, p in enumerate(Photo.objects.filter(entry__day=3), start=1)
    }
    for name, stored_name in stored.items():
        assert archive.read(name) == (media / stored_name).read_bytes()


def test_the_archive_leaves_out_other_patients_and_pending_treatments(
    client, diary, other_patient
):
    theirs = other_patient.treatments.get()
    record(theirs, 0, note="Someone else's note", photos=[photo()])
    # Another clinic has typed Aiko's email: its treatment waits for her to accept it.
    elsewhere = ClinicFactory(name="Elsewhere Clinic")
    pending = TreatmentFactory(clinic=elsewhere, patient=diary.patient)
    record(pending, 0, note="Logged before it went back to pending", photos=[photo()])
    Treatment.objects.filter(pk=pending.pk).update(patient=None, joined_at=None)
    archive = download(client, diary.patient)
    data = archive.read("data.json").decode()
    assert "Someone else's note" not in data
    assert "Elsewhere Clinic" not in data
    assert "Logged before it went back to pending" not in data
    assert [t["clinic"] for t in json.loads(data)["treatments"]] == ["Smart Skin"]
    assert len([n for n in archive.namelist() if n.endswith(".jpg")]) == 3
    # And the other patient's archive holds only their own.
    other = download(client, other_patient)
    assert "Stings a little" not in other.read("data.json").decode()
    assert len([n for n in other.namelist() if n.endswith(".jpg")]) == 1


def test_the_download_is_an_attachment_never_cached(client, diary):
    audited = AuditEntry.objects.count()  # the clinic's review of the flag
    login(client, diary.patient)
    response = client.get(EXPORT_URL)
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="downtime-diary-'
    )
    assert AuditEntry.objects.count() == audited  # her own data: not a staff access
    b"".join(response.streaming_content)


def test_a_patient_without_treatments_gets_their_account_details(client, db):
    user = get_user_model().objects.create_user(
        "new@example.test", "new@example.test", "x", first_name="Nao"
    )
    archive = download(client, user)
    assert sorted(archive.namelist()) == ["data.json", "summary.html"]
    data = json.loads(archive.read("data.json"))
    assert (data["account"]["name"], data["treatments"]) == ("Nao", [])


def test_staff_get_a_404_and_anonymous_users_are_sent_to_log_in(client, diary, clinician):
    login(client, clinician)
    assert client.get(EXPORT_URL).status_code == 404
    client.logout()
    response = client.get(EXPORT_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_download_takes_get_only(client, diary):
    login(client, diary.patient)
    assert client.post(EXPORT_URL).status_code == 405


def test_the_treatment_list_links_to_the_download(client, diary):
    login(client, diary.patient)
    response = client.get(reverse("diary:treatment_list"))
    assert f'href="{EXPORT_URL}"' in response.text
    assert "Download my data" in response.text


def admin_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.test", "x")


def test_deleting_a_treatment_in_the_admin_deletes_its_photo_files(
    client, diary, other_patient, media, django_capture_on_commit_callbacks
):
    theirs = other_patient.treatments.get()
    record(theirs, 0, photos=[photo()])
    kept = Photo.objects.get(entry__treatment=theirs).file_names
    gone = [n for p in Photo.objects.filter(entry__treatment=diary) for n in p.file_names]
    login(client, admin_user())
    url = reverse("admin:clinic_treatment_delete", args=[diary.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"post": "yes"})
    assert response.status_code == 302
    assert not Treatment.objects.filter(pk=diary.pk).exists()
    assert not Photo.objects.filter(entry__treatment_id=diary.pk).exists()
    assert [name for name in gone if default_storage.exists(name)] == []
    assert all((media / name).exists() for name in kept)


def test_deleting_treatments_from_the_admin_list_deletes_their_files(
    client, diary, other_patient, media, django_capture_on_commit_callbacks
):
    theirs = other_patient.treatments.get()
    record(theirs, 0, photos=[photo()])
    login(client, admin_user())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:clinic_treatment_changelist"),
            {"action": "delete_selected", "_selected_action": [diary.pk, theirs.pk],
             "post": "yes"},
        )  # fmt: skip
    assert response.status_code == 302
    assert not Treatment.objects.exists()
    assert list(media.rglob("*.jpg")) == []
    # The clinics' records of the patients stay (they are the clinic's, not the diary's).
    assert ClinicPatient.objects.filter(pk=clinic_record(diary.clinic, diary.patient).pk)


def test_the_archive_reads_the_diary_in_five_queries(diary, django_assert_num_queries):
    second = TreatmentFactory(clinic=diary.clinic, patient=diary.patient)
    record(second, 0, photos=[photo()])
    # Treatments (with clinic, procedure, record, answers), entries, flags, photos,
    # resolved cases: the same five for one treatment or many.
    with django_assert_num_queries(5):
        archive = patient_data_export(user=diary.patient, now=datetime.now(UTC))
    with archive, zipfile.ZipFile(archive) as zipped:
        assert len([n for n in zipped.namelist() if n.endswith(".jpg")]) == 4
