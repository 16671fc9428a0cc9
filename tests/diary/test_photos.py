import io

import pytest
from django.core.files.storage import default_storage
from django.urls import reverse
from PIL import Image

from diary.models import Entry, Photo
from diary.photos import PhotoError, prepare_photo
from tests.conftest import login
from tests.diary.test_entry_form import day_url, form_data
from tests.factories import record
from tests.images import (
    image_bytes,
    jpeg_segments,
    phone_jpeg,
    photo_with_metadata,
    png_header_only,
    srgb_icc,
    swapped_primaries_icc,
    upload,
)


def test_a_phone_photo_comes_out_upright_without_any_metadata():
    prepared = prepare_photo(upload(phone_jpeg(size=(80, 60))))
    image = Image.open(io.BytesIO(prepared.image))
    assert image.format == "JPEG"
    assert (image.width, image.height) == (60, 80)  # orientation 6 applied: a portrait
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert b"PhoneMaker" not in prepared.image
    assert prepared.taken_at.isoformat() == "2026-11-22T09:15:00"
    thumbnail = Image.open(io.BytesIO(prepared.thumbnail))
    assert max(thumbnail.size) <= 320


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted_and_stored_as_jpeg(fmt):
    prepared = prepare_photo(upload(image_bytes(fmt), name=f"x.{fmt.lower()}"))
    assert Image.open(io.BytesIO(prepared.image)).format == "JPEG"


def test_an_iphone_heic_photo_is_accepted():
    import pillow_heif

    buffer = io.BytesIO()
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (200, 120, 110))).save(buffer)
    prepared = prepare_photo(upload(buffer.getvalue(), name="IMG_0001.HEIC"))
    assert (prepared.width, prepared.height) == (64, 48)


def test_a_png_with_a_script_appended_is_stored_as_a_clean_image():
    polyglot = image_bytes("PNG") + b"<script>alert(document.cookie)</script>"
    prepared = prepare_photo(upload(polyglot, name="x.png"))
    assert b"<script" not in prepared.image


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "not a photo we can use"),
        (b"%PDF-1.7\n", "not a photo we can use"),
        (b'<svg xmlns="http://www.w3.org/2000/svg"></svg>', "not a photo we can use"),
        (image_bytes("GIF"), "not a photo we can use"),
        (image_bytes("TIFF"), "not a photo we can use"),
        (image_bytes("JPEG", size=(400, 300))[:600], "could not be read"),
    ],
    ids=["empty", "pdf", "svg", "gif", "tiff", "truncated-jpeg"],
)
def test_files_that_are_not_usable_photos_are_refused(content, message):
    with pytest.raises(PhotoError, match=message):
        prepare_photo(upload(content))


@pytest.mark.parametrize(
    ("width", "height"),
    [(30_000, 30_000), (10_000, 6_100)],
    ids=["30000x30000-bomb", "61-megapixels"],
)
def test_too_many_pixels_are_refused_before_anything_is_decoded(width, height):
    with pytest.raises(PhotoError, match="more than 60 megapixels"):
        prepare_photo(upload(png_header_only(width, height), name="huge.png"))


def test_a_48_megapixel_photo_passes_the_pixel_limit():
    from diary.photos import MAX_PIXELS

    assert MAX_PIXELS >= 8064 * 6048


@pytest.mark.parametrize(
    ("size", "decoded", "stored"),
    [
        ((4032, 30), None, (4032, 30)),  # a 12 MP photo's width: as it is
        ((8064, 40), (4032, 20), (4032, 20)),  # 48 MP's: half scale, no resampling
        ((8944, 60), (4472, 30), (4096, 27)),  # 60 MP's: half scale, then resampled
        ((30000, 64), (3750, 8), (3750, 8)),  # a panorama: an eighth
    ],
    ids=["4032px", "8064px", "8944px", "30000px"],
)
def test_a_large_jpeg_is_decoded_at_a_reduced_scale_and_stored_at_most_4096_px(
    monkeypatch, size, decoded, stored
):
    from PIL.JpegImagePlugin import JpegImageFile

    drafted = []
    real_draft = JpegImageFile.draft

    def draft(image, mode, requested):
        result = real_draft(image, mode, requested)
        drafted.append(image.size)  # the size the decoder will produce
        return result

    monkeypatch.setattr(JpegImageFile, "draft", draft)
    prepared = prepare_photo(upload(image_bytes("JPEG", size=size)))
    assert drafted == ([decoded] if decoded else [])
    assert (prepared.width, prepared.height) == stored
    assert Image.open(io.BytesIO(prepared.image)).size == stored


def test_a_large_png_is_stored_at_4096_px():
    prepared = prepare_photo(upload(image_bytes("PNG", size=(5000, 20)), name="x.png"))
    assert (prepared.width, prepared.height) == (4096, 16)
    assert Image.open(io.BytesIO(prepared.image)).size == (4096, 16)


def test_a_large_phone_photo_is_still_turned_upright_and_measured_as_before():
    prepared = prepare_photo(upload(phone_jpeg(size=(8944, 60))))
    assert (prepared.width, prepared.height) == (27, 4096)
    assert Image.open(io.BytesIO(prepared.image)).size == (27, 4096)
    assert Image.open(io.BytesIO(prepared.screen)).size == (9, 1366)
    assert prepared.taken_at.isoformat() == "2026-11-22T09:15:00"
    small = prepare_photo(upload(phone_jpeg(size=(800, 600))))
    assert prepared.redness_index == small.redness_index == 26.0
    assert prepared.quality_issues == small.quality_issues == ("blurred",)


def test_the_photo_view_serves_the_owner_and_the_clinic_only(
    client, treatment, other_patient, clinician, other_clinician
):
    from diary.photos import prepare_photo as prepare

    record(treatment, 1, photos=[prepare(upload(phone_jpeg()))])
    photo = Photo.objects.get()
    urls = [
        reverse("diary:photo", args=[photo.key]),
        reverse("diary:photo_screen", args=[photo.key]),
        reverse("diary:photo_thumbnail", args=[photo.key]),
    ]
    for user, status in [
        (treatment.patient, 200),
        (clinician, 200),
        (other_patient, 404),
        (other_clinician, 404),
    ]:
        login(client, user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == status, (user, url)
            if status == 200:
                assert response["Content-Type"] == "image/jpeg"
                assert response["Cache-Control"] == "no-store, private"
                assert response["X-Content-Type-Options"] == "nosniff"
    client.logout()
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_photos_are_stored_under_random_names(treatment, media):
    record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg(), name="aiko-face.jpg"))])
    photo = Photo.objects.get()
    assert photo.file_names == [
        f"photos/{photo.key.hex}.jpg",
        f"photos/{photo.key.hex}-screen.jpg",
        f"photos/{photo.key.hex}-thumb.jpg",
    ]
    assert sorted(p.name for p in media.rglob("*.jpg")) == sorted(
        name.split("/")[1] for name in photo.file_names
    )


def test_a_failure_after_the_files_are_written_leaves_no_file_behind(
    treatment, media, monkeypatch
):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Photo.objects, "create", fail)
    with pytest.raises(RuntimeError):
        record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg()))])
    assert not Entry.objects.exists()
    assert list(media.rglob("*.jpg")) == []


def test_unknown_photo_keys_and_wrong_methods_are_refused(client, treatment):
    record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg()))])
    key = Photo.objects.get().key
    client.force_login(treatment.patient)
    assert client.post(reverse("diary:photo", args=[key])).status_code == 405
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(reverse("diary:photo", args=[unknown])).status_code == 404


# What Pillow writes for an RGB image and nothing else: no APP1 (EXIF, XMP), no APP2
# (ICC profile), no COM.
CLEAN_JPEG = ["SOI", "APP0", "DQT", "DQT", "SOF0", "DHT", "DHT", "DHT", "DHT", "SOS", "EOI"]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "HEIF"])
@pytest.mark.parametrize(
    ("icc", "colour"),
    [(srgb_icc, "red"), (swapped_primaries_icc, "blue")],
    ids=["srgb-profile-kept-as-is", "other-profile-converted"],
)
def test_no_metadata_reaches_any_of_the_three_stored_sizes(
    client, treatment, media, fmt, icc, colour
):
    client.force_login(treatment.patient)
    photo = upload(photo_with_metadata(fmt, icc()), name=f"aiko.{fmt.lower()}")
    response = client.post(day_url(treatment, 2), form_data(photos=[photo]))
    assert response.status_code == 302
    stored = Photo.objects.get()
    for name in stored.file_names:
        data = default_storage.open(name).read()
        segments = jpeg_segments(data)
        assert [marker for marker, _payload in segments] == CLEAN_JPEG, name
        assert segments[1][1][:5] == b"JFIF\x00"  # APP0 is the JFIF header, nothing else
        assert b"SECRET" not in data and b"swapped" not in data
        image = Image.open(io.BytesIO(data))
        assert image.info == {
            "jfif": 257, "jfif_version": (1, 1), "jfif_unit": 0, "jfif_density": (1, 1)
        }  # fmt: skip
        assert image.height > image.width  # orientation 6 applied
        red, _green, blue = image.getpixel((image.width // 2, image.height // 2))
        # (200, 30, 30) means red in sRGB and blue through the swapped primaries.
        assert (red > 150 and blue < 80) if colour == "red" else (blue > 150 and red < 80)
