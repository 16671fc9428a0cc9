import pytest
from django.core.cache import cache
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from clinic.access import clinics_of
from clinic.middleware import staff_session_refresh
from tests.factories import (
    ClinicFactory,
    PatientFactory,
    StaffFactory,
    TreatmentFactory,
)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.SECURE_SSL_REDIRECT = False  # the test client speaks plain HTTP
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media", "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Tasks run as soon as they are queued (after the commit, see `emails_sent`);
    # tests/test_tasks.py runs the database queue and its worker for real.
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}
    }
    # Each test process its own cache: the default's folder is shared by every process
    # (and every test run) on the machine.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    cache.clear()


@pytest.fixture
def emails_sent(django_capture_on_commit_callbacks):
    """`with emails_sent():` runs what the block queued for after its commit (the
    emails, say), as a real request would once it commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def task_queue(settings, monkeypatch):
    """The database task queue, as in production. Returns `run()`, which runs the
    real worker (`manage.py db_worker`'s) until no task is due, and returns how many
    tasks it ran."""
    from django_tasks_db.management.commands import db_worker
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    # The worker drops stale connections between tasks; the test's own transaction
    # is the one it must keep.
    monkeypatch.setattr(db_worker, "close_old_connections", lambda: None)

    def run() -> int:
        finished = DBTaskResult.objects.finished().count()
        db_worker.Worker(queue_names=["default"], interval=0, batch=True,
                         backend_name="default", startup_delay=False, max_tasks=None,
                         worker_id="test-worker", excluded_queue_names=[]).run()  # fmt: skip
        return DBTaskResult.objects.finished().count() - finished

    return run


@pytest.fixture
def media(settings):
    """The folder photos are written to, for asserting what is (not) on disk."""
    return settings.MEDIA_ROOT


@pytest.fixture
def clinic(db):
    return ClinicFactory(name="Smart Skin", time_zone="Asia/Tokyo", phone="+81 3 1111 2222")


@pytest.fixture
def patient(db):
    return PatientFactory(first_name="Aiko", last_name="Tanaka")


@pytest.fixture
def treatment(clinic, patient):
    return TreatmentFactory(clinic=clinic, patient=patient)


@pytest.fixture
def clinician(clinic):
    return StaffFactory(clinic=clinic).user


@pytest.fixture
def other_clinician(db):
    return StaffFactory(clinic=ClinicFactory(name="Elsewhere")).user


@pytest.fixture
def other_patient(clinic):
    return TreatmentFactory(clinic=clinic).patient


def login(client, user) -> None:
    """Sign `user` in as they would be after a complete login: staff (and a patient
    who turned it on) with their second factor verified, as django-otp records it in
    the session, and a staff session with its idle clock started. Staff get a
    confirmed authenticator device if they have none; other patients are simply
    signed in, as after their password."""
    client.force_login(user)
    staff = user.is_staff or user.is_superuser or bool(clinics_of(user))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None and not staff:
        return
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test phone", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    if staff:
        staff_session_refresh(session)
    session.save()
