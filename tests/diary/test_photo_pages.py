"""A photo opened inside the app, with the way back; Compare's overlay and the
patient's answers of both days in words."""

import re

from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format

from clinic.models import AuditEntry
from diary.models import Photo
from diary.photos import prepare_photo
from tests.conftest import login
from tests.factories import record
from tests.images import image_bytes, upload

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}
JA = {"HTTP_ACCEPT_LANGUAGE": "ja"}


def photo():
    return prepare_photo(upload(image_bytes("JPEG", size=(400, 300))))


def page_url(photo: Photo) -> str:
    return reverse("diary:photo_page", args=[photo.key])


def three_photos(treatment) -> list[Photo]:
    """Day 0 front, day 2 front and left; in the order the page steps through them."""
    record(treatment, 0, photos=[photo()])
    record(treatment, 2, photos=[photo(), photo()])
    photos = list(Photo.objects.order_by("entry__day", "uploaded_at", "id"))
    for each, view in zip(photos, ("front", "front", "left"), strict=True):
        each.view = view
        each.save()
    return photos


def test_the_photo_page_shows_the_screen_size_photo_its_day_and_the_way_back(
    client, treatment
):
    first, middle, last = three_photos(treatment)
    client.force_login(treatment.patient)
    response = client.get(page_url(middle), **EN)
    assert response.status_code == 200
    html = response.text
    assert "<title>Day 2, Front · Downtime Diary</title>" in html
    assert (
        f'src="{reverse("diary:photo_screen", args=[middle.key])}" width="400" height="300"'
        in html
    )
    assert (
        f'href="{reverse("diary:history", args=[treatment.pk])}">← Back to History</a>'
        in html
    )
    assert f'rel="prev" href="{page_url(first)}">← Earlier photo</a>' in html
    assert f'rel="next" href="{page_url(last)}">Later photo →</a>' in html
    with translation.override("en"):
        date = date_format(treatment.date_of_day(2))
    assert f'<p class="text-body-secondary small mb-2">{date}</p>' in html
    assert not AuditEntry.objects.exists()  # the patient's own photo


def test_the_first_and_last_photos_have_no_step_beyond(client, treatment):
    first, _middle, last = three_photos(treatment)
    client.force_login(treatment.patient)
    assert 'rel="prev"' not in client.get(page_url(first)).text
    assert 'rel="next"' not in client.get(page_url(last)).text


def test_the_photo_page_speaks_japanese(client, treatment):
    _first, middle, _last = three_photos(treatment)
    client.force_login(treatment.patient)
    html = client.get(page_url(middle), **JA).text
    assert '<h1 class="h4 mb-0">2日目・正面</h1>' in html
    assert "← 経過に戻る</a>" in html


def test_staff_open_the_photo_page_audited_and_go_back_to_the_treatment(
    client, treatment, clinician
):
    (one,) = [*three_photos(treatment)][:1]
    login(client, clinician)
    html = client.get(page_url(one), **EN).text
    assert (
        f'href="{reverse("clinic:treatment_detail", args=[treatment.pk])}">← Back to the '
        "diary</a>" in html
    )
    entry = AuditEntry.objects.get()
    assert (entry.actor, entry.action, entry.target) == (
        clinician, "view_photo", f"photo {one.key} (page)",
    )  # fmt: skip


def test_the_photo_page_is_the_same_404_for_everyone_else(
    client, treatment, other_patient, other_clinician
):
    (one, *_rest) = three_photos(treatment)
    for user in (other_patient, other_clinician):
        login(client, user)
        assert client.get(page_url(one)).status_code == 404
    client.logout()
    assert client.get(page_url(one)).status_code == 404
    client.force_login(treatment.patient)
    assert (
        client.get("/photos/00000000-0000-0000-0000-000000000000/view/").status_code == 404
    )
    assert client.post(page_url(one)).status_code == 405
    assert not AuditEntry.objects.exists()


def compare_two_days(client, treatment, user, language=EN) -> str:
    record(treatment, 0, redness=3, pain=5, photos=[photo()])
    record(treatment, 4, redness=1, pain=0, photos=[photo()])
    Photo.objects.update(view="front")
    login(client, user)
    return client.get(reverse("diary:compare", args=[treatment.pk]), **language).text


def test_compare_offers_an_overlay_with_a_slider_and_stays_side_by_side_without_js(
    client, treatment
):
    html = compare_two_days(client, treatment, treatment.patient)
    # Shown by compare.js only: the choice of mode and the slider.
    assert '<div class="compare-modes btn-group mb-3" role="group"' in html
    assert re.search(r'class="compare-modes[^"]*"[^>]* hidden>', html)
    assert 'data-mode="side" aria-pressed="true">Side by side</button>' in html
    assert 'data-mode="overlay" aria-pressed="false">Overlay</button>' in html
    assert '<div class="compare-pair can-overlay">' in html
    assert '<div class="compare-slider mt-2" hidden>' in html
    assert (
        '<label class="form-label small" for="overlay-1">Move the edge between the photos: '
        "day 0 on the left, day 4 on the right</label>" in html
    )
    assert (
        '<input class="form-range" type="range" id="overlay-1" min="0" max="100" '
        'value="50" data-overlay>' in html
    )
    assert html.count('<figure class="compare-cell mb-0">') == 2
    assert '<script src="/static/js/compare.js" defer></script>' in html
    assert "style=" not in html  # the CSP allows no style attribute


def test_a_view_with_a_photo_on_one_day_only_has_no_overlay(client, treatment):
    record(treatment, 0, photos=[photo()])
    record(treatment, 4, photos=[photo()])
    Photo.objects.filter(entry__day=0).update(view="front")
    Photo.objects.filter(entry__day=4).update(view="left")
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:compare", args=[treatment.pk])).text
    assert html.count('<div class="compare-pair">') == 2
    assert "can-overlay" not in html and "compare-slider" not in html


def test_compare_says_both_days_answers_in_words(client, treatment, clinician):
    html = compare_two_days(client, treatment, treatment.patient)
    assert "Your answers on day 0</h2>" in html
    assert "Your answers on day 4</h2>" in html
    assert "<li>Redness: red (moderate, 3 of 4)</li>" in html
    assert "<li>Redness: barely pink (slight, 1 of 4)</li>" in html
    assert "<li>Pain: no pain (0 of 10)</li>" in html
    login(client, clinician)
    staff = client.get(reverse("diary:compare", args=[treatment.pk]), **EN).text
    assert "The patient's answers on day 4</h2>" in staff
    ja = client.get(reverse("diary:compare", args=[treatment.pk]), **JA).text
    assert "<li>赤み：ほんのりピンク（ごく軽度、1/4）</li>" in ja
