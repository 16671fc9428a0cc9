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
    # user, the account (roles, languages, authenticator; clinic.account), treatment
    # (with clinic, procedure, course, patient), today's entry, its flags, its photos,
    # the logged days, the last photos as guides, the clinic's replies. The session
    # comes from the cache.
    with django_assert_num_queries(9):
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


# Today on a phone: what comes first in each state.


def order_of(html: str, *marks: str) -> list[int]:
    """Where each mark first appears in the page (-1 if it does not)."""
    return [html.find(mark) for mark in marks]


def test_an_empty_day_starts_with_its_form_and_folds_what_is_usual_and_the_aftercare(
    client, treatment
):
    record(treatment, 0)
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    missed, form, usual, aftercare = order_of(
        html, 'id="missed-days"', 'id="entry-form"', 'id="usual"', 'id="aftercare"'
    )
    assert 0 < missed < form < usual < aftercare  # missed days offered above the form
    assert '<section class="card mb-3" id="entry"' in html  # open, not folded
    assert '<details class="card mb-3 fold" id="usual">' in html  # folded: one tap
    assert '<details class="card mb-3 fold" id="aftercare">' in html
    assert 'id="entry-fold"' not in html
    assert "data-verdict" not in html and "Usual for day" not in html


def test_a_saved_day_starts_with_its_verdict_and_folds_its_form(client, treatment):
    record(treatment, 2)
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    verdict, fold, form = order_of(
        html, "Usual for day 2", 'id="entry-fold"', 'id="entry-form"'
    )
    assert 0 < verdict < fold < form
    assert '<details class="card mb-3 fold" id="entry-fold" data-entry-fold>' in html
    assert "Update today's entry" in html


def test_a_form_with_errors_starts_with_the_focused_summary_and_is_unfolded(
    client, treatment
):
    record(treatment, 2)
    client.force_login(treatment.patient)
    data = {"bruising": "1", "peeling": "1", "pain": "1", "bleeding": "no",
            "photo_view": "front"}  # fmt: skip
    html = client.post(reverse("diary:entry_day", args=[treatment.pk, 2]), data).text
    summary, header, form = order_of(html, "data-error-summary", "<h1", 'id="entry-form"')
    assert 0 < summary < header < form
    assert 'tabindex="-1" autofocus data-error-summary' in html
    # The radio scale has no single id: the link goes to its group.
    assert '<a href="#div_id_redness">Redness: Please choose one.</a>' in html
    assert 'id="div_id_redness"' in html
    assert '<details class="card mb-3 fold" id="entry-fold" data-entry-fold open>' in html


def test_a_refused_photo_is_named_at_the_top_of_the_page(client, treatment, media):
    client.force_login(treatment.patient)
    data = {"redness": "1", "bruising": "1", "peeling": "1", "pain": "1",
            "bleeding": "no", "photo_view": "front",
            "photos": [upload(b"%PDF-1.4 not a photo", name="scan.jpg")]}  # fmt: skip
    html = client.post(reverse("diary:entry_day", args=[treatment.pk, 2]), data).text
    summary, error, header = order_of(
        html, "data-error-summary", '<li><a href="#id_photos">Photos: “scan.jpg”', "<h1"
    )
    assert 0 < summary < error < header
    assert (
        'class="form-control is-invalid" type="file" name="photos" id="id_photos"' in html
    )


def test_the_photo_inputs_have_a_place_for_previews_and_the_page_its_scripts(
    client, treatment
):
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    for input_id in ("id_photos_camera", "id_photos"):
        assert f'id="previews-{input_id}" data-photo-previews="{input_id}"' in html
    for script in ("photo-preview.js", "remove-confirm.js", "outbox.js"):
        assert f'<script src="/static/js/{script}" defer' in html
    assert "<script>" not in html  # none inline (CSP: script-src 'self')


@pytest.mark.parametrize(
    ("day", "card"),
    [
        (10, False),  # the last day of Velvet Skin's usual downtime (7 to 10 days)
        (11, True),
    ],
)
def test_the_recovery_is_complete_after_the_downtime(client, treatment, day, card):
    treatment.performed_at -= timedelta(days=day - 2)
    treatment.save()
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:today"))
    assert response.context["day"] == day
    assert response.context["recovery_complete"] is card
    assert ('id="recovery-complete"' in response.text) is card
    assert ("Your recovery is complete" in response.text) is card


def test_after_the_downtime_the_form_is_folded_for_a_late_entry(client, treatment):
    treatment.performed_at -= timedelta(days=10)
    treatment.save()  # day 12
    for day in range(11):
        record(treatment, day)
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    card, fold, form = order_of(html, 'id="recovery-complete"', 'id="entry-fold"',
                                'id="entry-form"')  # fmt: skip
    assert 0 < card < fold < form
    assert "Add a late entry for today" in html
    assert "The usual downtime after your treatment (up to day 10) is over." in html
    # Before day 14 the questions are announced, correctly counted.
    assert "On day 14, three short questions about your downtime will appear here." in html
    assert 'id="missed-days"' not in html  # days 11 and later are not "missed"


def test_on_day_14_the_card_asks_the_three_questions_it_announces(client, treatment):
    treatment.performed_at -= timedelta(days=12)
    treatment.save()  # day 14
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:today"))
    html = response.text
    card, questions, fold = order_of(html, 'id="recovery-complete"', 'id="downtime-report"',
                                     'id="entry-fold"')  # fmt: skip
    assert 0 < card < questions < fold
    assert "Three short questions about your downtime" in html
    assert "Two short questions" not in html
    assert list(response.context["report_form"].fields) == [
        "back_to_work_day", "makeup_day", "satisfaction",
    ]  # fmt: skip


def test_once_answered_the_card_thanks_the_patient(client, treatment):
    from diary.models import DowntimeReport

    treatment.performed_at -= timedelta(days=13)
    treatment.save()
    DowntimeReport.objects.create(treatment=treatment, satisfaction=9)
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    assert "Thank you for answering the questions about your downtime." in html
    assert 'id="downtime-report"' not in html


def test_a_missed_day_of_the_downtime_is_still_open_with_its_form_first(client, treatment):
    treatment.performed_at -= timedelta(days=10)
    treatment.save()
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:entry_day", args=[treatment.pk, 3]))
    assert response.context["recovery_complete"] is False  # not Today
    assert '<section class="card mb-3" id="entry"' in response.text
    assert response.context["missed_days"] == list(range(11))
