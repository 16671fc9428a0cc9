import copy
import json

from django.contrib.auth import get_user_model
from django.urls import reverse

from clinic.models import CourseVersion
from clinic.services import VERSION_2_NOTE
from recovery.course import VELVET_SKIN_V1, VELVET_SKIN_V2
from tests.conftest import login
from tests.factories import TreatmentFactory


def admin_user():
    return get_user_model().objects.create_superuser("admin", "admin@example.test", "x")


def course_form(procedure, definition, note="") -> dict:
    return {
        "clinic": procedure.clinic_id,
        "name": procedure.name,
        "slug": procedure.slug,
        "course": json.dumps(definition),
        "change_note": note,
        "course_versions-TOTAL_FORMS": "0",
        "course_versions-INITIAL_FORMS": "0",
    }


def test_editing_a_course_creates_a_version_and_old_treatments_keep_theirs(client, db):
    before = TreatmentFactory()
    velvet = before.procedure
    login(client, admin_user())
    edited = copy.deepcopy(VELVET_SKIN_V2)
    edited["symptoms"]["pain"]["bands"][1]["upper"] = 5
    response = client.post(
        reverse("admin:clinic_procedure_change", args=[velvet.pk]),
        course_form(velvet, edited, note="Pain up to 5 on day 1"),
    )
    assert response.status_code == 302
    assert list(velvet.course_versions.values_list("version", "note"))[:2] == [
        (3, "Pain up to 5 on day 1"),
        (2, VERSION_2_NOTE),
    ]
    before.refresh_from_db()
    assert before.course_version.version == 2
    assert TreatmentFactory(clinic=before.clinic).course_version.version == 3
    assert CourseVersion.objects.get(procedure=velvet, version=2).definition == json.loads(
        json.dumps(VELVET_SKIN_V2)
    )


def test_saving_an_unchanged_course_creates_no_version(client, clinic):
    velvet = clinic.procedures.get(slug="velvet-skin")
    login(client, admin_user())
    client.post(
        reverse("admin:clinic_procedure_change", args=[velvet.pk]),
        course_form(velvet, VELVET_SKIN_V2),
    )
    assert velvet.course_versions.count() == 2


def test_an_invalid_course_is_refused_with_the_reason(client, clinic):
    velvet = clinic.procedures.get(slug="velvet-skin")
    login(client, admin_user())
    broken = copy.deepcopy(VELVET_SKIN_V2)
    broken["symptoms"]["redness"]["bands"][3]["from"] = 5
    response = client.post(
        reverse("admin:clinic_procedure_change", args=[velvet.pk]),
        course_form(velvet, broken),
    )
    assert response.status_code == 200
    assert "redness bands must follow each other without gaps" in response.text
    assert velvet.course_versions.count() == 2


def test_course_versions_cannot_be_edited_in_the_admin(client, clinic):
    version = CourseVersion.objects.get(
        procedure__clinic=clinic, procedure__slug="velvet-skin", version=1
    )
    login(client, admin_user())
    response = client.post(
        reverse("admin:clinic_courseversion_change", args=[version.pk]), {"note": "x"}
    )
    assert response.status_code == 403
    version.refresh_from_db()
    assert version.note != "x"


def test_another_clinics_manager_can_neither_see_nor_change_a_course(client, clinic):
    from clinic.services import staff_member_add
    from tests.conftest import login
    from tests.factories import ClinicFactory, PatientFactory

    velvet = clinic.procedures.get(slug="velvet-skin")
    rival = PatientFactory()
    staff_member_add(clinic=ClinicFactory(), user=rival, role="manager")
    login(client, rival)
    listing = client.get(reverse("admin:clinic_procedure_changelist"))
    assert listing.status_code == 200
    assert velvet not in listing.context["cl"].queryset
    never_flags_redness = copy.deepcopy(VELVET_SKIN_V1)
    for band in never_flags_redness["symptoms"]["redness"]["bands"]:
        band["upper"] = 4
    response = client.post(
        reverse("admin:clinic_procedure_change", args=[velvet.pk]),
        course_form(velvet, never_flags_redness) | {"name": "Renamed"},
    )
    assert response.status_code == 302  # "does not exist", as for a wrong id
    velvet.refresh_from_db()
    assert (velvet.name, velvet.course_versions.count()) == ("Velvet Skin", 2)
    versions = client.get(reverse("admin:clinic_courseversion_changelist"))
    assert not versions.context["cl"].queryset.filter(procedure=velvet).exists()
