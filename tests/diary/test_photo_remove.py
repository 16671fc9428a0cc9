"""Removing a saved photo asks first: inline with JavaScript, on a page of its own
without; only a POST with confirm=1 removes it."""

import pytest
from django.urls import reverse

from diary.models import Photo
from diary.photos import prepare_photo
from tests.conftest import login
from tests.diary.test_entry_form import day_url
from tests.factories import record
from tests.images import image_bytes, upload


@pytest.fixture
def photo(treatment, media):
    record(treatment, 1, photos=[prepare_photo(upload(image_bytes(size=(400, 300))))])
    return Photo.objects.get()


def remove_url(photo) -> str:
    return reverse("diary:photo_remove", args=[photo.key])


def test_the_day_page_asks_inline_before_removing(client, treatment, photo):
    client.force_login(treatment.patient)
    html = client.get(day_url(treatment, 1)).text
    key = photo.key
    # Without JavaScript, Remove posts the photo's form without confirm=1...
    assert (
        f'<button class="btn btn-link btn-sm px-0 remove-ask" type="submit" '
        f'form="remove-{key}" data-remove-ask>Remove</button>' in html
    )
    # ...with it, this question shows instead, and "Yes" posts confirm=1.
    assert '<span class="remove-confirm" data-remove-confirm hidden>' in html
    assert (
        f'type="submit" form="remove-{key}" name="confirm" value="1" data-remove-yes>'
        "Yes, remove</button>" in html
    )
    assert f'<form id="remove-{key}" method="post" action="{remove_url(photo)}">' in html


def test_remove_without_confirming_shows_the_question_and_removes_nothing(
    client, treatment, photo, media
):
    client.force_login(treatment.patient)
    for response in (client.post(remove_url(photo)), client.get(remove_url(photo))):
        assert response.status_code == 200
        assert "Remove this photo?" in response.text
        assert 'name="confirm" value="1"' in response.text
        assert f'href="{day_url(treatment, 1)}">No, keep it</a>' in response.text
    assert Photo.objects.filter(pk=photo.pk).exists()
    assert len(list(media.rglob("*.jpg"))) == 3


def test_confirming_removes_the_photo_and_its_files(
    client, treatment, photo, media, django_capture_on_commit_callbacks
):
    client.force_login(treatment.patient)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(photo), {"confirm": "1"}, follow=True)
    assert response.redirect_chain == [(day_url(treatment, 1), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Photo removed."]
    assert not Photo.objects.exists()
    assert list(media.rglob("*.jpg")) == []


def test_nobody_else_is_asked_or_can_confirm(
    client, treatment, photo, other_patient, clinician
):
    for user in (other_patient, clinician):
        login(client, user)
        assert client.get(remove_url(photo)).status_code == 404
        assert client.post(remove_url(photo), {"confirm": "1"}).status_code == 404
    client.logout()
    response = client.post(remove_url(photo), {"confirm": "1"})
    assert response["Location"].startswith(reverse("login"))
    assert Photo.objects.filter(pk=photo.pk).exists()
