from datetime import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from clinic.models import ClinicPatient, Treatment
from tests.conftest import login
from tests.factories import StaffFactory, TreatmentFactory

TOKYO = ZoneInfo("Asia/Tokyo")
NOW = datetime(2026, 11, 24, 15, 0, tzinfo=TOKYO)


def new_treatment(clinic, practitioner, **changes) -> dict:
    data = {
        "clinic": clinic.pk,
        "patient_name": "Hana Sato",
        "patient_email": "Hana.Sato@Example.test",
        "procedure": clinic.procedures.get(slug="velvet-skin").pk,
        "performed_at": "2026-11-24T10:30",
        "practitioner": practitioner.pk,
        "needle_depth_mm": "0.5",
        "anaesthesia": "on",
        "notes": "Sensitive around the nose.",
    }
    return data | changes


@time_machine.travel(NOW, tick=False)
def test_staff_create_a_treatment_and_get_an_invitation_link(
    client, clinic, clinician, emails_sent
):
    login(client, clinician)
    with emails_sent():
        response = client.post(
            reverse("clinic:treatment_new"), new_treatment(clinic, clinician), follow=True
        )
    treatment = Treatment.objects.get()
    assert treatment.patient.email == "hana.sato@example.test"
    assert treatment.patient.get_full_name() == "Hana Sato"
    assert not treatment.patient.has_usable_password()
    # 10:30 typed on the form is 10:30 in the clinic's zone.
    assert treatment.performed_at == datetime(2026, 11, 24, 10, 30, tzinfo=TOKYO)
    assert treatment.course_version.version == 2  # the version in force
    assert (str(treatment.needle_depth_mm), treatment.anaesthesia) == ("0.50", True)
    assert response.context["invitation"].startswith("http://testserver/invitation/")
    assert response.context["invitation"] in response.text
    # ...and the same link went to the patient's address.
    (email,) = mail.outbox
    assert email.to == ["hana.sato@example.test"]
    assert urlsplit(response.context["invitation"]).path in email.body


@time_machine.travel(NOW, tick=False)
def test_the_invitation_lets_the_patient_set_a_password_once(client, clinic, clinician):
    login(client, clinician)
    client.post(reverse("clinic:treatment_new"), new_treatment(clinic, clinician))
    invitation = client.get(
        reverse("clinic:treatment_detail", args=[Treatment.objects.get().pk])
    ).context["invitation"]
    client.logout()
    form_page = client.get(invitation, follow=True)  # Django swaps the token for a session
    password = "a-long-new-password-77"
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": password, "new_password2": password},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("diary:today")
    assert "Day 0 after your Velvet Skin treatment" in response.text
    client.logout()
    again = client.get(invitation, follow=True)
    assert "This link no longer works" in again.text


def test_a_second_treatment_for_the_same_email_waits_for_the_patient(
    client, clinic, clinician
):
    login(client, clinician)
    client.post(reverse("clinic:treatment_new"), new_treatment(clinic, clinician))
    client.post(
        reverse("clinic:treatment_new"),
        new_treatment(clinic, clinician, patient_email="hana.sato@example.test"),
    )
    assert get_user_model().objects.filter(email="hana.sato@example.test").count() == 1
    first, second = Treatment.objects.order_by("pk")
    assert (first.is_pending, second.is_pending) == (False, True)
    assert ClinicPatient.objects.get().treatments.count() == 2


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"performed_at": "2030-01-01T10:00"}, "performed_at"),
        ({"patient_email": "not-an-email"}, "patient_email"),
        ({"needle_depth_mm": "5"}, "needle_depth_mm"),
        ({"patient_name": ""}, "patient_name"),
    ],
)
def test_invalid_treatments_are_refused_and_nothing_is_created(
    client, clinic, clinician, changes, field
):
    login(client, clinician)
    response = client.post(
        reverse("clinic:treatment_new"), new_treatment(clinic, clinician, **changes)
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Treatment.objects.exists()


def test_staff_cannot_create_treatments_for_another_clinic(
    client, clinic, clinician, other_clinician
):
    login(client, other_clinician)
    response = client.post(
        reverse("clinic:treatment_new"), new_treatment(clinic, clinician)
    )
    assert set(response.context["form"].errors) == {"clinic", "procedure", "practitioner"}
    assert not Treatment.objects.exists()


def test_practitioner_must_work_at_the_chosen_clinic(client, clinic, clinician):
    elsewhere = StaffFactory().user
    StaffFactory(clinic=elsewhere.staff_roles.get().clinic, user=clinician)
    login(client, clinician)
    response = client.post(
        reverse("clinic:treatment_new"), new_treatment(clinic, elsewhere)
    )
    assert response.context["form"].errors == {
        "practitioner": ["This practitioner does not work at this clinic."]
    }


def test_staff_pages_list_only_their_clinics_treatments(
    client, treatment, clinician, other_clinician, django_assert_num_queries
):
    elsewhere = TreatmentFactory(clinic=other_clinician.staff_roles.get().clinic)
    login(client, clinician)
    # user, the account (roles, languages, authenticator, the session's second-factor
    # device; clinic.account), count for the paginator, the page of treatments, open
    # cases for the navigation. The session comes from the cache.
    with django_assert_num_queries(5):
        response = client.get(reverse("clinic:treatment_list"))
    assert list(response.context["page"]) == [treatment]
    assert (
        client.get(reverse("clinic:treatment_detail", args=[elsewhere.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("clinic:treatment_detail", args=[treatment.pk])).status_code
        == 200
    )


def test_patients_and_anonymous_visitors_cannot_reach_staff_pages(client, treatment):
    urls = [
        reverse("clinic:treatment_list"),
        reverse("clinic:treatment_new"),
        reverse("clinic:treatment_detail", args=[treatment.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 302
    client.force_login(treatment.patient)
    for url in urls:
        assert client.get(url).status_code == 404


def test_staff_pages_refuse_wrong_methods_and_unknown_ids(client, clinician):
    login(client, clinician)
    assert client.post(reverse("clinic:treatment_list")).status_code == 405
    assert client.get(reverse("clinic:treatment_detail", args=[999999])).status_code == 404
