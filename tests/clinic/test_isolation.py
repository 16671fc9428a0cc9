"""A clinician of another clinic never sees, counts or reaches this clinic's data."""

import threading
import time

import pytest
from django.db import transaction
from django.urls import reverse

from clinic.models import AuditEntry
from diary.models import Photo
from diary.photos import prepare_photo
from review.models import CaseEvent, ReviewCase
from review.services import CaseError, case_note, case_resolve
from tests.concurrency import postgres_only, two_at_once
from tests.conftest import login
from tests.factories import ClinicFactory, StaffFactory, TreatmentFactory, record
from tests.images import phone_jpeg, upload


@pytest.fixture
def flagged(treatment):
    record(treatment, 1, pain=6, photos=[prepare_photo(upload(phone_jpeg()))])
    return ReviewCase.objects.get()


def staff_urls(case):
    treatment, photo = case.treatment, Photo.objects.get()
    gets = [
        reverse("clinic:treatment_detail", args=[treatment.pk]),
        reverse("review:case_detail", args=[case.pk]),
        reverse("diary:history", args=[treatment.pk]),
        reverse("diary:chart", args=[treatment.pk, "pain"]),
        reverse("diary:compare", args=[treatment.pk]),
        reverse("diary:photo", args=[photo.key]),
        reverse("diary:photo_screen", args=[photo.key]),
        reverse("diary:photo_thumbnail", args=[photo.key]),
    ]
    posts = [
        (reverse("review:case_action", args=[case.pk, "acknowledge"]), {}),
        (reverse("review:case_action", args=[case.pk, "note"]), {"text": "x"}),
        (reverse("review:case_action", args=[case.pk, "contact"]), {"contact": "phone"}),
        (reverse("review:case_action", args=[case.pk, "resolve"]), {"outcome": "treated"}),
        (reverse("diary:photo_remove", args=[photo.key]), {}),
    ]
    return gets, posts


def test_every_staff_url_is_404_for_another_clinic_and_writes_nothing(
    client, flagged, other_clinician
):
    gets, posts = staff_urls(flagged)
    events_before = list(CaseEvent.objects.values_list("id", flat=True))
    login(client, other_clinician)
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == 404, url
    flagged.refresh_from_db()
    assert flagged.status == "open"
    assert list(CaseEvent.objects.values_list("id", flat=True)) == events_before
    assert Photo.objects.count() == 1
    assert not AuditEntry.objects.exists()


def test_the_same_urls_work_for_the_clinics_own_clinician(client, flagged, clinician):
    gets, _posts = staff_urls(flagged)
    login(client, clinician)
    for url in gets:
        assert client.get(url).status_code == 200, url


def test_another_clinic_neither_lists_nor_counts_these_cases(
    client, flagged, other_clinician
):
    login(client, other_clinician)
    response = client.get(reverse("review:case_queue"))
    assert list(response.context["page"]) == []
    assert response.context["counts"] == {}
    assert response.context["open_case_count"] == 0
    treatments = client.get(reverse("clinic:treatment_list")).context["page"]
    assert list(treatments) == []


def test_a_filter_naming_another_clinics_practitioner_is_ignored(
    client, flagged, clinician
):
    stranger = StaffFactory(clinic=ClinicFactory()).user
    login(client, clinician)
    response = client.get(reverse("review:case_queue") + f"?practitioner={stranger.pk}")
    assert [row["pk"] for row in response.context["page"]] == [flagged.pk]


@pytest.fixture
def case_and_two_clinicians(clinic):
    """An open case and two clinicians of its clinic, on PostgreSQL only."""
    postgres_only()
    record(TreatmentFactory(clinic=clinic), 1, pain=6)
    clinicians = StaffFactory(clinic=clinic).user, StaffFactory(clinic=clinic).user
    return ReviewCase.objects.get(), *clinicians


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_clinicians_resolving_at_once_resolve_once(case_and_two_clinicians):
    case, first, second = case_and_two_clinicians
    first_has_lock = threading.Event()

    def slow_resolve():
        with transaction.atomic():
            done = case_resolve(case_id=case.pk, user=first, outcome="treated")
            first_has_lock.set()
            time.sleep(0.5)  # hold the row lock while the other clinician tries
        return done

    def racing_resolve():
        first_has_lock.wait(timeout=10)
        return case_resolve(case_id=case.pk, user=second, outcome="referred")

    results = two_at_once(slow_resolve, racing_resolve)
    assert isinstance(results["a"], ReviewCase)
    assert isinstance(results["b"], CaseError)
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("resolved", "treated")
    assert case.events.filter(kind="resolved").count() == 1


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_notes_at_once_both_survive(case_and_two_clinicians):
    case, first, second = case_and_two_clinicians
    start = threading.Barrier(2)

    def note(user, text):
        def work():
            start.wait(timeout=10)
            return case_note(case_id=case.pk, user=user, text=text)

        return work

    two_at_once(note(first, "from the first"), note(second, "from the second"))
    assert sorted(case.events.filter(kind="note").values_list("text", flat=True)) == [
        "from the first",
        "from the second",
    ]
