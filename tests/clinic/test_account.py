from django.contrib.auth.models import AnonymousUser
from django.test import RequestFactory
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.account import NOBODY, Account, account_of
from clinic.languages import account_language_set
from clinic.models import StaffMember
from clinic.renderers import WidgetRenderer
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
            staff=(), saved_language="en", clinic_language="ja", has_totp=False
        )
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


def test_widgets_are_drawn_from_jinja2_and_the_admins_from_django_templates():
    renderer = WidgetRenderer()
    select = renderer.get_template("django/forms/widgets/select.html")
    wrapper = renderer.get_template("admin/widgets/related_widget_wrapper.html")
    assert type(select).__module__ == "django.template.backends.jinja2"
    assert type(wrapper).__module__ == "django.template.backends.django"
