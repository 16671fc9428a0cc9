import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse

from clinic.audit import client_address
from tests.factories import PatientFactory

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


def test_pages_carry_a_content_security_policy(client, db):
    response = client.get(reverse("login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert "script-src 'self'" in response["Content-Security-Policy"]
