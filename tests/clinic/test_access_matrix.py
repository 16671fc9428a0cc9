"""Who may reach which URL: every URL pattern of the app, for seven people, against
one table of expected answers.

The people: nobody signed in; the patient whose diary it is; another patient of the
same clinic; a clinician and the manager of the patient's clinic; a clinician and a
manager of another clinic. The data: one treatment of the patient's (with a flagged
entry, a photo and its case), a pending treatment of another clinic's waiting for the
patient, and nothing else worth seeing.

A URL pattern with no row here fails the test, so a new page cannot ship unchecked.
A denied request (a redirect to the login, a 403 or a 404) must change nothing in the
database: not even an audit row.
"""

from datetime import timedelta

import pytest
from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from clinic.models import StaffMember, Treatment
from clinic.services import join_path, staff_member_add
from diary.models import Photo
from review.models import ReviewCase
from tests.conftest import login
from tests.factories import (
    ClinicFactory,
    PatientFactory,
    StaffFactory,
    TreatmentFactory,
    record,
)
from tests.images import image_bytes, upload

ROLES = ("anonymous", "patient", "other_patient", "clinician", "other_clinician",
         "manager", "other_manager")  # fmt: skip

# URL name -> (method, answers for the seven ROLES in order). "login" is a redirect to
# a login page; any other 3xx is a redirect after a granted action.
MATRIX = {
    "home": ("GET", "302 302 302 302 302 302 302"),
    "healthz": ("GET", "200 200 200 200 200 200 200"),  # for the load balancer
    "login": ("GET", "200 200 200 200 200 200 200"),
    "logout": ("POST", "302 302 302 302 302 302 302"),
    "invitation": ("GET", "200 200 200 200 200 200 200"),  # a bad token: "no longer works"
    "admin_login": ("GET", "302 302 302 302 302 302 302"),  # to our login page
    "two_factor_verify": ("GET", "login 302 302 302 302 302 302"),  # no code owed
    "two_factor_enrol": ("GET", "login 200 200 302 302 302 302"),  # staff have one
    "two_factor_recovery_codes": ("GET", "login 302 302 302 302 302 302"),  # none new
    "recovery_codes_new": ("POST", "login 302 302 302 302 302 302"),
    "account_security": ("GET", "login 200 200 200 200 200 200"),
    "set_language": ("POST", "302 302 302 302 302 302 302"),  # nothing posted: no change
    "password_change": ("GET", "login 200 200 200 200 200 200"),
    "password_change_done": ("GET", "login 200 200 200 200 200 200"),
    "password_reset": ("GET", "200 200 200 200 200 200 200"),
    "password_reset_done": ("GET", "200 200 200 200 200 200 200"),
    "password_reset_confirm": ("GET", "200 200 200 200 200 200 200"),  # a bad token
    "password_reset_complete": ("GET", "200 200 200 200 200 200 200"),
    "admin:*": ("GET", "login login login login login 200 302"),
    "clinic:treatment_list": ("GET", "login 404 404 200 200 200 200"),
    "clinic:treatment_new": ("GET", "login 404 404 200 200 200 200"),
    "clinic:treatment_detail": ("GET", "login 404 404 200 404 200 404"),
    "clinic:audit_log": ("GET", "login 404 404 404 404 200 200"),
    "clinic:treatment_join": ("GET", "login 200 404 404 404 404 404"),
    "review:case_queue": ("GET", "login 404 404 200 200 200 200"),
    "review:case_detail": ("GET", "login 404 404 200 404 200 404"),
    "review:case_action": ("POST", "login 404 404 302 404 302 404"),
    "outcomes:outcomes": ("GET", "login 404 404 404 404 200 200"),
    "outcomes:outcomes_export": ("GET", "login 404 404 404 404 200 200"),
    "outcomes:outcomes_summary_export": ("GET", "login 404 404 404 404 200 200"),
    "outcomes:course_list": ("GET", "login 404 404 404 404 200 200"),
    "outcomes:course_lab": ("GET", "login 404 404 404 404 200 404"),
    "diary:today": ("GET", "login 200 200 200 200 200 200"),
    # The installable app: the same for everyone, no diary in them.
    "diary:manifest": ("GET", "200 200 200 200 200 200 200"),
    "diary:service_worker": ("GET", "200 200 200 200 200 200 200"),
    "diary:offline": ("GET", "200 200 200 200 200 200 200"),
    # JSON for the page's script: 401 to nobody, 403 to staff; push is not set up in
    # this world (no VAPID keys), and an empty body is not a subscription.
    "diary:push_subscribe": ("POST", "401 404 404 403 403 403 403"),
    "diary:push_unsubscribe": ("POST", "401 400 400 403 403 403 403"),
    "diary:treatment_list": ("GET", "login 200 200 200 200 200 200"),
    "diary:entry_day": ("GET", "login 200 404 404 404 404 404"),
    "diary:history": ("GET", "login 200 404 200 404 200 404"),
    "diary:downtime_report": ("POST", "login 200 404 404 404 404 404"),
    "diary:chart": ("GET", "login 200 404 200 404 200 404"),
    "diary:compare": ("GET", "login 200 404 200 404 200 404"),
    "diary:photo": ("GET", "404 200 404 200 404 200 404"),
    "diary:photo_screen": ("GET", "404 200 404 200 404 200 404"),
    "diary:photo_thumbnail": ("GET", "404 200 404 200 404 200 404"),
    "diary:photo_remove": ("POST", "login 200 404 404 404 404 404"),  # no confirm=1: asks
    "diary:photo_page": ("GET", "404 200 404 200 404 200 404"),  # as the photo itself
    "diary:data_export": ("GET", "login 200 200 404 404 404 404"),
    "diary:reminders": ("GET", "login 200 200 404 404 404 404"),  # patients' own
    "outcomes:patient_erase": ("GET", "login 404 404 404 404 200 404"),
}


def url_names() -> list[str]:
    """Every named URL pattern of the app; the admin's as one "admin:*"."""
    names = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace or namespace
                if inner == "admin":
                    names.append("admin:*")
                else:
                    walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"unnamed URL pattern {pattern.pattern}"
                names.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)

    walk(get_resolver().url_patterns, None)
    return sorted(set(names))


def test_every_url_pattern_has_a_row():
    missing = sorted(set(url_names()) - set(MATRIX))
    assert missing == [], f"add these URL patterns to MATRIX: {missing}"
    assert sorted(set(MATRIX) - set(url_names())) == []


@pytest.fixture
def world(db, media):
    """The people and the data the matrix is asked about."""
    clinic = ClinicFactory(name="Smart Skin", time_zone="Asia/Tokyo")
    other_clinic = ClinicFactory(name="Rival Skin", time_zone="Asia/Tokyo")
    patient = PatientFactory()
    treatment = TreatmentFactory(
        clinic=clinic, patient=patient, performed_at=timezone.now() - timedelta(days=15)
    )
    other_patient = TreatmentFactory(clinic=clinic).patient
    record(treatment, 1, redness=4, bruising=4, warning_signs=["pimples"],
           photos=[_photo()])  # fmt: skip
    pending = TreatmentFactory(clinic=other_clinic, patient=patient)
    Treatment.objects.filter(pk=pending.pk).update(patient=None, joined_at=None)
    people = {
        "anonymous": None,
        "patient": patient,
        "other_patient": other_patient,
        "clinician": StaffFactory(clinic=clinic).user,
        "other_clinician": StaffFactory(clinic=other_clinic).user,
        "manager": _manager(clinic),
        "other_manager": _manager(other_clinic),
    }
    return {
        "people": people,
        "treatment": treatment,
        "case": ReviewCase.objects.get(treatment=treatment),
        "photo": Photo.objects.get(entry__treatment=treatment),
        "pending": Treatment.objects.get(pk=pending.pk),
    }


def _photo():
    from diary.photos import prepare_photo

    return prepare_photo(upload(image_bytes(size=(400, 300))))


def _manager(clinic):
    user = PatientFactory()
    staff_member_add(clinic=clinic, user=user, role=StaffMember.Role.MANAGER)
    return user


def url_for(name: str, world: dict) -> str:
    treatment, photo, case = world["treatment"], world["photo"], world["case"]
    args = {
        "invitation": ["MQ", "bad-token"],
        "password_reset_confirm": ["MQ", "bad-token"],
        "clinic:treatment_detail": [treatment.pk],
        "review:case_detail": [case.pk],
        "review:case_action": [case.pk, "acknowledge"],
        "diary:entry_day": [treatment.pk, 1],
        "diary:history": [treatment.pk],
        "diary:downtime_report": [treatment.pk],
        "diary:chart": [treatment.pk, "redness"],
        "diary:compare": [treatment.pk],
        "diary:photo": [photo.key],
        "diary:photo_screen": [photo.key],
        "diary:photo_thumbnail": [photo.key],
        "diary:photo_remove": [photo.key],
        "diary:photo_page": [photo.key],
        "outcomes:course_lab": [treatment.procedure_id],
        "outcomes:patient_erase": [treatment.clinic_patient_id],
    }
    if name == "admin:*":  # the clinic's own course, in the admin
        return reverse("admin:clinic_procedure_change", args=[treatment.procedure_id])
    if name == "clinic:treatment_join":
        return join_path(world["pending"])
    return reverse(name, args=args.get(name, []))


def snapshot() -> dict[str, int]:
    """How many rows each of our models holds (the audit log included)."""
    ours = ("clinic", "review", "diary", "outcomes", "auth")
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label in ours
    }


def answer(response) -> str:
    if response.status_code in (301, 302):
        target = response.headers["Location"]
        if "login" in target and "next=" in target:
            return "login"
    return str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_access(client, world, name, role):
    method, answers = MATRIX[name]
    expected = dict(zip(ROLES, answers.split(), strict=True))[role]
    person = world["people"][role]
    if person is not None:
        login(client, person)
    before = snapshot()
    url = url_for(name, world)
    response = client.post(url) if method == "POST" else client.get(url)
    assert answer(response) == expected, f"{method} {url} as {role}"
    if expected in ("login", "400", "401", "403", "404"):
        assert snapshot() == before, f"a denied {method} {url} as {role} wrote something"
