"""Background tasks: every email leaves the request through the task queue, a failed
send is tried again later, and a mail server that never answers slows no save."""

import re
import socket
import threading
import time
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from clinic.services import invitation_email, treatment_create
from clinic.tasks import TASK_ATTEMPTS, backoff, enqueue_after_commit
from review.models import ClinicDigest, ReviewCase
from review.services import digests_enqueue
from tests.conftest import login
from tests.diary.test_entry_form import day_url, form_data
from tests.factories import ClinicFactory, record

MOMENT = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)  # 12:00 in Tokyo


def queued() -> list[tuple[str, list, dict, str]]:
    """The task queue's rows: (task, args, kwargs, status), oldest first (a retry
    queued in the same instant after the attempt before it)."""
    rows = sorted(
        DBTaskResult.objects.all(),
        key=lambda r: (r.enqueued_at, r.args_kwargs["kwargs"].get("attempt", 1)),
    )
    return [
        (row.task_path.rsplit(".", 1)[1], row.args_kwargs["args"],
         row.args_kwargs["kwargs"], row.status)
        for row in rows
    ]  # fmt: skip


class FailingOnce(EmailBackend):
    """The locmem backend, but its first send fails as a refused connection would."""

    failures = 1

    def send_messages(self, messages):
        if FailingOnce.failures:
            FailingOnce.failures -= 1
            raise ConnectionRefusedError("the mail server is down")
        return super().send_messages(messages)


class AlwaysFailing(EmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def silent_mail_server():
    """An SMTP server on 127.0.0.1 that accepts connections and never says a word.
    Yields its port."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    held, stop = [], threading.Event()

    def accept():
        while not stop.is_set():
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join()
    for connection in held:
        connection.close()
    listener.close()


@pytest.fixture
def urgent_setup(treatment, settings):
    settings.SITE_URL = "https://diary.example.org"
    treatment.clinic.on_call_email = "on-call@clinic.test"
    treatment.clinic.save()
    return treatment


def test_a_save_never_waits_for_a_mail_server_that_never_answers(
    client, urgent_setup, task_queue, silent_mail_server, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_mail_server
    settings.EMAIL_TIMEOUT = 30
    client.force_login(urgent_setup.patient)
    started = time.monotonic()
    response = client.post(day_url(urgent_setup, 2), form_data(warning_signs=["pus"]))
    took = time.monotonic() - started
    assert response.status_code == 302
    assert took < 3, f"the save took {took:.1f} s"  # the mail server would hold it 30 s
    case = ReviewCase.objects.get()
    assert queued() == [("urgent_alert", [case.pk], {}, "READY")]
    assert mail.outbox == []
    # The mail server comes back; the worker, not the request, sends the alert.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert task_queue() == 1
    (email,) = mail.outbox
    assert email.to == ["on-call@clinic.test"]
    assert f"https://diary.example.org/clinic/cases/{case.pk}/" in email.body
    assert queued() == [("urgent_alert", [case.pk], {}, "SUCCESSFUL")]
    assert ReviewCase.objects.get().alert_pending is False


def test_the_worker_gives_up_on_a_silent_mail_server_and_tries_again_later(
    urgent_setup, task_queue, silent_mail_server, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_mail_server
    settings.EMAIL_TIMEOUT = 0.5
    with time_machine.travel(MOMENT, tick=False):
        record(urgent_setup, 2, warning_signs=["pus"])
        assert task_queue() == 1
    case = ReviewCase.objects.get()
    assert queued() == [
        ("urgent_alert", [case.pk], {}, "SUCCESSFUL"),  # done: handed to attempt 2
        ("urgent_alert", [case.pk], {"attempt": 2}, "READY"),
    ]
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.run_after == MOMENT + timedelta(minutes=1)
    assert case.alert_pending is True


def test_a_failed_email_is_sent_by_the_next_attempt_a_minute_later(
    urgent_setup, task_queue, settings
):
    FailingOnce.failures = 1
    settings.EMAIL_BACKEND = "tests.test_tasks.FailingOnce"
    with time_machine.travel(MOMENT, tick=False):
        record(urgent_setup, 2, warning_signs=["pus"])
        assert task_queue() == 1
        assert mail.outbox == []
    with time_machine.travel(MOMENT + timedelta(seconds=59), tick=False):
        assert task_queue() == 0  # not yet
    with time_machine.travel(MOMENT + timedelta(seconds=60), tick=False):
        assert task_queue() == 1
    assert [m.to for m in mail.outbox] == [["on-call@clinic.test"]]
    assert ReviewCase.objects.get().alert_pending is False


def test_after_the_last_attempt_the_task_fails_and_stays_failed(
    treatment, task_queue, settings
):
    settings.EMAIL_BACKEND = "tests.test_tasks.AlwaysFailing"
    invitation_email.enqueue(treatment.pk, attempt=TASK_ATTEMPTS)
    assert task_queue() == 1
    ((name, _args, kwargs, status),) = queued()
    assert (name, kwargs, status) == ("invitation_email", {"attempt": 8}, "FAILED")
    row = DBTaskResult.objects.get()
    assert row.exception_class_path == "builtins.ConnectionRefusedError"


@pytest.mark.parametrize(
    ("attempt", "minutes"), [(1, 1), (2, 2), (3, 4), (6, 32), (7, 60), (8, 60)]
)
def test_each_wait_doubles_up_to_an_hour(attempt, minutes):
    assert backoff(attempt) == timedelta(minutes=minutes)


def test_the_eight_attempts_span_about_two_hours():
    assert TASK_ATTEMPTS == 8
    assert sum((backoff(a) for a in range(1, TASK_ATTEMPTS)), timedelta()) == timedelta(
        minutes=1 + 2 + 4 + 8 + 16 + 32 + 60
    )


def test_a_task_queued_in_a_transaction_that_rolls_back_never_runs(treatment, task_queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_after_commit(invitation_email, treatment.pk)
        raise RuntimeError("the save failed")
    assert queued() == []


def test_invitation_and_join_emails_go_out_through_the_queue(client, clinic, task_queue):
    procedure = clinic.procedures.get(slug="velvet-skin")
    new = treatment_create(clinic=clinic, patient_name="Mio Sato", patient_email="mio@example.test",
                           procedure=procedure, performed_at=MOMENT)  # fmt: skip
    other_clinic = ClinicFactory(name="Rival Skin")
    joined = treatment_create(clinic=other_clinic, patient_name="Mio Sato",
                              patient_email="mio@example.test",
                              procedure=other_clinic.procedures.get(slug="velvet-skin"),
                              performed_at=MOMENT)  # fmt: skip
    # Ids only: the password link is made when the email is sent, never kept queued.
    assert [(name, args) for name, args, _kw, _status in queued()] == [
        ("invitation_email", [new.pk]),
        ("join_email", [joined.pk]),
    ]
    assert mail.outbox == []
    assert task_queue() == 2
    assert [m.subject for m in mail.outbox] == [
        f"{clinic.name}: your recovery diary",
        "Rival Skin: a treatment for your recovery diary",
    ]
    assert [m.to for m in mail.outbox] == [["mio@example.test"], ["mio@example.test"]]
    link = re.search(r"http://\S+/invitation/\S+", mail.outbox[0].body).group()
    page = client.get(link.split("8000", 1)[1], follow=True)
    assert "Choose a password." in page.text  # the link works


def test_review_digest_queues_each_clinics_digest_and_the_worker_sends_it(
    urgent_setup, task_queue
):
    quiet = ClinicFactory(name="Quiet Skin")
    with time_machine.travel(MOMENT, tick=False):
        record(urgent_setup, 2, pain=6)  # a review case, open
        out = StringIO()
        call_command("review", "digest", stdout=out)
    assert out.getvalue().splitlines() == [
        f"{urgent_setup.clinic.slug}: digest queued",
        f"{quiet.slug}: digest queued",
    ]
    assert task_queue() == 3  # the urgent alert (pain 6 on day 2) and two digests
    assert [m.subject for m in mail.outbox] == [
        f"Urgent: a patient's diary needs review ({urgent_setup.clinic.name})",
        f"1 open review case(s) at {urgent_setup.clinic.name}",
    ]  # the quiet clinic has no on-call address and nothing open


def test_the_scheduler_queues_a_clinics_digest_once_a_day_at_digest_hour(
    clinic, task_queue, settings
):
    settings.DIGEST_HOUR = 8
    ClinicDigest.objects.all().delete()
    tokyo_7_59 = datetime(2026, 11, 25, 22, 59, tzinfo=UTC)  # 07:59 on the 26th
    assert digests_enqueue(now=tokyo_7_59) == []
    assert digests_enqueue(now=tokyo_7_59 + timedelta(minutes=1)) == [
        f"{clinic.slug}: digest queued"
    ]
    assert digests_enqueue(now=tokyo_7_59 + timedelta(hours=5)) == []
    assert digests_enqueue(now=tokyo_7_59 + timedelta(days=1, minutes=1)) == [
        f"{clinic.slug}: digest queued"
    ]
    assert list(ClinicDigest.objects.values_list("date", flat=True).order_by("date")) == [
        datetime(2026, 11, 26).date(),
        datetime(2026, 11, 27).date(),
    ]
    assert [name for name, *_rest in queued()] == ["digest_email", "digest_email"]


def test_a_failed_digest_leaves_the_urgent_alert_pending_for_the_next_one(
    urgent_setup, settings, emails_sent
):
    settings.EMAIL_BACKEND = "tests.test_tasks.AlwaysFailing"
    with emails_sent():
        record(urgent_setup, 2, warning_signs=["fever"])
    assert ReviewCase.objects.get().alert_pending is True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with emails_sent():
        call_command("review", "digest", stdout=StringIO())
    assert ReviewCase.objects.get().alert_pending is False
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Urgent",
        f"1 open review case(s) at {urgent_setup.clinic.name}",
    ]


def test_an_urgent_save_through_the_page_queues_its_alert_once_committed(
    client, urgent_setup, task_queue
):
    client.force_login(urgent_setup.patient)
    client.post(day_url(urgent_setup, 2), form_data(warning_signs=["fever"]))
    client.post(day_url(urgent_setup, 2), form_data(warning_signs=["fever"], note="still"))
    case = ReviewCase.objects.get()
    # The second save changed nothing urgent: one alert.
    assert queued() == [("urgent_alert", [case.pk], {}, "READY")]


def redis_answers() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture
def redis_queue(settings):
    """The Redis (rq) backend on the Redis at 127.0.0.1:6379, database 15, emptied
    before and after. Yields a function that runs an rq worker until the queue is
    empty, in this process (so it sees the test's database)."""
    if not redis_answers():
        pytest.skip("needs Redis on 127.0.0.1:6379 (the TASK_BACKEND=rq path)")
    import django_rq
    from django_tasks_rq import Job
    from rq import SimpleWorker

    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:6379/15"}}
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend"}}
    connection = django_rq.get_connection("default")
    connection.flushdb()

    def run() -> None:
        queue = django_rq.get_queue("default", job_class=Job)
        SimpleWorker([queue], connection=connection, job_class=Job).work(burst=True)

    yield run
    connection.flushdb()


def test_the_redis_queue_sends_the_urgent_alert_from_its_worker(
    urgent_setup, redis_queue, django_capture_on_commit_callbacks
):
    import django_rq

    with django_capture_on_commit_callbacks(execute=True):
        record(urgent_setup, 2, warning_signs=["pus"])
    assert mail.outbox == []
    assert django_rq.get_queue("default").count == 1
    redis_queue()
    (email,) = mail.outbox
    assert email.to == ["on-call@clinic.test"]
    assert ReviewCase.objects.get().alert_pending is False


def test_on_redis_a_failed_email_waits_in_rqs_schedule(
    urgent_setup, redis_queue, django_capture_on_commit_callbacks, settings
):
    import django_rq
    from rq.registry import ScheduledJobRegistry

    FailingOnce.failures = 1
    settings.EMAIL_BACKEND = "tests.test_tasks.FailingOnce"
    with django_capture_on_commit_callbacks(execute=True):
        record(urgent_setup, 2, warning_signs=["pus"])
    started = datetime.now(UTC)
    redis_queue()
    assert mail.outbox == []
    queue = django_rq.get_queue("default")
    registry = ScheduledJobRegistry(queue=queue)
    (job_id,) = registry.get_job_ids()
    job = queue.fetch_job(job_id)
    assert job.kwargs == {"attempt": 2}
    wait = registry.get_scheduled_time(job) - started
    assert timedelta(seconds=55) < wait < timedelta(seconds=65)


def test_a_reply_to_the_patient_goes_through_the_queue(
    client, treatment, clinician, task_queue
):
    record(treatment, 2, redness=4)
    case = ReviewCase.objects.get()
    login(client, clinician)
    client.post(reverse("review:case_action", args=[case.pk, "resolve"]),
                {"outcome": "advised_home_care", "message": "Keep it cool."})  # fmt: skip
    assert [(name, args) for name, args, _kw, _status in queued()] == [
        ("patient_notice", [treatment.pk, "clinic_reply"])
    ]
    assert task_queue() == 1
    (email,) = mail.outbox
    assert email.to == [treatment.patient.email]
    assert "Keep it cool" not in email.body


def test_without_settings_the_queue_is_the_database():
    # config.settings as loaded; the tests themselves use the immediate backend.
    from config import settings as config

    assert config.TASKS == {
        "default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}
    }
