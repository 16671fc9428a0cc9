"""Saves that happen once: the entry form's one-time key makes a double tap, or a
retry after a lost answer, record one entry and one set of photos."""

import re
import threading
import time
import uuid

import pytest
from django.db import transaction

from diary.models import Entry, Photo, Submission
from diary.photos import prepare_photo
from diary.services import EntryValues, entry_record
from tests.concurrency import postgres_only, two_at_once
from tests.diary.test_entry_form import day_url, form_data
from tests.factories import TreatmentFactory
from tests.images import image_bytes, upload


def files_in(media) -> list[str]:
    folder = media / "photos"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def drawn_key(response) -> str:
    (key,) = re.findall(r'<input type="hidden" name="submission" value="([0-9a-f-]+)"',
                        response.text)  # fmt: skip
    return key


def with_photo(key, **changes) -> dict:
    """The form's answers with a fresh copy of one photo (each post reads its own)."""
    photo = upload(image_bytes(size=(400, 300)), name="cheek.jpg")
    return form_data(submission=key, photos=[photo], **changes)


def test_each_drawing_of_the_form_carries_a_new_key(client, treatment):
    client.force_login(treatment.patient)
    first = drawn_key(client.get(day_url(treatment, 2)))
    second = drawn_key(client.get(day_url(treatment, 2)))
    assert uuid.UUID(first) != uuid.UUID(second)


def test_a_double_submit_stores_one_entry_and_one_set_of_photos(client, treatment, media):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    first = client.post(day_url(treatment, 2), with_photo(key), follow=True)
    second = client.post(day_url(treatment, 2), with_photo(key), follow=True)
    assert Entry.objects.count() == 1
    photo = Photo.objects.get()
    assert files_in(media) == sorted(name.split("/")[1] for name in photo.file_names)
    assert list(Submission.objects.values_list("key", "entry")) == [
        (uuid.UUID(key), Entry.objects.get().pk)
    ]
    # The same answer both times: the same page, the same thanks.
    assert first.redirect_chain == second.redirect_chain == [(day_url(treatment, 2), 302)]
    said = [str(m) for m in first.context["messages"]]
    assert said == [
        "Saved. Thank you!",
        "“cheek.jpg” looks blurred. It is saved; for a clearer comparison you can take "
        "another in good, even light and remove this one.",
    ]  # a flat test image has no edges
    assert [str(m) for m in second.context["messages"]] == said


def test_a_repeat_changes_nothing_that_the_first_save_stored(client, treatment, media):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    client.post(day_url(treatment, 2), with_photo(key, pain="3"))
    saved = Entry.objects.values().get()
    client.post(day_url(treatment, 2), with_photo(key, pain="3"))
    assert Entry.objects.values().get() == saved
    assert Photo.objects.count() == 1
    assert len(files_in(media)) == 3


def test_the_next_drawing_of_the_form_saves_again(client, treatment):
    client.force_login(treatment.patient)
    client.post(
        day_url(treatment, 2), with_photo(drawn_key(client.get(day_url(treatment, 2))))
    )
    page = client.get(day_url(treatment, 2))  # after the redirect: a new form, a new key
    client.post(day_url(treatment, 2), with_photo(drawn_key(page), pain="4"))
    assert (Entry.objects.get().pain, Photo.objects.count()) == (4, 2)


def test_a_form_with_errors_keeps_its_key_until_it_is_saved(client, treatment):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    refused = client.post(day_url(treatment, 2), form_data(submission=key, pain=""))
    assert refused.status_code == 200
    assert drawn_key(refused) == key
    client.post(day_url(treatment, 2), form_data(submission=key))
    assert Entry.objects.count() == 1


def test_a_key_saved_on_another_day_or_diary_is_not_taken_as_already_saved(
    client, treatment, other_patient
):
    client.force_login(treatment.patient)
    key = drawn_key(client.get(day_url(treatment, 2)))
    client.post(day_url(treatment, 2), form_data(submission=key))
    client.post(day_url(treatment, 1), form_data(submission=key, pain="3"))
    other = other_patient.treatments.get()
    client.force_login(other_patient)
    client.post(day_url(other, 2), form_data(submission=key, pain="4"))
    assert sorted(Entry.objects.values_list("treatment", "day", "pain")) == sorted(
        [(treatment.pk, 2, 2), (treatment.pk, 1, 3), (other.pk, 2, 4)]
    )
    # The key stays with the first save it made.
    assert list(Submission.objects.values_list("entry__treatment", "entry__day")) == [
        (treatment.pk, 2)
    ]


def test_a_form_without_a_key_saves_as_before(client, treatment):
    client.force_login(treatment.patient)
    client.post(day_url(treatment, 2), form_data())
    client.post(day_url(treatment, 2), form_data(pain="3"))
    assert Entry.objects.get().pain == 3
    assert not Submission.objects.exists()


def test_a_key_that_is_not_a_uuid_is_refused_and_nothing_is_saved(client, treatment):
    client.force_login(treatment.patient)
    response = client.post(day_url(treatment, 2), form_data(submission="not-a-key"))
    assert response.status_code == 200
    assert not Entry.objects.exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_identical_saves_at_once_store_one_entry_and_one_set_of_photos(clinic, media):
    postgres_only()
    treatment = TreatmentFactory(clinic=clinic)
    key = uuid.uuid4()
    values = EntryValues(redness=2, bruising=1, peeling=1, pain=2, bleeding=False,
                         warning_signs=[])  # fmt: skip
    photo = prepare_photo(upload(image_bytes(size=(400, 300))))
    first_locked = threading.Event()

    def save(*, hold: bool):
        with transaction.atomic():
            entry = entry_record(treatment=treatment, day=2, values=values, photos=[photo],
                                 recorded_at=treatment.performed_at, submission=key)  # fmt: skip
            if hold:
                first_locked.set()
                time.sleep(0.5)  # still uncommitted while the repeat arrives
        return entry.pk

    def repeat():
        first_locked.wait(timeout=10)
        return save(hold=False)

    results = two_at_once(lambda: save(hold=True), repeat)
    assert results["a"] == results["b"], results
    assert (Entry.objects.count(), Photo.objects.count()) == (1, 1)
    assert len(files_in(media)) == 3
