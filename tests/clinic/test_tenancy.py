"""Clinics fenced apart: one clinic can neither take over nor redirect another
clinic's patient, nor learn whether an email has an account."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from clinic.models import AuditEntry, ClinicPatient, Treatment
from tests.conftest import login
from tests.factories import PatientFactory, StaffFactory, TreatmentFactory, record


def create_treatment(client, staff_user, clinic, email, name="Hana Sato", phone=""):
    return client.post(
        reverse("clinic:treatment_new"),
        {
            "clinic": clinic.pk,
            "patient_name": name,
            "patient_email": email,
            "patient_phone": phone,
            "procedure": clinic.procedures.get(slug="velvet-skin").pk,
            "performed_at": "2026-01-05T10:30",
        },
        follow=True,
    )


@pytest.fixture
def rival(db):
    """Clinic 2's clinician."""
    return StaffFactory().user


def rival_clinic(rival):
    return rival.staff_roles.get().clinic


def test_a_rival_clinic_gets_no_link_into_a_not_yet_activated_account(
    client, clinic, clinician, rival, emails_sent
):
    # Clinic 1 creates the patient's account; she has not set her password yet.
    login(client, clinician)
    with emails_sent():
        create_treatment(client, clinician, clinic, "hana@example.test")
    hana = get_user_model().objects.get(email="hana@example.test")
    assert not hana.has_usable_password()
    mail.outbox.clear()
    # Clinic 2 types the same email: its treatment waits, with no link for the clinic.
    login(client, rival)
    with emails_sent():
        response = create_treatment(client, rival, rival_clinic(rival), "Hana@Example.test")
    theirs = Treatment.objects.get(clinic=rival_clinic(rival))
    assert theirs.is_pending and theirs.patient is None
    assert response.context["invitation"] is None
    assert "/invitation/" not in response.text
    # The patient is emailed; the link only offers her the treatment to accept.
    (email,) = mail.outbox
    assert email.to == ["hana@example.test"]
    assert "/invitation/" not in email.body
    # Clinic 2 never opened anything of clinic 1's.
    assert not AuditEntry.objects.filter(clinic=clinic, actor=rival).exists()


def test_a_rival_clinic_cannot_move_a_registered_patients_diary(client, treatment, rival):
    record(treatment, 1, redness=2)
    login(client, rival)
    create_treatment(
        client, rival, rival_clinic(rival), treatment.patient.email, name="Someone Else"
    )
    theirs = Treatment.objects.get(clinic=rival_clinic(rival))
    # Clinic 2 sees only the name it typed, and the treatment is pending.
    assert theirs.clinic_patient.name == "Someone Else"
    assert theirs.is_pending
    page = client.get(reverse("clinic:treatment_detail", args=[theirs.pk]))
    assert treatment.clinic_patient.name not in page.text
    # Her Today still shows clinic 1's treatment.
    client.force_login(treatment.patient)
    today = client.get(reverse("diary:today"))
    assert today.context["treatment"] == treatment


@pytest.mark.parametrize("who", ["staff", "patient", "new"])
def test_every_email_gets_the_same_answer(client, clinic, clinician, treatment, who):
    email = {
        "staff": StaffFactory().user.email,
        "patient": treatment.patient.email,
        "new": "nobody-yet@example.test",
    }[who]
    login(client, clinician)
    response = create_treatment(client, clinician, clinic, email)
    assert response.status_code == 200
    assert response.redirect_chain  # created, never refused
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["Treatment created. We have emailed the patient a link."]
    assert "staff account" not in response.text
    assert response.context["invitation"] is None or who == "new"


def test_the_patient_accepts_the_treatment_from_the_emailed_link(
    client, treatment, rival, emails_sent
):
    login(client, rival)
    with emails_sent():
        create_treatment(client, rival, rival_clinic(rival), treatment.patient.email)
    theirs = Treatment.objects.get(clinic=rival_clinic(rival))
    link = re.search(r"https?://\S+/clinic/join/\S+/", mail.outbox[-1].body).group(0)
    path = (
        link.split("testserver")[-1]
        if "testserver" in link
        else "/" + link.split("/", 3)[3]
    )
    # Another account (the rival's own, say) cannot use it.
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_pending
    # Its owner accepts it, once.
    client.force_login(treatment.patient)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 302
    theirs.refresh_from_db()
    assert theirs.patient == treatment.patient
    assert client.post(path).status_code == 404


def test_a_clinic_sees_its_own_record_of_the_patient(client, treatment, clinician):
    ClinicPatient.objects.filter(pk=treatment.clinic_patient_id).update(
        name="Tanaka Aiko", phone="+81 90 1234 5678"
    )
    treatment.patient.first_name = "Changed"
    treatment.patient.save()
    login(client, clinician)
    page = client.get(reverse("clinic:treatment_detail", args=[treatment.pk]))
    assert "Tanaka Aiko" in page.text
    assert 'href="tel:+81 90 1234 5678"' in page.text
    assert "Changed" not in page.text


def test_a_pending_treatment_is_not_in_anyones_diary(client, clinic):
    someone = PatientFactory()
    pending = TreatmentFactory(clinic=clinic, patient=someone)
    Treatment.objects.filter(pk=pending.pk).update(patient=None)
    login(client, someone)
    assert client.get(reverse("diary:history", args=[pending.pk])).status_code == 404


def test_the_front_desk_can_show_the_invitation_as_a_qr_code(client, clinic, clinician):
    login(client, clinician)
    response = create_treatment(client, clinician, clinic, "new-patient@example.test")
    assert response.context["invitation_qr"].startswith("data:image/svg+xml;base64,")
    assert f'src="{response.context["invitation_qr"]}"' in response.text
