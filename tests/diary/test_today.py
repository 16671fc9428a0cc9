from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from diary.photos import prepare_photo
from tests.factories import TreatmentFactory, record
from tests.images import phone_jpeg, upload

TOKYO = ZoneInfo("Asia/Tokyo")


def prepared_photo():
    return prepare_photo(upload(phone_jpeg()))


MONDAY_1030 = datetime(2026, 11, 23, 10, 30, tzinfo=TOKYO)


def test_anonymous_visitors_are_sent_to_log_in(client, db):
    response = client.get(reverse("diary:today"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_today_says_which_day_it_is_and_what_is_usual(client, treatment):
    treatment.performed_at = MONDAY_1030
    treatment.save()
    client.force_login(treatment.patient)
    with time_machine.travel(datetime(2026, 11, 25, 9, 0, tzinfo=TOKYO), tick=False):
        response = client.get(reverse("diary:today"))
    assert response.status_code == 200
    assert response.context["day"] == 2
    assert "Day 2 after your Velvet Skin treatment" in response.text
    assert "What is usual on day 2" in response.text
    usual = {u.symptom: u.words for u in response.context["usual"]}
    assert usual["redness"] == "slight to moderate"
    assert usual["pain"] == "0–2 out of 10"


def test_aftercare_shows_clock_times_in_the_clinics_zone(client, treatment):
    treatment.performed_at = MONDAY_1030
    treatment.save()
    client.force_login(treatment.patient)
    with time_machine.travel(datetime(2026, 11, 23, 14, 0, tzinfo=TOKYO), tick=False):
        text = client.get(reverse("diary:today")).text
    assert "<strong>Makeup and skin care:</strong>\n" in text
    assert "allowed from 22:30 JST today" in text
    assert "not today; please avoid until Thursday" in text  # sauna, exercise
    assert "allowed from tomorrow" in text  # the bath
    with time_machine.travel(datetime(2026, 11, 24, 8, 0, tzinfo=TOKYO), tick=False):
        text = client.get(reverse("diary:today")).text
    assert "please avoid until Thursday" in text
    assert "Allowed now: Makeup and skin care" not in text  # it still carries advice
    assert "Showering from the neck down" in text


def test_a_treatment_late_in_the_evening_makes_after_midnight_day_1(client, treatment):
    treatment.performed_at = datetime(2026, 11, 23, 23, 0, tzinfo=TOKYO)
    treatment.save()
    client.force_login(treatment.patient)
    with time_machine.travel(datetime(2026, 11, 24, 0, 30, tzinfo=TOKYO), tick=False):
        response = client.get(reverse("diary:today"))
    assert response.context["day"] == 1
    assert "allowed from 11:00 JST today" in response.text  # makeup, 12 h after 23:00


def test_today_shows_the_latest_treatment_already_performed(client, treatment):
    newer = TreatmentFactory(
        clinic=treatment.clinic,
        patient=treatment.patient,
        performed_at=treatment.performed_at + timedelta(days=1),
    )
    TreatmentFactory(  # booked for next week: not the current one yet
        clinic=treatment.clinic,
        patient=treatment.patient,
        performed_at=treatment.performed_at + timedelta(days=9),
    )
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:today"))
    assert response.context["treatment"] == newer


def test_a_patient_without_a_treatment_is_told_the_diary_starts_later(client, patient):
    client.force_login(patient)
    response = client.get(reverse("diary:today"))
    assert response.status_code == 200
    assert "No treatment to log yet" in response.text


def test_today_only_answers_get(client, treatment):
    client.force_login(treatment.patient)
    assert client.post(reverse("diary:today")).status_code == 405


def test_today_lists_missed_days_to_fill_in(client, treatment):
    record(treatment, 0, redness=3, pain=5)
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:today"))
    assert response.context["missed_days"] == [1]
    assert reverse("diary:entry_day", args=[treatment.pk, 1]) in response.text


@pytest.mark.parametrize("entries", [1, 30])
def test_today_runs_the_same_queries_for_1_or_30_entries(
    client, treatment, django_assert_num_queries, entries
):
    treatment.performed_at -= timedelta(days=30)
    treatment.save()
    today = 32
    for day in range(today - entries + 1, today + 1):
        record(treatment, day, photos=[prepared_photo()])
    client.force_login(treatment.patient)
    # session, user, authenticator check, the account's language, treatment (with clinic,
    # procedure, course, patient), today's entry, its flags, its photos, the logged
    # days, the last photos as guides, the clinic's replies, staff check for the navigation
    with django_assert_num_queries(12):
        assert client.get(reverse("diary:today")).status_code == 200


def test_what_needs_no_box_is_said_on_the_days_it_is_usual(client, treatment):
    treatment.performed_at = MONDAY_1030
    treatment.save()
    client.force_login(treatment.patient)
    with time_machine.travel(datetime(2026, 11, 24, 9, 0, tzinfo=TOKYO), tick=False):
        day_1 = client.get(reverse("diary:today")).text
    with time_machine.travel(datetime(2026, 11, 26, 9, 0, tzinfo=TOKYO), tick=False):
        day_3 = client.get(reverse("diary:today")).text
    for usual in ("Warmth of the treated skin", "Puffy eyelids",
                  "Pinpoint spots of blood on the pillow in the morning"):  # fmt: skip
        assert usual in day_1
        assert usual not in day_3
