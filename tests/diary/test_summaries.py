"""Each treatment's diary summary follows its entries, however they are saved."""

import threading
import time

import pytest
from django.db import transaction
from django.forms.models import model_to_dict
from django.urls import reverse

from diary.models import DiarySummary
from diary.summaries import diary_summaries_refresh
from tests.concurrency import postgres_only, two_at_once
from tests.conftest import login
from tests.factories import TreatmentFactory, record


def summary_of(treatment) -> dict:
    return model_to_dict(DiarySummary.objects.get(treatment=treatment))


def test_saving_entries_keeps_the_summary(treatment):
    for day, redness in enumerate([3, 3, 2, 1, 0]):
        record(treatment, day, redness=redness, pain=6 if day == 1 else 1)
    assert summary_of(treatment) | {"treatment": None} == {
        "treatment": None,
        "last_day": 4,
        "logged_days": 5,
        "review_flagged": True,  # pain 6 on day 1 is above the band
        "urgent_flagged": False,
        "redness_resolved_day": 3,  # at 1 or less from day 3 on
        "bruising_resolved_day": 0,
        "peeling_resolved_day": 0,
        "pain_resolved_day": 2,
    }


def test_a_correction_that_flares_up_again_leaves_the_symptom_unresolved(treatment):
    for day, redness in enumerate([3, 2, 1, 1]):
        record(treatment, day, redness=redness)
    assert summary_of(treatment)["redness_resolved_day"] == 2
    record(treatment, 3, redness=3)  # the patient corrects day 3
    summary = summary_of(treatment)
    assert summary["redness_resolved_day"] is None  # censored at the last day, 3
    assert (summary["last_day"], summary["logged_days"]) == (3, 4)


def test_only_days_0_to_10_count_as_logged_and_flags_clear_when_corrected(treatment):
    record(treatment, 2, peeling=3)  # above day 2's upper limit of 2: review
    record(treatment, 12, redness=0, bruising=0, peeling=0, pain=0)
    summary = summary_of(treatment)
    assert (summary["last_day"], summary["logged_days"], summary["review_flagged"]) == (
        12,
        1,
        True,
    )
    record(treatment, 2, peeling=1)
    assert summary_of(treatment)["review_flagged"] is False


def test_a_treatment_without_entries_has_no_summary(treatment):
    diary_summaries_refresh([treatment.pk])
    assert not DiarySummary.objects.exists()


def test_rebuilding_every_summary_gives_what_saving_kept(clinic):
    first, second = TreatmentFactory(clinic=clinic), TreatmentFactory(clinic=clinic)
    for day in range(4):
        record(first, day, redness=3 - day, warning_signs=["fever"] if day == 2 else [])
        record(second, day * 2, bruising=4 if day == 3 else 1)
    kept = [summary_of(first), summary_of(second)]
    DiarySummary.objects.all().delete()
    diary_summaries_refresh([first.pk, second.pk])
    assert [summary_of(first), summary_of(second)] == kept
    assert kept[0]["urgent_flagged"] is True  # fever


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_days_saved_at_once_both_reach_the_summary(clinic):
    postgres_only()
    treatment = TreatmentFactory(clinic=clinic)
    record(treatment, 0)
    first_saved = threading.Event()

    def slow_save():
        with transaction.atomic():
            record(treatment, 1)
            first_saved.set()
            time.sleep(0.5)  # still uncommitted while the other day is saved

    def racing_save():
        first_saved.wait(timeout=10)
        return record(treatment, 2)

    results = two_at_once(slow_save, racing_save)
    assert not isinstance(results["b"], Exception), results["b"]
    assert summary_of(treatment)["logged_days"] == 3


def test_the_admin_shows_entries_but_cannot_delete_one(
    client, treatment, django_user_model
):
    entry = record(treatment, 1)
    admin = django_user_model.objects.create_superuser("admin@example.test", password="x")
    login(client, admin)
    assert (
        client.get(reverse("admin:diary_entry_change", args=[entry.pk])).status_code == 200
    )
    delete = reverse("admin:diary_entry_delete", args=[entry.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert summary_of(treatment)["logged_days"] == 1


def test_the_rebuild_command_mends_a_stale_summary(treatment):
    from io import StringIO

    from django.core.management import call_command

    for day, redness in enumerate([3, 2, 1]):
        record(treatment, day, redness=redness)
    kept = summary_of(treatment)
    DiarySummary.objects.filter(treatment=treatment).update(logged_days=0, last_day=9)
    out = StringIO()
    call_command("summaries", "rebuild", stdout=out)
    assert summary_of(treatment) == kept
    assert out.getvalue() == "Rebuilt the diary summaries of 1 treatment(s).\n"
