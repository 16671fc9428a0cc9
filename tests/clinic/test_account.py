from axes.models import AccessAttempt
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.account import NOBODY, Account, account_of
from clinic.languages import account_language_set
from clinic.models import StaffMember
from clinic.renderers import WidgetRenderer
from tests.conftest import login
from tests.factories import ClinicFactory, StaffFactory, TreatmentFactory


def request_of(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def test_a_patient_reads_their_saved_language_and_their_latest_treatments_clinic(
    treatment, django_assert_num_queries
):
    treatment.clinic.language = "ja"
    treatment.clinic.save()
    account_language_set(user=treatment.patient, language="en")
    request = request_of(treatment.patient)
    with django_assert_num_queries(1):
        assert account_of(request) == Account(
            staff=(), saved_language="en", clinic_language="ja", has_totp=False,
            session_device=False,
        )  # fmt: skip
        assert account_of(request) is account_of(request)  # asked once per request


def test_staff_read_every_role_and_the_language_of_the_first_clinic_they_joined(db):
    first = StaffFactory(clinic=ClinicFactory(language="ja"))
    second = StaffFactory(
        user=first.user, clinic=ClinicFactory(language="en"), role=StaffMember.Role.MANAGER
    )
    TreatmentFactory(patient=first.user, clinic=second.clinic)  # staff may be treated too
    TOTPDevice.objects.create(user=first.user, name="Phone", confirmed=True)
    assert account_of(request_of(first.user)) == Account(
        staff=((first.clinic_id, "clinician"), (second.clinic_id, "manager")),
        saved_language=None,
        clinic_language="ja",
        has_totp=True,
        session_device=False,
    )


def test_an_unconfirmed_authenticator_does_not_count(patient):
    TOTPDevice.objects.create(user=patient, name="Phone", confirmed=False)
    assert account_of(request_of(patient)).has_totp is False


def test_nobody_is_signed_in_without_a_query(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert account_of(request_of(AnonymousUser())) is NOBODY


def test_a_login_within_the_request_asks_about_the_new_user(patient, clinician):
    request = request_of(patient)
    assert account_of(request).staff == ()
    request.user = clinician
    assert [role for _clinic, role in account_of(request).staff] == ["clinician"]


def test_a_session_whose_device_was_removed_must_give_a_code_again(client, clinician):
    login(client, clinician)
    assert client.get(reverse("review:case_queue")).status_code == 200
    TOTPDevice.objects.filter(user=clinician).delete()
    response = client.get(reverse("review:case_queue"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("two_factor_enrol"))
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_someone_elses_device_does_not_verify_a_session(client, clinician, other_clinician):
    login(client, clinician)
    theirs = TOTPDevice.objects.create(user=other_clinician, name="Theirs", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = theirs.persistent_id
    session.save()
    response = client.get(reverse("review:case_queue"))
    assert response["Location"].startswith(reverse("two_factor_verify"))


def test_the_sessions_device_is_read_only_when_asked_for(
    client, clinician, django_assert_num_queries
):
    login(client, clinician)
    response = client.get(reverse("account_security"))
    user = response.wsgi_request.user
    assert user.is_verified()
    with django_assert_num_queries(1):
        assert user.otp_device.name == "Test phone"


def test_widgets_are_drawn_from_jinja2_and_the_admins_from_django_templates():
    renderer = WidgetRenderer()
    select = renderer.get_template("django/forms/widgets/select.html")
    wrapper = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert type(select).__module__ == "django.template.backends.jinja2"
    assert type(wrapper).__module__ == "django.template.backends.django"


def test_new_logins_read_the_user_with_the_account_backend(client, patient):
    client.post(
        reverse("login"),
        {"username": patient.username, "password": "correct horse battery"},
    )
    assert client.session[BACKEND_SESSION_KEY] == "clinic.backends.AccountBackend"
    user = client.get(reverse("account_security")).wsgi_request.user
    assert (user.pk, user.email) == (patient.pk, patient.email)
    assert user.last_login is not None and user.last_login.tzinfo is not None


def test_sessions_signed_in_before_it_stay_signed_in(client, treatment):
    client.force_login(
        treatment.patient, backend="django.contrib.auth.backends.ModelBackend"
    )
    assert client.get(reverse("diary:today")).status_code == 200


def test_a_wrong_password_is_checked_once_and_counted_as_a_failure(
    client, patient, monkeypatch
):
    checked = []
    check = AbstractBaseUser.check_password
    monkeypatch.setattr(
        AbstractBaseUser,
        "check_password",
        lambda self, raw: checked.append(raw) or check(self, raw),
    )
    response = client.post(
        reverse("login"), {"username": patient.username, "password": "wrong"}
    )
    assert response.status_code == 200
    assert checked == ["wrong"]
    assert AccessAttempt.objects.get(username=patient.username).failures_since_start == 1
    assert "_auth_user_id" not in client.session


def test_an_inactive_users_session_ends(client, treatment):
    login(client, treatment.patient)
    treatment.patient.is_active = False
    treatment.patient.save()
    response = client.get(reverse("diary:today"))
    assert response["Location"].startswith(reverse("login"))
