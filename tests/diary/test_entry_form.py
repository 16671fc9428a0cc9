from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse
from pytest_django.asserts import assertContains

from diary.models import Entry, Flag, Photo
from tests.conftest import login
from tests.factories import record
from tests.images import upload

TOKYO = ZoneInfo("Asia/Tokyo")


def form_data(**changes) -> dict:
    data = {"redness": "2", "bruising": "2", "peeling": "1", "pain": "2", "bleeding": "no",
            "note": "", "photo_view": "front"}  # fmt: skip
    return data | changes


def day_url(treatment, day) -> str:
    return reverse("diary:entry_day", args=[treatment.pk, day])


def test_saving_an_entry_judges_it_and_shows_the_verdict(client, treatment):
    client.force_login(treatment.patient)
    response = client.post(day_url(treatment, 2), form_data(), follow=True)
    entry = Entry.objects.get(treatment=treatment)
    assert (entry.day, entry.redness, entry.pain, entry.status) == (2, 2, 2, "normal")
    assert entry.course_version == treatment.course_version
    assert "Usual for day 2" in response.text
    assert "Saved. Thank you!" in response.text


def test_a_value_above_the_band_is_flagged_with_a_plain_explanation(client, treatment):
    client.force_login(treatment.patient)
    response = client.post(day_url(treatment, 2), form_data(redness="4"), follow=True)
    flag = Flag.objects.get(entry__treatment=treatment)
    assert (flag.symptom, flag.level, flag.rule, flag.observed, flag.expected_upper) == (
        "redness",
        "review",
        "above_band",
        4,
        3,
    )
    assert flag.course_version == treatment.course_version
    assert flag.detail == "Redness 4/4 on day 2; course upper 3 (Velvet Skin v2)"
    assert "Your clinic will review this" in response.text
    # In the scale's words, against most people, with what happens next and by when.
    assert (
        "Your redness today: deep or fiery red (4 of 4). On day 2 most people are at "
        "red or less." in response.text
    )
    assert "Your clinic will look at this within a day." in response.text
    assert flag.detail not in response.text  # the clinician's text is for staff


def test_pain_that_stays_strong_on_day_2_is_urgent_without_any_box(client, treatment):
    client.force_login(treatment.patient)
    response = client.post(day_url(treatment, 2), form_data(pain="6"), follow=True)
    flag = Flag.objects.get(entry__treatment=treatment)
    assert (flag.rule, flag.level) == ("pain_alarm", "urgent")
    assert response.text.index("Contact your clinic now") < response.text.index("<h1")


def test_submitting_again_the_same_day_updates_the_entry_and_its_flags(client, treatment):
    client.force_login(treatment.patient)
    client.post(day_url(treatment, 2), form_data(pain="6"))
    client.post(day_url(treatment, 2), form_data(pain="1", note="Better now"))
    entry = Entry.objects.get(treatment=treatment)
    assert (entry.pain, entry.note, entry.status) == (1, "Better now", "normal")
    assert Flag.objects.filter(entry=entry).count() == 0


def test_a_missed_day_can_be_filled_in_later_and_keeps_when_it_was_recorded(
    client, treatment
):
    client.force_login(treatment.patient)
    moment = datetime(2026, 11, 30, 20, 0, tzinfo=TOKYO)
    treatment.performed_at = moment - timedelta(days=3)
    treatment.save()
    with time_machine.travel(moment, tick=False):
        client.post(day_url(treatment, 1), form_data())
    entry = Entry.objects.get(treatment=treatment)
    assert entry.day == 1
    assert entry.recorded_at == moment


def test_the_future_cannot_be_logged(client, treatment):
    client.force_login(treatment.patient)
    response = client.post(day_url(treatment, 3), form_data())
    assert response.status_code == 404
    assert not Entry.objects.exists()


def test_a_rebound_uses_the_earlier_entries(client, treatment):
    treatment.performed_at -= timedelta(days=3)
    treatment.save()
    record(treatment, 4, redness=1)
    client.force_login(treatment.patient)
    client.post(day_url(treatment, 5), form_data(redness="3", bruising="1"))
    rules = set(Flag.objects.values_list("rule", flat=True))
    assert rules == {"rebound"}


def test_an_urgent_sign_tells_the_patient_what_to_do_before_anything_else(
    client, treatment
):
    client.force_login(treatment.patient)
    response = client.post(
        day_url(treatment, 2), form_data(warning_signs=["pus"]), follow=True
    )
    text = response.text
    assert Entry.objects.get().status == "urgent"
    assert text.index("Contact your clinic now") < text.index("<h1")
    assert 'href="tel:+81 3 1111 2222"' in text


def test_airway_swelling_says_to_call_the_emergency_number_first(client, treatment):
    client.force_login(treatment.patient)
    text = client.post(
        day_url(treatment, 1), form_data(warning_signs=["airway_swelling"]), follow=True
    ).text
    assert text.index("Call emergency services now") < text.index("<h1")
    assert 'href="tel:119"' in text


def test_allergic_swelling_is_urgent_for_the_clinic_not_an_emergency(client, treatment):
    client.force_login(treatment.patient)
    text = client.post(
        day_url(treatment, 1), form_data(warning_signs=["allergic_swelling"]), follow=True
    ).text
    assert text.index("Contact your clinic now") < text.index("<h1")
    assert "Call emergency services now" not in text


def test_a_missing_answer_keeps_everything_typed_and_saves_nothing(client, treatment):
    client.force_login(treatment.patient)
    data = form_data(note="Itchy around the nose", pain="4")
    del data["redness"]
    response = client.post(day_url(treatment, 2), data)
    assert response.status_code == 200
    assert response.context["form"].errors == {"redness": ["Please choose one."]}
    assert "Itchy around the nose" in response.text
    assertContains(
        response,
        '<input type="radio" name="pain" value="4" class="btn-check" id="id_pain_4" '
        "required checked>",
        html=True,
    )
    assert not Entry.objects.exists()


def test_out_of_scale_values_are_refused(client, treatment):
    client.force_login(treatment.patient)
    response = client.post(
        day_url(treatment, 2), form_data(redness="7", warning_signs=["x"])
    )
    assert set(response.context["form"].errors) == {"redness", "warning_signs"}
    assert not Entry.objects.exists()


def test_a_file_that_is_not_a_photo_is_refused_and_the_answers_kept(
    client, treatment, media
):
    client.force_login(treatment.patient)
    pdf = upload(b"%PDF-1.4\n1 0 obj<<>>endobj\n", name="scan.jpg")
    response = client.post(day_url(treatment, 2), form_data(note="see photo", photos=[pdf]))
    errors = response.context["form"].errors["photos"]
    assert errors[0].startswith("“scan.jpg”: This file is not a photo we can use")
    assert "Your other answers are kept" in errors[1]
    assert "see photo" in response.text
    assert not Entry.objects.exists()
    assert not media.exists() or not any(media.rglob("*.jpg"))


def test_other_patients_treatments_are_not_found_and_nothing_is_written(
    client, treatment, other_patient
):
    client.force_login(other_patient)
    assert client.get(day_url(treatment, 1)).status_code == 404
    assert client.post(day_url(treatment, 1), form_data()).status_code == 404
    assert not Entry.objects.exists()


def test_clinic_staff_cannot_write_in_a_patients_diary(client, treatment, clinician):
    login(client, clinician)
    assert client.post(day_url(treatment, 1), form_data()).status_code == 404
    assert not Entry.objects.exists()


def test_an_unknown_treatment_is_not_found(client, patient):
    client.force_login(patient)
    assert client.get(reverse("diary:entry_day", args=[999999, 0])).status_code == 404


def test_the_entry_form_answers_only_get_and_post(client, treatment):
    client.force_login(treatment.patient)
    assert client.put(day_url(treatment, 1)).status_code == 405


def test_photos_are_saved_with_the_entry(client, treatment, media):
    from tests.images import phone_jpeg

    client.force_login(treatment.patient)
    client.post(day_url(treatment, 2), form_data(photos=[upload(phone_jpeg())]))
    photo = Photo.objects.get()
    assert (photo.entry.day, photo.view) == (2, "front")
    assert (media / photo.image.name).exists()
    assert (media / photo.thumbnail.name).exists()
    assert Photo.objects.filter(entry__treatment=treatment).count() == 1


def test_saves_per_patient_are_rate_limited_and_the_answers_are_kept(
    client, treatment, settings
):
    settings.ENTRY_SAVES_PER_WINDOW = 2
    client.force_login(treatment.patient)
    url = day_url(treatment, 1)
    answers = form_data(note="third try")
    assert client.post(url, answers).status_code == 302
    assert client.post(url, answers).status_code == 302
    response = client.post(url, answers)
    assert response.status_code == 429
    assert "Nothing was saved" in response.text
    assert "third try</textarea>" in response.text
    assert Entry.objects.get().note == "third try"  # from the first two saves
