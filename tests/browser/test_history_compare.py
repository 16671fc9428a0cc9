"""History and Compare in Chromium: chart text of 12 px or more as the phone draws it,
a photo opened inside the app and the way back, Compare's overlay moved by its slider
under the CSP, and axe-core on each page, on a phone (Japanese) and a desktop."""

from datetime import timedelta

import pytest
from django.utils import timezone

from diary.charts import TEXT_PT
from diary.models import Photo
from diary.photos import prepare_photo
from tests.factories import ClinicFactory, PatientFactory, TreatmentFactory, record
from tests.images import image_bytes, upload


def _photo(color):
    return prepare_photo(upload(image_bytes("JPEG", size=(800, 600), color=color)))


@pytest.fixture
def diary(transactional_db):
    clinic = ClinicFactory(name="Smart Skin", time_zone="Asia/Tokyo")
    patient = PatientFactory()
    treatment = TreatmentFactory(
        clinic=clinic, patient=patient, performed_at=timezone.now() - timedelta(days=5)
    )
    record(treatment, 0, redness=3, pain=5, photos=[_photo((220, 120, 110))])
    record(treatment, 2, redness=4, pain=3)
    record(treatment, 4, redness=1, pain=0, photos=[_photo((220, 190, 170))])
    Photo.objects.update(view="front")
    return treatment


@pytest.mark.parametrize("device", ["phone", "desktop"])
def test_history_and_compare_in_the_browser(request, diary, device):
    session = request.getfixturevalue(device)
    problems = []
    session.page.on(
        "console", lambda m: problems.append(m.text) if m.type == "error" else None
    )
    session.sign_in(diary.patient.email, "correct horse battery")

    page = session.open(f"/treatments/{diary.pk}/history/")
    page.wait_for_load_state("networkidle")
    widths = page.eval_on_selector_all(
        "img.chart", "charts => charts.map(c => c.getBoundingClientRect().width)"
    )
    assert len(widths) == 4
    # The SVG is 288 pt wide; its smallest text is TEXT_PT. A 390 px phone shows the
    # chart 366 px wide: 12.7 px text.
    assert min(widths) * TEXT_PT / 288 >= 12
    days = page.locator("article.entry h3").all_inner_texts()
    assert days == (["4日目", "2日目", "0日目"] if device == "phone" else
                    ["Day 4", "Day 2", "Day 0"])  # fmt: skip
    session.look("history")

    page.locator(".thumbnails a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/view/")
    assert page.locator("figure.photo-page img").evaluate("i => i.naturalWidth") == 800
    session.look("photo")
    page.locator("a[href$='/history/'].btn").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/treatments/{diary.pk}/history/")

    page = session.open(f"/treatments/{diary.pk}/compare/")
    pair = page.locator(".compare-pair")
    assert page.locator(".compare-slider").is_hidden()
    page.locator("[data-mode=overlay]").click()
    page.locator("input[data-overlay]").fill("30")
    assert pair.evaluate("p => p.classList.contains('is-overlay')")
    second = page.locator(".compare-cell + .compare-cell img")
    assert second.evaluate("i => getComputedStyle(i).clipPath") == "inset(0px 0px 0px 30%)"
    session.look("compare-overlay")
    page.locator("[data-mode=side]").click()
    assert page.locator(".compare-slider").is_hidden()
    assert problems == []  # no script or style refused by the CSP
