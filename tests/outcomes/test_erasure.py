"""A clinic manager deletes a patient's diary data on request: that clinic's only."""

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.urls import reverse

from clinic.models import AuditEntry, ClinicPatient, Treatment
from clinic.services import join_path, treatment_for_join
from diary.erasure import AlreadyErased, patient_data_erase
from diary.models import DiarySummary, DowntimeReport, Entry, Flag, Photo
from diary.photos import prepare_photo
from review.models import CaseEvent, ReviewCase
from review.services import case_note, case_resolve
from tests.conftest import login
from tests.factories import ClinicFactory, StaffFactory, TreatmentFactory, record
from tests.images import image_bytes, upload


def photo():
    return prepare_photo(upload(image_bytes("JPEG", size=(120, 90))))


def erase_url(record) -> str:
    return reverse("outcomes:patient_erase", args=[record.pk])


@pytest.fixture
def manager(clinic):
    return StaffFactory(clinic=clinic, role="manager").user


@pytest.fixture
def diary(treatment, clinician):
    """Aiko's diary at Smart Skin: two treatments, photos, a case the clinic resolved
    with a message and a note, day-14 answers."""
    second = TreatmentFactory(clinic=treatment.clinic, patient=treatment.patient)
    record(treatment, 1, note="Stings", photos=[photo()])
    record(treatment, 2, warning_signs=["fever"], photos=[photo()])
    record(second, 0, photos=[photo()])
    case = ReviewCase.objects.get(treatment=treatment)
    case_note(case_id=case.pk, user=clinician, text="Called Aiko at home")
    case_resolve(case_id=case.pk, user=clinician, outcome="advised_home_care",
                 message="Rest, Aiko.")  # fmt: skip
    DowntimeReport.objects.create(treatment=treatment, satisfaction=9)
    Treatment.objects.filter(pk=treatment.pk).update(notes="Aiko prefers mornings")
    ClinicPatient.objects.filter(pk=treatment.clinic_patient_id).update(phone="+81 90")
    return [treatment, second]


@pytest.fixture
def elsewhere(treatment):
    """Another clinic's treatment of the same account, with its own diary."""
    theirs = TreatmentFactory(
        clinic=ClinicFactory(name="Elsewhere"), patient=treatment.patient
    )
    record(theirs, 0, note="At the other clinic", photos=[photo()])
    return theirs


def snapshot(record_id: int) -> tuple:
    """Everything an erasure would change, to assert that a refused one changed nothing."""
    return (
        Entry.objects.count(), Photo.objects.count(), Flag.objects.count(),
        DowntimeReport.objects.count(), DiarySummary.objects.count(),
        list(ClinicPatient.objects.filter(pk=record_id).values()),
        list(Treatment.objects.values_list("pk", "patient_id", "notes").order_by("pk")),
        list(ReviewCase.objects.values_list("message_to_patient", flat=True)),
        list(CaseEvent.objects.values_list("text", flat=True).order_by("pk")),
        AuditEntry.objects.filter(action=AuditEntry.Action.ERASE).count(),
    )  # fmt: skip


def test_the_confirm_page_says_what_goes_and_what_stays(client, diary, manager):
    record = diary[0].clinic_patient
    login(client, manager)
    response = client.get(erase_url(record))
    assert response.status_code == 200
    assert "<strong>Aiko Tanaka</strong>" in response.text
    preview = response.context["preview"]
    assert (preview.treatments, preview.entries, preview.photos) == (2, 3, 3)
    assert (preview.day_14_answers, preview.cases) == (1, 1)
    assert "What stays" in response.text
    assert "Type the patient&#x27;s name to confirm" in response.text


def test_a_manager_erases_the_diary_data_of_their_clinics_treatments_only(
    client, diary, elsewhere, manager, media, django_capture_on_commit_callbacks
):
    treatment, second = diary
    record = treatment.clinic_patient
    gone = [
        n for p in Photo.objects.filter(entry__treatment__in=diary) for n in p.file_names
    ]
    kept = Photo.objects.get(entry__treatment=elsewhere).file_names
    audit_before = list(AuditEntry.objects.values_list("pk", flat=True))
    case = ReviewCase.objects.get(treatment=treatment)
    login(client, manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(erase_url(record), {"confirm_name": " aiko  TANAKA "})
    assert response.status_code == 302
    assert response["Location"] == erase_url(record)
    # The diary data of this clinic's two treatments are gone, rows and files.
    for model in (Entry, DowntimeReport, DiarySummary):
        assert not model.objects.filter(treatment__in=diary).exists()
    assert not Photo.objects.filter(entry__treatment__in=diary).exists()
    assert not Flag.objects.filter(entry__treatment__in=diary).exists()
    assert [name for name in gone if (media / name).exists()] == []
    # The other clinic's diary of the same account is untouched.
    assert list(elsewhere.entries.values_list("note", flat=True)) == ["At the other clinic"]
    assert all((media / name).exists() for name in kept)
    assert DiarySummary.objects.filter(treatment=elsewhere).exists()
    # The treatments stay, de-identified and out of the patient's diary.
    assert list(
        Treatment.objects.filter(pk__in=[treatment.pk, second.pk])
        .order_by("pk")
        .values_list("performed_at", "procedure_id", "patient_id", "joined_at", "notes")
    ) == [
        (treatment.performed_at, treatment.procedure_id, None, None, ""),
        (second.performed_at, second.procedure_id, None, None, ""),
    ]
    record.refresh_from_db()
    assert (record.name, record.email, record.phone) == (
        f"Erased patient {record.pk}", f"erased-{record.pk}@invalid", "",
    )  # fmt: skip
    assert record.erased_at is not None
    # The case stays as a de-identified record.
    erased_case = ReviewCase.objects.get(pk=case.pk)
    assert (erased_case.status, erased_case.outcome, erased_case.level) == (
        "resolved", "advised_home_care", "urgent",
    )  # fmt: skip
    assert (erased_case.opened_at, erased_case.resolved_at) == (
        case.opened_at,
        case.resolved_at,
    )
    assert erased_case.message_to_patient == ""
    assert set(CaseEvent.objects.filter(case=case).values_list("text", flat=True)) == {""}
    assert CaseEvent.objects.filter(case=case).count() == 3  # opened, note, resolved
    # The audit trail stays, with one row more: the erasure.
    assert set(audit_before) < set(AuditEntry.objects.values_list("pk", flat=True))
    erase = AuditEntry.objects.get(action=AuditEntry.Action.ERASE)
    assert (erase.clinic_id, erase.actor, erase.clinic_patient_id, erase.address) == (
        treatment.clinic_id, manager, record.pk, "127.0.0.1",
    )  # fmt: skip
    assert erase.get_action_display() == "Deleted diary data on request"
    # The patient's diary now holds the other clinic's treatment only.
    login(client, treatment.patient)
    assert client.get(reverse("diary:today")).context["treatment"] == elsewhere
    assert client.get(reverse("diary:history", args=[treatment.pk])).status_code == 404


def test_an_erased_treatment_can_never_be_accepted_again(client, diary, manager):
    treatment = diary[0]
    link = join_path(treatment)  # a join link as emailed before the erasure
    patient_data_erase(clinic_patient=treatment.clinic_patient, actor=manager, address=None)
    with pytest.raises(Treatment.DoesNotExist):
        treatment_for_join(token=link.split("/")[-2], user=treatment.patient)
    login(client, treatment.patient)
    assert client.get(link).status_code == 404
    assert client.post(link).status_code == 404
    treatment.refresh_from_db()
    assert treatment.patient is None
    # No account can take the placeholder address: every email form refuses it.
    with pytest.raises(ValidationError):
        validate_email(ClinicPatient.objects.get(pk=treatment.clinic_patient_id).email)


def test_a_wrong_name_erases_nothing(client, diary, manager):
    record = diary[0].clinic_patient
    before = snapshot(record.pk)
    login(client, manager)
    response = client.post(erase_url(record), {"confirm_name": "Aiko"})
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "confirm_name": ["This is not the patient's name as recorded."]
    }
    assert client.post(erase_url(record)).status_code == 200
    assert snapshot(record.pk) == before


def test_erasing_twice_erases_once(client, diary, manager):
    record = diary[0].clinic_patient
    login(client, manager)
    client.post(erase_url(record), {"confirm_name": "Aiko Tanaka"})
    record.refresh_from_db()
    response = client.post(erase_url(record), {"confirm_name": record.name})
    assert response.status_code == 200
    assert "were deleted on" in response.text
    with pytest.raises(AlreadyErased):
        patient_data_erase(clinic_patient=record, actor=manager, address=None)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ERASE).count() == 1


def test_only_a_manager_of_the_patients_clinic_may_erase(
    client, diary, elsewhere, clinician
):
    record = diary[0].clinic_patient
    other_manager = StaffFactory(clinic=elsewhere.clinic, role="manager").user
    before = snapshot(record.pk)
    for user in (clinician, other_manager, diary[0].patient):
        login(client, user)
        assert client.get(erase_url(record)).status_code == 404
        response = client.post(erase_url(record), {"confirm_name": "Aiko Tanaka"})
        assert response.status_code == 404
    client.logout()
    response = client.post(erase_url(record), {"confirm_name": "Aiko Tanaka"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    assert snapshot(record.pk) == before


def test_a_bad_id_and_a_wrong_method_change_nothing(client, diary, manager):
    record = diary[0].clinic_patient
    before = snapshot(record.pk)
    login(client, manager)
    assert client.get(reverse("outcomes:patient_erase", args=[99999])).status_code == 404
    assert client.put(erase_url(record)).status_code == 405
    assert client.delete(erase_url(record)).status_code == 405
    assert snapshot(record.pk) == before


def test_the_treatment_page_offers_erasure_to_managers_only(
    client, diary, manager, clinician
):
    treatment = diary[0]
    page = reverse("clinic:treatment_detail", args=[treatment.pk])
    login(client, manager)
    assert erase_url(treatment.clinic_patient) in client.get(page).text
    login(client, clinician)
    assert erase_url(treatment.clinic_patient) not in client.get(page).text


def test_staff_pages_still_open_on_an_erased_patient(client, treatment, manager):
    # A front-desk treatment (it created the account) with a case still open.
    Treatment.objects.filter(pk=treatment.pk).update(created_account=True)
    record(treatment, 1, warning_signs=["fever"])
    case = ReviewCase.objects.get(treatment=treatment)
    patient_data_erase(clinic_patient=treatment.clinic_patient, actor=manager, address=None)
    login(client, manager)
    for url in (
        reverse("clinic:treatment_detail", args=[treatment.pk]),
        reverse("review:case_detail", args=[case.pk]),
        reverse("review:case_queue"),
        reverse("clinic:treatment_list"),
        reverse("clinic:audit_log"),
        reverse("outcomes:outcomes"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Aiko" not in response.text, url


def test_erasure_closes_a_waiting_case_saying_why(client, clinic):
    treatment = TreatmentFactory(clinic=clinic)
    record(treatment, 1, warning_signs=["pimples"])
    manager = StaffFactory(clinic=clinic, role="manager").user
    login(client, manager)
    client.post(
        reverse("outcomes:patient_erase", args=[treatment.clinic_patient_id]),
        {"confirm_name": treatment.clinic_patient.name},
    )
    case = ReviewCase.objects.get()
    assert (case.status, case.outcome) == ("resolved", "flags_withdrawn")
    assert case.events.get(kind=CaseEvent.Kind.CLOSED).text == (
        "The patient's diary data were deleted on request."
    )
