from django.urls import reverse

from tests.factories import PatientFactory


def test_a_patient_logs_in_with_email_and_lands_on_today(client, treatment):
    response = client.post(
        reverse("login"),
        {"username": treatment.patient.username, "password": "correct horse battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("diary:today")


def test_staff_land_on_their_review_queue(client, clinician):
    response = client.post(
        reverse("login"),
        {"username": clinician.username, "password": "correct horse battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("review:case_queue")


def test_repeated_wrong_passwords_lock_the_account_out(client, db):
    patient = PatientFactory()
    for _attempt in range(5):
        client.post(reverse("login"), {"username": patient.username, "password": "wrong"})
    response = client.post(
        reverse("login"),
        {"username": patient.username, "password": "correct horse battery"},
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
