"""The server's side of saves sent by the page's script (static/js/outbox.js): the
entry kept on the phone while offline comes back with its one-time key, and is stored
once, however many times it arrives."""

import json
import uuid

from django.urls import reverse

from diary.models import Entry, Photo, Submission
from tests.diary.test_entry_form import day_url, form_data
from tests.diary.test_submissions import drawn_key
from tests.images import image_bytes, upload

AS_SCRIPT = {"HTTP_ACCEPT": "application/json"}


def kept_on_the_phone(key: str, **changes) -> dict:
    """The answers as the script sends them again: its one-time key and a photo it made
    smaller (a JPEG of at most 2048 px)."""
    photo = upload(image_bytes(size=(2048, 1536)), name="cheek.jpg")
    return form_data(submission=key, photos=[photo], **changes)


def test_a_save_sent_by_the_script_is_answered_with_json_and_the_page_to_load(
    client, treatment, media
):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    response = client.post(day_url(treatment, 2), kept_on_the_phone(key), **AS_SCRIPT)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert json.loads(response.content) == {
        "saved": True,
        "location": day_url(treatment, 2),
    }
    assert response["Cache-Control"] == "no-store, private"
    # The page the script then loads shows the verdict and the thanks.
    page = client.get(day_url(treatment, 2))
    assert "Usual for day 2" in page.text
    assert [str(m) for m in page.context["messages"]] == [
        "Saved. Thank you!",
        "“cheek.jpg” looks blurred. It is saved; for a clearer comparison you can take "
        "another in good, even light and remove this one.",
    ]  # a flat test image has no edges


def test_an_entry_sent_again_with_an_already_used_key_is_stored_once(
    client, treatment, media
):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    # The first send arrived, but its answer was lost: the phone kept it and sends it
    # again when the connection returns, perhaps more than once.
    answers = [
        client.post(day_url(treatment, 2), kept_on_the_phone(key, note="n"), **AS_SCRIPT)
        for _ in range(3)
    ]
    assert [json.loads(a.content)["saved"] for a in answers] == [True, True, True]
    entry = Entry.objects.get()
    assert (entry.day, entry.note) == (2, "n")
    assert Photo.objects.count() == 1
    assert list(Submission.objects.values_list("key", flat=True)) == [uuid.UUID(key)]


def test_a_plain_post_with_the_same_key_as_a_kept_one_is_stored_once(client, treatment):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    client.post(day_url(treatment, 2), form_data(submission=key), **AS_SCRIPT)
    response = client.post(day_url(treatment, 2), form_data(submission=key, pain="5"))
    assert response.status_code == 302
    assert Entry.objects.get().pain == 2  # the first save stands


def test_answers_to_fix_come_back_as_the_page_with_its_form(client, treatment):
    client.force_login(treatment.patient)
    data = form_data(note="kept while offline")
    del data["redness"]
    response = client.post(day_url(treatment, 2), data, **AS_SCRIPT)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    html = response.text
    assert html.index("data-error-summary") < html.index('id="entry-form"')
    assert "kept while offline</textarea>" in html
    assert not Entry.objects.exists()


def test_a_save_from_a_phone_whose_session_ended_is_sent_to_log_in(client, treatment):
    response = client.post(day_url(treatment, 2), form_data(), **AS_SCRIPT)
    assert response.status_code == 302  # the script keeps the entry and asks to sign in
    assert response["Location"].startswith(reverse("login"))
    assert not Entry.objects.exists()


def test_the_form_is_marked_for_the_script_and_the_texts_are_in_the_page(client, treatment):
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    assert (
        f'<form id="entry-form" method="post" enctype="multipart/form-data" '
        f'action="{day_url(treatment, 2)}" novalidate data-entry-form>' in html
    )
    assert 'data-save-state=""' in html  # where the state is shown
    assert f'data-user="{treatment.patient.pk}"' in html
    assert (
        'data-text-sending="Saved on this phone, sending…"' in html
        and 'data-text-saved="Saved"' in html
    )


def test_staff_pages_do_not_load_the_offline_saves(client, clinician):
    from tests.conftest import login

    login(client, clinician)
    html = client.get(reverse("review:case_queue")).text
    assert "outbox.js" not in html
    assert "sw-register.js" in html


def test_a_send_whose_answer_was_lost_thanks_the_patient_once(client, treatment, media):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    for _ in range(2):  # the first answer never reached the phone
        client.post(day_url(treatment, 2), kept_on_the_phone(key), **AS_SCRIPT)
    page = client.get(day_url(treatment, 2))
    assert [str(m) for m in page.context["messages"]] == [
        "Saved. Thank you!",
        "“cheek.jpg” looks blurred. It is saved; for a clearer comparison you can take "
        "another in good, even light and remove this one.",
    ]
