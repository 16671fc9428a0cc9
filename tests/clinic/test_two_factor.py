import re
import time

import pytest
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.two_factor import (
    RECOVERY_CODE_COUNT,
    recovery_codes_create,
    secret_base32,
    totp_code,
    totp_enrol,
)
from tests.conftest import login
from tests.factories import StaffFactory

PASSWORD = "correct horse battery"


def log_in(client, user, **extra):
    return client.post(
        reverse("login"), {"username": user.username, "password": PASSWORD}, **extra
    )


def wrong_code(secret: str) -> str:
    """A 6-digit code that is not valid now (nor a step either side)."""
    now = time.time()
    valid = {totp_code(secret, at=now + step * 30) for step in (-1, 0, 1)}
    return next(
        code for code in ("000000", "111111", "222222", "333333") if code not in valid
    )


@pytest.fixture
def manager(clinic):
    user = StaffFactory(clinic=clinic, role="manager").user
    user.is_staff = True
    user.save()
    return user


STAFF_PAGES = [
    reverse("review:case_queue"),
    reverse("clinic:treatment_list"),
    reverse("clinic:treatment_new"),
    reverse("outcomes:outcomes"),
    reverse("account_security"),
    reverse("password_change"),
    "/admin/",
]


def test_staff_without_an_authenticator_are_sent_to_set_one_up(client, clinician):
    response = log_in(client, clinician, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_enrol"))
    assert response.context["qr_code"].startswith("data:image/svg+xml;base64,")
    assert re.fullmatch(r"([A-Z2-7]{4} )*[A-Z2-7]{4}", response.context["secret"])
    assert "Set up your authenticator app" in response.text


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_staff_reach_no_staff_page_or_admin_page_before_giving_a_code(client, manager, url):
    client.force_login(manager)  # the password only
    response = client.get(url)
    assert response.status_code == 302
    assert (
        response["Location"]
        == f"{reverse('two_factor_enrol')}?next={url.replace('/', '%2F')}"
    )
    totp_enrol(manager)
    response = client.get(url)
    assert response["Location"].startswith(reverse("two_factor_verify") + "?next=")


@pytest.mark.parametrize("url", STAFF_PAGES)
def test_the_same_pages_open_once_the_code_is_given(client, manager, url):
    login(client, manager)
    assert client.get(url).status_code == 200


def test_the_admin_itself_refuses_a_session_without_a_code(client, manager, settings):
    settings.MIDDLEWARE = [
        m for m in settings.MIDDLEWARE if m != "clinic.middleware.TwoFactorMiddleware"
    ]
    client.force_login(manager)
    assert client.get("/admin/").status_code == 302
    login(client, manager)
    assert client.get("/admin/").status_code == 200


def test_setting_up_shows_a_qr_code_checks_a_code_then_shows_recovery_codes_once(
    client, clinician
):
    client.force_login(clinician)
    next_page = reverse("clinic:treatment_list")
    enrol = f"{reverse('two_factor_enrol')}?next={next_page}"
    response = client.get(enrol)
    secret = response.context["secret"].replace(" ", "")
    assert client.get(enrol).context["secret"].replace(" ", "") == secret  # kept
    response = client.post(enrol, {"code": wrong_code(secret), "next": next_page})
    assert response.status_code == 200
    assert "That code does not match" in response.text
    assert not TOTPDevice.objects.exists()

    response = client.post(enrol, {"code": totp_code(secret), "next": next_page})
    assert response["Location"] == (
        f"{reverse('two_factor_recovery_codes')}?next=%2Fclinic%2F"
    )
    device = TOTPDevice.objects.get(user=clinician)
    assert device.confirmed
    assert secret_base32(device.key) == secret
    response = client.get(response["Location"])
    codes = response.context["codes"]
    assert len(codes) == RECOVERY_CODE_COUNT == 10
    assert all(re.fullmatch(r"[a-z2-7]{4}-[a-z2-7]{4}", code) for code in codes)
    assert f'href="{next_page}"' in response.text
    # Shown once only.
    assert client.get(reverse("two_factor_recovery_codes"))["Location"] == reverse(
        "account_security"
    )
    assert client.get(next_page).status_code == 200


def test_a_wrong_code_is_refused_with_a_clear_message(client, clinician):
    secret = totp_enrol(clinician)
    log_in(client, clinician)
    response = client.post(reverse("two_factor_verify"), {"code": wrong_code(secret)})
    assert response.status_code == 200
    assert "That code is not right" in response.text
    assert client.get(reverse("review:case_queue")).status_code == 302


def test_the_code_from_the_app_opens_the_staff_pages(client, clinician):
    secret = totp_enrol(clinician)
    log_in(client, clinician)
    response = client.post(
        reverse("two_factor_verify"),
        {"code": totp_code(secret), "next": reverse("clinic:treatment_list")},
    )
    assert response["Location"] == reverse("clinic:treatment_list")
    assert client.get(reverse("review:case_queue")).status_code == 200


def test_a_recovery_code_works_once(client, clinician):
    totp_enrol(clinician)
    code = recovery_codes_create(user=clinician)[0]
    log_in(client, clinician)
    typed = f"{code[:4]}-{code[4:]}".upper()  # as printed, in capitals
    response = client.post(reverse("two_factor_verify"), {"code": typed})
    assert response["Location"] == reverse("home")
    assert client.get(reverse("review:case_queue")).status_code == 200
    assert StaticToken.objects.count() == RECOVERY_CODE_COUNT - 1

    client.logout()
    log_in(client, clinician)
    response = client.post(reverse("two_factor_verify"), {"code": code})
    assert response.status_code == 200
    assert "That code is not right" in response.text


def test_an_unsafe_next_is_ignored(client, clinician):
    secret = totp_enrol(clinician)
    log_in(client, clinician)
    response = client.post(
        reverse("two_factor_verify"),
        {"code": totp_code(secret), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_patients_need_no_code_until_they_turn_it_on(client, treatment):
    patient = treatment.patient
    log_in(client, patient)
    page = client.get(reverse("account_security"))
    assert "Turn on two-step login" in page.text
    response = client.get(reverse("two_factor_enrol"))
    secret = response.context["secret"].replace(" ", "")
    response = client.post(reverse("two_factor_enrol"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("two_factor_recovery_codes")
    assert len(client.get(response["Location"]).context["codes"]) == 10

    client.logout()
    response = log_in(client, patient, follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("two_factor_verify"))
    assert client.get(reverse("diary:today")).status_code == 302
    code = totp_code(secret, at=time.time() + 30)  # the next step: each code works once
    response = client.post(reverse("two_factor_verify"), {"code": code}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("diary:today")


def test_totp_enrol_gives_a_confirmed_device_and_returns_its_secret(clinician):
    secret = totp_enrol(clinician, secret_hex="3132333435363738393031323334353637383930")
    assert secret == "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
    device = TOTPDevice.objects.get(user=clinician)
    assert device.confirmed
    assert device.verify_token(totp_code(secret))
    assert totp_enrol(clinician) != secret  # a new device replaces the old one
    assert TOTPDevice.objects.filter(user=clinician).count() == 1


def test_the_second_factor_pages_need_a_login(client, db):
    for name in ("two_factor_verify", "two_factor_enrol", "account_security"):
        assert client.get(reverse(name))["Location"].startswith(reverse("login"))
