import io
import os
import time

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadhandler import SkipFile
from django.core.management import call_command
from django.urls import reverse
from PIL import Image, ImageDraw

from diary.forms import EntryForm
from diary.models import Entry, Photo
from diary.photos import prepare_photo, quality_issues, redness_index
from diary.uploads import DroppedFile, PhotoSizeLimitUploadHandler
from tests.conftest import login
from tests.diary.test_entry_form import day_url, form_data
from tests.factories import record
from tests.images import image_bytes, png_header_only, swapped_primaries_icc, upload


def sharp_photo(color=(205, 160, 145), size=(480, 360)) -> bytes:
    """A well-lit, in-focus made-up photo: a checkerboard of skin tones."""
    image = Image.new("RGB", size, color)
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 24):
        for y in range(0, size[1], 24):
            if (x + y) // 24 % 2:
                draw.rectangle((x, y, x + 11, y + 11), fill=(170, 120, 110))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92)
    return buffer.getvalue()


def test_each_photo_gets_a_screen_size_and_a_thumbnail():
    prepared = prepare_photo(upload(image_bytes("JPEG", size=(4032, 3024))))
    sizes = [Image.open(io.BytesIO(b)).size for b in (prepared.screen, prepared.thumbnail)]
    assert sizes == [(1344, 1008), (320, 240)]
    assert (prepared.width, prepared.height) == (4032, 3024)
    small = prepare_photo(upload(image_bytes("JPEG", size=(1200, 900))))
    assert Image.open(io.BytesIO(small.screen)).size == (1200, 900)


def test_an_embedded_colour_profile_is_applied_then_dropped():
    raw = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(
        raw, "JPEG", quality=95, icc_profile=swapped_primaries_icc()
    )
    prepared = prepare_photo(upload(raw.getvalue()))
    image = Image.open(io.BytesIO(prepared.image))
    assert "icc_profile" not in image.info
    red, _green, blue = image.getpixel((20, 15))
    assert blue > 150 and red < 80  # the colour the profile meant, in sRGB


@pytest.mark.parametrize(
    ("image", "issues"),
    [
        (Image.open(io.BytesIO(sharp_photo())), ()),
        (Image.new("RGB", (400, 300), (20, 18, 16)), ("dark", "blurred")),
        (Image.open(io.BytesIO(sharp_photo(color=(252, 250, 250)))).point(
            lambda v: min(255, v + 90)), ("bright",)),
        (Image.open(io.BytesIO(sharp_photo())).resize((60, 45)).resize((400, 300)),
         ("blurred",)),
    ],
    ids=["good", "dark", "bright", "blurred"],
)  # fmt: skip
def test_the_quality_check_names_dark_bright_and_blurred_photos(image, issues):
    assert quality_issues(image) == issues


def test_a_redder_face_has_a_higher_redness_index():
    calm = redness_index(Image.new("RGB", (40, 40), (220, 180, 165)))
    red = redness_index(Image.new("RGB", (40, 40), (215, 120, 115)))
    assert red - calm > 10


def test_a_poor_photo_is_saved_with_a_friendly_warning(client, treatment):
    client.force_login(treatment.patient)
    dark = upload(
        image_bytes("JPEG", size=(400, 300), color=(15, 12, 10)), name="night.jpg"
    )
    response = client.post(day_url(treatment, 2), form_data(photos=[dark]), follow=True)
    photo = Photo.objects.get()
    assert photo.quality_issues == ["dark", "blurred"]
    assert "“night.jpg” looks too dark, blurred. It is saved" in response.text
    assert "Remove" in response.text


def test_a_photo_over_the_size_limit_is_refused_while_uploading(
    client, treatment, settings, media
):
    settings.PHOTO_MAX_BYTES = 2_000
    client.force_login(treatment.patient)
    big = upload(sharp_photo(), name="big.jpg")
    response = client.post(day_url(treatment, 2), form_data(note="keep me", photos=[big]))
    assert (
        response.context["form"].errors["photos"][0]
        == "“big.jpg” is larger than 2.0\xa0KB."
    )
    assert "keep me" in response.text
    assert not Entry.objects.exists()
    assert not any(media.rglob("*.jpg")) if media.exists() else True


def test_six_photos_are_saved_and_a_seventh_is_refused_with_the_answers_kept(
    client, treatment, media
):
    client.force_login(treatment.patient)
    seven = [upload(image_bytes("JPEG"), name=f"{n}.jpg") for n in range(7)]
    response = client.post(day_url(treatment, 2), form_data(note="keep me", photos=seven))
    assert response.context["form"].errors["photos"] == [
        "You chose 7 photos: one save takes at most 6. Choose up to 6 now and add the "
        "others in another save.",
        "Your other answers are kept: choose the photo again, or save without it.",
    ]
    assert "keep me" in response.text
    assert not Entry.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))
    six = [upload(image_bytes("JPEG"), name=f"{n}.jpg") for n in range(6)]
    response = client.post(day_url(treatment, 2), form_data(photos=six))
    assert response.status_code == 302
    assert Photo.objects.count() == 6


def test_the_form_says_the_limits_before_anything_is_chosen():
    assert EntryForm().fields["photos"].help_text == (
        "Same place, same light, no filter. JPEG, PNG, HEIC or WebP; up to 6 photos "
        "per save, 25.0\xa0MB each and 60.0\xa0MB together."
    )


def test_photos_past_the_total_for_one_save_stop_being_kept_while_uploading(
    client, treatment, settings, media
):
    settings.PHOTO_MAX_REQUEST_BYTES = 30_000
    photo = sharp_photo()
    assert 2 * len(photo) <= 30_000 < 3 * len(photo)  # two fit, a third does not
    client.force_login(treatment.patient)
    photos = [upload(photo, name=name) for name in ("a.jpg", "b.jpg", "c.jpg", "d.jpg")]
    response = client.post(day_url(treatment, 2), form_data(note="keep me", photos=photos))
    form = response.context["form"]
    assert [f.name for f in form.files.getlist("photos")] == ["a.jpg", "b.jpg"]
    assert form.errors["photos"] == [
        "“c.jpg”, “d.jpg” were not added: the photos of one save can add up to "
        "29.3\xa0KB at most. Save fewer photos at a time.",
        "Your other answers are kept: choose the photo again, or save without it.",
    ]
    assert "keep me" in response.text
    assert not Entry.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_a_photo_dropped_for_its_own_size_does_not_count_towards_the_total(
    client, treatment, settings
):
    settings.PHOTO_MAX_REQUEST_BYTES = 30_000
    settings.PHOTO_MAX_BYTES = 20_000
    small, big = sharp_photo(), sharp_photo(size=(960, 720))
    assert len(small) * 2 <= 30_000 and len(big) > 20_000
    client.force_login(treatment.patient)
    photos = [upload(small, "a.jpg"), upload(big, "big.jpg"), upload(small, "b.jpg")]
    response = client.post(day_url(treatment, 2), form_data(photos=photos))
    form = response.context["form"]
    assert [f.name for f in form.files.getlist("photos")] == ["a.jpg", "b.jpg"]
    assert form.errors["photos"] == [
        "“big.jpg” is larger than 19.5\xa0KB.",
        "Your other answers are kept: choose the photo again, or save without it.",
    ]


def test_the_upload_handler_stops_keeping_a_photo_at_the_chunk_that_passes_the_total(
    rf, settings
):
    settings.PHOTO_MAX_BYTES = 100
    settings.PHOTO_MAX_REQUEST_BYTES = 150
    request = rf.post("/")
    handler = PhotoSizeLimitUploadHandler(request)
    handler.new_file("photos", "a.jpg", "image/jpeg", None)
    assert handler.receive_data_chunk(b"a" * 80, 0) == b"a" * 80
    assert handler.file_complete(80) is None  # the next handler keeps the file
    handler.new_file("photos", "b.jpg", "image/jpeg", None)
    assert handler.receive_data_chunk(b"b" * 60, 0) == b"b" * 60
    with pytest.raises(SkipFile):
        handler.receive_data_chunk(b"b" * 20, 60)  # 80 kept + 80 received > 150
    assert request.photos_too_large == [DroppedFile("b.jpg", "request")]


def test_the_form_shows_the_last_photo_of_each_view_as_a_guide(client, treatment):
    record(treatment, 0, photos=[prepare_photo(upload(sharp_photo()))])
    client.force_login(treatment.patient)
    response = client.get(day_url(treatment, 2))
    (guide,) = response.context["guide_photos"]
    assert guide.entry.day == 0
    assert reverse("diary:photo_thumbnail", args=[guide.key]) in response.text
    assert 'capture="user"' in response.text


def test_a_patient_removes_a_photo_to_retake_it(
    client, treatment, media, django_capture_on_commit_callbacks
):
    record(treatment, 1, photos=[prepare_photo(upload(sharp_photo()))])
    photo = Photo.objects.get()
    client.force_login(treatment.patient)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("diary:photo_remove", args=[photo.key]), {"confirm": "1"}
        )
    assert response["Location"] == day_url(treatment, 1)
    assert not Photo.objects.exists()
    assert list(media.rglob("*.jpg")) == []


def test_nobody_else_can_remove_a_photo(client, treatment, other_patient, clinician):
    record(treatment, 1, photos=[prepare_photo(upload(sharp_photo()))])
    key = Photo.objects.get().key
    url = reverse("diary:photo_remove", args=[key])
    for user in (other_patient, clinician):
        login(client, user)
        assert client.post(url, {"confirm": "1"}).status_code == 404
        assert client.get(url).status_code == 404
    client.force_login(treatment.patient)
    assert client.put(url).status_code == 405
    assert Photo.objects.filter(key=key).exists()


def test_compare_pairs_day_0_with_the_latest_day_view_by_view(client, treatment, clinician):
    front = {"photo_view": "front"}
    record(treatment, 0, redness=3, photos=[prepare_photo(upload(sharp_photo()))])
    record(treatment, 2, redness=1,
           photos=[prepare_photo(upload(sharp_photo(color=(225, 150, 140))))])  # fmt: skip
    Photo.objects.update(view=front["photo_view"])
    for user in (treatment.patient, clinician):
        login(client, user)
        response = client.get(reverse("diary:compare", args=[treatment.pk]))
        assert (response.context["first"], response.context["second"]) == (0, 2)
        assert [e.day for e in response.context["entries"]] == [0, 2]
        (row,) = response.context["rows"]
        assert row["view"] == "Front"
        assert [c["photo"].entry.day for c in row["cells"]] == [0, 2]
    response = client.get(reverse("diary:compare", args=[treatment.pk]) + "?a=2&b=0")
    assert (response.context["first"], response.context["second"]) == (2, 0)


def test_the_redness_index_is_for_staff_only_and_labelled_indicative(
    client, treatment, clinician
):
    record(treatment, 0, photos=[prepare_photo(upload(sharp_photo()))])
    record(treatment, 2, photos=[prepare_photo(upload(sharp_photo(color=(225, 150, 140))))])
    url = reverse("diary:compare", args=[treatment.pk])
    login(client, clinician)
    response = client.get(url)
    first, later = response.context["rows"][0]["cells"]
    change = round(later["photo"].redness_index - first["photo"].redness_index, 1)
    assert later["redness_change"] == change == 10.3
    assert (
        f"Photo redness index +{change} against day 0 (indicative: light differs between "
        "photos)" in response.text
    )
    login(client, treatment.patient)
    response = client.get(url)
    assert [c["redness_change"] for c in response.context["rows"][0]["cells"]] == [
        None, None,
    ]  # fmt: skip
    assert "redness index" not in response.text.lower()
    assert "indicative" not in response.text


def test_compare_is_private(client, treatment, other_patient, other_clinician):
    url = reverse("diary:compare", args=[treatment.pk])
    for user in (other_patient, other_clinician):
        login(client, user)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_x_accel_serving_hands_the_file_to_the_web_server(client, treatment, settings):
    settings.PHOTO_SERVING = "x-accel"
    record(treatment, 1, photos=[prepare_photo(upload(sharp_photo()))])
    photo = Photo.objects.get()
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:photo_screen", args=[photo.key]))
    assert response["X-Accel-Redirect"] == f"/protected-photos/{photo.screen.name}"
    assert response.content == b""


def test_sweep_reports_and_deletes_only_old_unreferenced_files(treatment, media):
    record(treatment, 1, photos=[prepare_photo(upload(sharp_photo()))])
    kept = set(Photo.objects.get().file_names)
    default_storage.save("photos/left-behind.jpg", io.BytesIO(b"x"))
    default_storage.save("photos/just-written.jpg", io.BytesIO(b"x"))
    old = time.time() - 2 * 3600
    os.utime(media / "photos" / "left-behind.jpg", (old, old))

    report = io.StringIO()
    call_command("photos", "sweep", stdout=report)
    assert report.getvalue().splitlines() == [
        "orphan photos/left-behind.jpg",
        "Found 1 orphaned photo file(s).",
    ]
    assert default_storage.exists("photos/left-behind.jpg")

    call_command("photos", "sweep", "--delete", stdout=io.StringIO())
    assert not default_storage.exists("photos/left-behind.jpg")
    assert default_storage.exists("photos/just-written.jpg")
    assert all(default_storage.exists(name) for name in kept)


def test_sweep_with_no_grace_period_takes_fresh_orphans_too(treatment, media):
    default_storage.save("photos/stray.jpg", io.BytesIO(b"x"))
    report = io.StringIO()
    call_command("photos", "sweep", "--older-than-minutes", "0", stdout=report)
    assert "orphan photos/stray.jpg" in report.getvalue()


@pytest.mark.parametrize(
    ("content", "name", "error"),
    [
        (b"", "empty.jpg", "The submitted file is empty."),
        (b"%PDF-1.7\n%\xe2\xe3\n", "scan.pdf", "not a photo we can use"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "face.jpg",
         "not a photo we can use"),
        (b"%!PS-Adobe-3.0 EPSF-3.0\n", "face.eps", "not a photo we can use"),
        (image_bytes("GIF"), "face.gif", "not a photo we can use"),
        (image_bytes("TIFF"), "face.tif", "not a photo we can use"),
        (image_bytes("JPEG", size=(400, 300))[:700], "cut.jpg", "could not be read"),
        (png_header_only(30_000, 30_000), "bomb.png", "more than 60 megapixels"),
    ],
    ids=["empty", "pdf", "svg-renamed-jpg", "eps", "gif", "tiff", "truncated", "bomb"],
)  # fmt: skip
def test_each_bad_file_gets_a_form_error_and_leaves_nothing_behind(
    client, treatment, media, content, name, error
):
    client.force_login(treatment.patient)
    response = client.post(
        day_url(treatment, 2), form_data(note="kept", photos=[upload(content, name=name)])
    )
    assert response.status_code == 200
    assert error in " ".join(response.context["form"].errors["photos"])
    assert "kept" in response.text
    assert not Entry.objects.exists()
    assert not media.exists() or not any(media.rglob("*.*"))


def test_the_orphan_sweep_finds_nothing_on_an_install_without_photos(db, media):
    from datetime import timedelta

    from django.utils import timezone

    from diary.services import photo_orphans

    assert photo_orphans(older_than=timedelta(hours=1), now=timezone.now()) == []
