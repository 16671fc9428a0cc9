"""Every staff access to a patient's health data leaves an audit row, and the audit
log shows every kind of row in the clinic's zone."""

from datetime import UTC, datetime

import time_machine
from django.urls import reverse

from clinic.models import AuditEntry
from diary.photos import prepare_photo
from review.models import ReviewCase
from tests.conftest import login
from tests.factories import StaffFactory, record
from tests.images import image_bytes, upload


def audited(**lookups) -> list[tuple[str, str]]:
    rows = AuditEntry.objects.filter(**lookups).order_by("id")
    return list(rows.values_list("action", "target"))


def test_chart_svgs_and_thumbnails_opened_by_staff_are_audited(
    client, treatment, clinician, media
):
    entry = record(treatment, 1, photos=[prepare_photo(upload(image_bytes()))])
    key = entry.photos.get().key
    login(client, clinician)
    assert (
        client.get(reverse("diary:chart", args=[treatment.pk, "redness"])).status_code
        == 200
    )
    assert client.get(reverse("diary:photo_thumbnail", args=[key])).status_code == 200
    assert audited(actor=clinician) == [
        ("view_diary", "chart redness"),
        ("view_photo", f"photo {key} (thumbnail)"),
    ]
    # The patient's own looks are not staff access.
    login(client, treatment.patient)
    client.get(reverse("diary:chart", args=[treatment.pk, "redness"]))
    assert audited(actor=treatment.patient) == []


def test_an_invalid_case_form_that_shows_the_case_again_is_audited(
    client, treatment, clinician
):
    record(treatment, 2, warning_signs=["pimples"])
    case = ReviewCase.objects.get()
    login(client, clinician)
    response = client.post(reverse("review:case_action", args=[case.pk, "resolve"]), {})
    assert response.status_code == 200
    assert audited(actor=clinician) == [("view_case", f"case {case.pk}")]


@time_machine.travel(datetime(2026, 11, 24, 23, 30, tzinfo=UTC), tick=False)
def test_the_audit_log_shows_exports_and_views_in_the_clinics_zone(
    client, clinic, treatment, clinician
):
    manager = StaffFactory(clinic=clinic, role="manager").user
    login(client, clinician)
    client.get(reverse("clinic:treatment_detail", args=[treatment.pk]))
    login(client, manager)
    assert client.get(reverse("outcomes:outcomes_export")).status_code == 200
    page = client.get(reverse("clinic:audit_log"))
    assert page.status_code == 200
    rows = page.text.split("<tbody>")[1]
    # 23:30 UTC on the 24th is 08:30 on the 25th in Tokyo.
    assert "25 Nov 2026 08:30 JST" in rows
    assert "many (an export)" in rows
    assert treatment.clinic_patient.name in rows
