"""Photos in an S3-compatible object store, tested against a real S3 server (moto)
listening on loopback: real HTTP, real signatures, no mocked client."""

import urllib.request

import boto3
import pytest
from django.core.files.storage import storages
from django.urls import reverse
from moto.server import ThreadedMotoServer

from diary.models import Photo
from diary.photos import prepare_photo
from tests.factories import record
from tests.images import phone_jpeg, upload

BUCKET = "diary-photos"


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_storage(settings, s3_endpoint, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "test",
        "AWS_SECRET_ACCESS_KEY": "test",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    client = boto3.client("s3", endpoint_url=s3_endpoint, region_name="us-east-1")
    client.create_bucket(Bucket=BUCKET)
    settings.STORAGES = settings.STORAGES | {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": settings.S3_PHOTO_OPTIONS
            | {"bucket_name": BUCKET, "endpoint_url": s3_endpoint},
        }
    }
    settings.PHOTO_SERVING = "redirect"
    yield client
    for item in client.list_objects_v2(Bucket=BUCKET).get("Contents", []):
        client.delete_object(Bucket=BUCKET, Key=item["Key"])
    client.delete_bucket(Bucket=BUCKET)


def test_photos_are_stored_in_the_bucket_and_served_by_short_lived_signed_urls(
    client, treatment, s3_storage
):
    record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg()))])
    photo = Photo.objects.get()
    keys = {o["Key"] for o in s3_storage.list_objects_v2(Bucket=BUCKET)["Contents"]}
    assert keys == set(photo.file_names)

    client.force_login(treatment.patient)
    response = client.get(reverse("diary:photo_screen", args=[photo.key]))
    assert response.status_code == 302
    signed = response["Location"]
    assert f"/{BUCKET}/{photo.screen.name}?" in signed
    assert "X-Amz-Expires=300" in signed and "X-Amz-Signature=" in signed
    with urllib.request.urlopen(signed, timeout=10) as fetched:  # noqa: S310 (loopback)
        assert fetched.read()[:3] == b"\xff\xd8\xff"


def test_the_bucket_is_private_without_a_signature(treatment, s3_storage, s3_endpoint):
    record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg()))])
    name = Photo.objects.get().image.name
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_endpoint}/{BUCKET}/{name}", timeout=10)  # noqa: S310
    assert refused.value.code == 403


def test_a_failed_entry_leaves_no_object_in_the_bucket(treatment, s3_storage, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(Photo.objects, "create", fail)
    with pytest.raises(RuntimeError):
        record(treatment, 1, photos=[prepare_photo(upload(phone_jpeg()))])
    assert s3_storage.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


def test_the_storage_never_overwrites_a_same_named_file(s3_storage):
    from django.core.files.base import ContentFile

    storage = storages["default"]
    first = storage.save("photos/same.jpg", ContentFile(b"one"))
    second = storage.save("photos/same.jpg", ContentFile(b"two"))
    assert first == "photos/same.jpg"
    assert second != first
