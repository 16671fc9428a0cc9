import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.core import mail
from django.test import RequestFactory
from django.urls import reverse

from clinic.audit import client_address
from clinic.two_factor import totp_enrol
from diary.models import Photo
from diary.photos import prepare_photo
from tests.conftest import login
from tests.factories import PatientFactory, StaffFactory, record
from tests.images import phone_jpeg, upload

PASSWORD = "correct horse battery"
HER_ADDRESS = "192.0.2.10"
OTHER_ADDRESS = "198.51.100.7"
PROXY = "10.0.0.2"


def log_in(client, username, password=PASSWORD, **headers):
    return client.post(
        reverse("login"), {"username": username, "password": password}, **headers
    )


def test_a_patient_logs_in_with_email_and_lands_on_today(client, treatment):
    response = client.post(
        reverse("login"),
        {"username": treatment.patient.username, "password": PASSWORD},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("diary:today")


def test_the_login_form_asks_for_an_email(client, db):
    response = client.get(reverse("login"))
    field = response.context["form"]["username"]
    assert (field.label, field.field.widget.input_type) == ("Email", "email")
    assert reverse("password_reset") in response.text


def test_the_email_may_be_typed_in_any_case(client, db):
    aiko = PatientFactory(username="aiko@example.test", email="aiko@example.test")
    response = log_in(client, "Aiko@Example.TEST")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(aiko.pk)


def test_a_wrong_password_says_what_to_check(client, patient):
    response = log_in(client, patient.username, "wrong")
    assert response.status_code == 200
    assert "That email and password do not match an account" in response.text
    assert "_auth_user_id" not in client.session


def test_staff_are_asked_for_their_code_after_the_password(client, clinician):
    totp_enrol(clinician)
    response = log_in(client, clinician.username, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    assert "Enter your code" in response.text


def test_repeated_wrong_passwords_lock_the_account_out(client, db):
    patient = PatientFactory()
    for _attempt in range(5):
        client.post(reverse("login"), {"username": patient.username, "password": "wrong"})
    response = client.post(
        reverse("login"),
        {"username": patient.username, "password": PASSWORD},
    )
    assert response.status_code == 429
    assert "Too many failed attempts" in response.text
    assert "_auth_user_id" not in client.session


def test_spraying_many_emails_from_one_address_locks_that_address(client, patient):
    statuses = [
        log_in(
            client, f"someone{n}@example.test", "password1", REMOTE_ADDR=OTHER_ADDRESS
        ).status_code
        for n in range(40)
    ]
    assert statuses == [200] * 19 + [429] * 21  # the 20th failure locks the address
    # Refused attempts are not counted: the address stays at its 20 failures.
    assert sum(AccessAttempt.objects.values_list("failures_since_start", flat=True)) == 20
    assert log_in(client, patient.username, REMOTE_ADDR=OTHER_ADDRESS).status_code == 429
    assert log_in(client, patient.username, REMOTE_ADDR=HER_ADDRESS).status_code == 302


@pytest.mark.parametrize(
    ("behind_proxy", "attacker", "her"),
    [
        # Direct: X-Forwarded-For is the client's own text, and is ignored.
        (
            False,
            {"REMOTE_ADDR": OTHER_ADDRESS, "HTTP_X_FORWARDED_FOR": HER_ADDRESS},
            {"REMOTE_ADDR": HER_ADDRESS},
        ),
        # Behind the proxy, everyone arrives from it; it appends the address it saw,
        # to the right of whatever the client wrote.
        (
            True,
            {
                "REMOTE_ADDR": PROXY,
                "HTTP_X_FORWARDED_FOR": f"{HER_ADDRESS}, {OTHER_ADDRESS}",
            },
            {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": HER_ADDRESS},
        ),
    ],
)
def test_failures_from_another_address_do_not_lock_the_clinician_out_from_hers(
    client, clinician, settings, behind_proxy, attacker, her
):
    settings.BEHIND_HTTPS_PROXY = behind_proxy
    statuses = [log_in(client, clinician.username, "wrong", **attacker).status_code
                for _attempt in range(5)]  # fmt: skip
    assert statuses == [200, 200, 200, 200, 429]  # locked out where the attacker is
    assert log_in(client, clinician.username, **attacker).status_code == 429
    assert log_in(client, clinician.username, **her).status_code == 302
    assert client.session["_auth_user_id"] == str(clinician.pk)


def test_hammering_a_locked_out_address_adds_no_failures_against_her(client, clinician):
    for _attempt in range(60):
        log_in(client, clinician.username, "wrong", REMOTE_ADDR=OTHER_ADDRESS)
    assert AccessAttempt.objects.get().failures_since_start == 5
    assert log_in(client, clinician.username, REMOTE_ADDR=HER_ADDRESS).status_code == 302


def test_failures_from_many_addresses_lock_the_email_everywhere(client, clinician):
    for n in range(10):
        for _attempt in range(5):
            log_in(client, clinician.username, "wrong", REMOTE_ADDR=f"203.0.113.{n}")
    assert log_in(client, clinician.username, REMOTE_ADDR=HER_ADDRESS).status_code == 429


@pytest.mark.parametrize(
    ("behind_proxy", "trusted", "forwarded", "expected"),
    [
        (False, [], "203.0.113.5", HER_ADDRESS),
        (True, [], "203.0.113.5", "203.0.113.5"),
        (True, [], "198.51.100.1, 203.0.113.5", "203.0.113.5"),
        (True, ["10.0.0.0/8"], "203.0.113.5, 10.1.2.3", "203.0.113.5"),
        (True, [], "not-an-address", HER_ADDRESS),
        (True, [], "", HER_ADDRESS),
    ],
)
def test_the_client_address_is_the_rightmost_untrusted_hop_behind_the_proxy(
    settings, behind_proxy, trusted, forwarded, expected
):
    settings.BEHIND_HTTPS_PROXY = behind_proxy
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().get(
        "/", REMOTE_ADDR=HER_ADDRESS, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_address(request) == expected


def test_a_signed_in_user_changes_their_password(client, patient):
    client.force_login(patient)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )
    assert response["Location"] == reverse("password_change_done")
    patient.refresh_from_db()
    assert patient.check_password("a new long passphrase")
    assert client.get(reverse("password_change_done")).status_code == 200


def test_a_wrong_old_password_changes_nothing(client, patient):
    client.force_login(patient)
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": "a new long passphrase",
         "new_password2": "a new long passphrase"},
    )  # fmt: skip
    assert response.status_code == 200
    patient.refresh_from_db()
    assert patient.check_password(PASSWORD)


def test_changing_the_password_needs_a_login(client, db):
    response = client.get(reverse("password_change"))
    assert response["Location"].startswith(reverse("login"))


def test_a_forgotten_password_is_reset_through_a_link_in_an_email(client, settings, db):
    settings.SITE_URL = "https://diary.example.org"
    aiko = PatientFactory(username="aiko@example.test", email="aiko@example.test",
                          first_name="Aiko")  # fmt: skip
    response = client.post(reverse("password_reset"), {"email": "AIKO@example.test"})
    assert response["Location"] == reverse("password_reset_done")
    (email,) = mail.outbox
    assert email.to == ["aiko@example.test"]
    (link,) = re.findall(r"https://diary\.example\.org(/\S+)", email.body)
    assert "Aiko" not in email.body
    assert "aiko@" not in email.body
    response = client.get(link, follow=True)
    assert response.context["validlink"]
    response = client.post(
        response.redirect_chain[-1][0],
        {
            "new_password1": "a new long passphrase",
            "new_password2": "a new long passphrase",
        },
    )
    assert response["Location"] == reverse("password_reset_complete")
    aiko.refresh_from_db()
    assert aiko.check_password("a new long passphrase")
    assert client.get(link).status_code == 200  # used: it now says it no longer works
    assert not client.get(link, follow=True).context["validlink"]


def test_an_unknown_email_gets_the_same_answer_and_no_email(client, db):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.test"})
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_staff_session_ends_after_30_minutes_idle(client, clinician):
    queue = reverse("review:case_queue")
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        login(client, clinician)
        clock.shift(timedelta(minutes=20))
        assert client.get(queue).status_code == 200
        clock.shift(timedelta(minutes=29))  # idle 29 minutes: each request moves the end on
        assert client.get(queue).status_code == 200
        clock.shift(timedelta(minutes=31))
        response = client.get(queue)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_a_patient_stays_signed_in_on_their_phone(client, treatment):
    with time_machine.travel(datetime(2026, 5, 1, 9, 0, tzinfo=UTC), tick=False) as clock:
        client.force_login(treatment.patient)
        clock.shift(timedelta(days=60))
        response = client.get(reverse("diary:treatment_list"))
    assert response.status_code == 200


def test_health_data_is_never_stored_by_caches(client, treatment, clinic):
    record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg()))])
    client.force_login(treatment.patient)
    page = client.get(reverse("diary:history", args=[treatment.pk]))
    photo = client.get(reverse("diary:photo", args=[Photo.objects.get().key]))
    chart = client.get(reverse("diary:chart", args=[treatment.pk, "redness"]))
    login(client, StaffFactory(clinic=clinic, role="manager").user)
    export = client.get(reverse("outcomes:outcomes_summary_export"))
    for response in (page, photo, chart, export):
        assert response.status_code == 200
        assert response["Cache-Control"] == "no-store, private"
    assert export["Content-Type"] == "text/csv; charset=utf-8"


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
