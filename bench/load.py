"""Twenty patients saving entries with photos, as in production: is every save stored
exactly once, also while gunicorn workers are being killed?

Serves the app as `make serve` does: gunicorn with deploy/gunicorn.conf.py (2 x
cores + 1 workers) and the task worker (`db_worker`) beside it, DEBUG off, over a
temporary SQLite file and, when PostgreSQL answers on 127.0.0.1:5432 (or
DATABASE_URL names one), a database `bench_load` made for the run and dropped
after it. Twenty patients of one clinic, each a thread signed in with its own
session, save one day after another: each opens the day's page, reads the entry
form as a browser does (the CSRF token, the one-time submission key, the fields'
values), and posts the day's usual scores with one or two photos (1600 x 1200 JPEGs,
1.9 MP, made with Pillow; phones send 12 MP, but twenty uploads of that size at once
would keep both cores of a 2-core machine decoding and leave nothing for the
clients). The save budget per patient (ENTRY_SAVES_PER_WINDOW) is lifted for the run.

First BENCH_LOAD_SECONDS (60) as is, then as long again with a gunicorn worker
killed (SIGKILL) every 15 s; the master starts a new one. A save whose request fails
(the connection dropped, or a 5xx) is sent again once, byte for byte: the same
submission key. A save is accepted when the answer is the redirect that follows a
save.

Afterwards, with the server stopped, every save is checked against the database and
the storage: lost, an accepted save whose entry, photo rows or photo files are not
all there; a duplicate, an entry holding more photos than its save sent; errors,
saves without an accepted answer after the retry, pages that would not open, and
photo files that no row names (`manage.py photos sweep --older-than-minutes 0`).

Prints, last: `orphan_files=`, then `load_errors=`, `load_lost=`,
`load_duplicates=` (over both phases and every database) and `saves_per_second=`
(accepted saves per second in the first phase; the lower of the two databases).

Run: `make bench`, or `.venv/bin/python bench/load.py` (about 3 minutes per
database). BENCH_DATABASES=sqlite (or postgresql) runs one only.
"""

import http.client
import io
import os
import random
import signal
import sys
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser

from _server import Server, databases, report, run_per_database, site

PATIENTS = 20
SECONDS = float(os.environ.get("BENCH_LOAD_SECONDS", "60"))
KILL_EVERY_SECONDS = 15
PHOTO_SIZE = (1600, 1200)
# The usual scores for days 0..9 (redness, bruising, peeling, pain); 0 from day 10.
USUAL = [(3, 1, 0, 5), (3, 2, 0, 2), (2, 2, 1, 1), (2, 2, 1, 1), (2, 1, 2, 0),
         (1, 1, 2, 0), (1, 1, 2, 0), (1, 0, 1, 0), (1, 0, 1, 0), (0, 0, 1, 0)]  # fmt: skip


def main() -> None:
    if sys.argv[1:2] == ["--database"]:
        report(measure(sys.argv[2]))
        return
    totals = {"errors": 0, "lost": 0, "duplicates": 0, "orphans": 0}
    rates = []
    for kind in databases():
        print(f"== {kind}", flush=True)
        result = run_per_database(__file__, kind)
        for key in totals:
            totals[key] += result[key]
        rates.append(result["saves_per_second"])
    print(f"orphan_files={totals['orphans']}")
    print(f"load_errors={totals['errors']}")
    print(f"load_lost={totals['lost']}")
    print(f"load_duplicates={totals['duplicates']}")
    print(f"saves_per_second={min(rates):.2f}")


@dataclass
class Patient:
    cookie: str
    treatment: int
    photos: list[bytes]
    next_day: int = 0


@dataclass
class Save:
    treatment: int
    day: int
    photos: int
    outcome: str  # "accepted", or what went wrong
    retried: bool = False


@dataclass
class Phase:
    saves: list[Save] = field(default_factory=list)
    failed_pages: Counter = field(default_factory=Counter)  # by what the page answered
    kills: int = 0
    seconds: float = 0.0

    @property
    def accepted(self) -> int:
        return sum(save.outcome == "accepted" for save in self.saves)


def measure(kind: str) -> dict:
    with site(kind, "bench_load") as (environment, folder):
        from django.core.management import get_commands
        from django.db import connection

        patients = prepare()
        connection.close()
        environment = environment | {
            "ENTRY_SAVES_PER_WINDOW": "1000000",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        worker = ["db_worker"] if "db_worker" in get_commands() else None
        server = Server(environment, folder / "server.log", workers=None, worker=worker)
        workers = len(server.worker_pids())
        print(f"{kind}: {PATIENTS} patients, {PHOTO_SIZE[0]}x{PHOTO_SIZE[1]} JPEGs (1 or "
              f"2 per save), gunicorn with {workers} workers"
              f"{' and the task worker' if worker else ' (no task worker found)'}",
              flush=True)  # fmt: skip
        try:
            steady = run_phase(server, patients, kill=False)
            report_phase(kind, "steady", steady)
            killed = run_phase(server, patients, kill=True)
            report_phase(kind, f"{killed.kills} workers killed", killed)
        finally:
            server.stop()
        if steady.failed_pages or killed.failed_pages:
            # What the server said about it (never bodies: the log holds paths only).
            log = (folder / "server.log").read_text(errors="replace").splitlines()
            for line in [n for n in log if "Error" in n or "WORKER" in n][:10]:
                print(f"  server: {line[:200]}")
        return check(kind, steady, killed)


def prepare() -> list[Patient]:
    """A clinic with twenty patients treated 400 days ago (days enough to save one
    after another), each signed in."""
    from datetime import timedelta
    from decimal import Decimal

    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from clinic.models import Clinic
    from clinic.services import clinic_courses_install, treatment_create
    from tests.conftest import login

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    clinic = Clinic.objects.create(name="Load Clinic", slug="load", time_zone="Asia/Tokyo")
    clinic_courses_install(clinic=clinic)
    procedure = clinic.procedures.get(slug="velvet-skin")
    patients = []
    for n in range(PATIENTS):
        treatment = treatment_create(
            clinic=clinic, patient_name=f"Load Patient {n}",
            patient_email=f"load{n}@bench.test", procedure=procedure,
            performed_at=timezone.now() - timedelta(days=400),
            needle_depth_mm=Decimal("0.50"), anaesthesia=True, notify=False,
        )  # fmt: skip
        client = Client()
        login(client, treatment.patient)
        cookie = f"sessionid={client.cookies['sessionid'].value}"
        patients.append(Patient(cookie, treatment.pk, [photo(n, k) for k in range(2)]))
    return patients


def photo(patient: int, number: int) -> bytes:
    """A cheek-coloured JPEG with sensor-like noise, so it weighs what a phone's does
    at this size (about 0.5 MB) and decodes as slowly."""
    from PIL import Image

    rng = random.Random(patient * 10 + number)
    tint = (200 + rng.randint(0, 40), 140 + rng.randint(0, 40), 120 + rng.randint(0, 40))
    noise = Image.effect_noise(PHOTO_SIZE, 30).convert("RGB")
    image = Image.blend(Image.new("RGB", PHOTO_SIZE, tint), noise, 0.15)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def run_phase(server: Server, patients: list[Patient], *, kill: bool) -> Phase:
    phase = Phase()
    lock = threading.Lock()
    started = time.monotonic()
    deadline = started + SECONDS
    stop_killing = threading.Event()

    def patient_saves(patient: Patient) -> None:
        while time.monotonic() < deadline:
            day = patient.next_day
            patient.next_day += 1
            save = save_day(server, patient, day)
            with lock:
                if isinstance(save, Save):
                    phase.saves.append(save)
                else:
                    phase.failed_pages[save] += 1

    def killer() -> None:
        while not stop_killing.wait(KILL_EVERY_SECONDS):
            pids = server.worker_pids()
            if pids:
                os.kill(random.choice(pids), signal.SIGKILL)
                phase.kills += 1

    threads = [threading.Thread(target=patient_saves, args=(p,)) for p in patients]
    if kill:
        killing = threading.Thread(target=killer)
        killing.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    phase.seconds = time.monotonic() - started
    if kill:
        stop_killing.set()
        killing.join()
    return phase


def save_day(server: Server, patient: Patient, day: int) -> Save | str:
    """Open the day's page, fill its entry form and post it (again once if the request
    failed); what the page answered if it would not open, even on a second try."""
    from django.urls import reverse

    path = reverse("diary:entry_day", args=[patient.treatment, day])
    for _attempt in range(2):
        page = request(server, "GET", path, {"Cookie": patient.cookie})
        if page[0] == 200:
            break
    else:
        return f"answered {page[0]}" if page[0] else "connection failed"
    status, headers, body = page
    fields = entry_form_fields(body.decode())
    csrf = cookie_value(headers, "csrftoken")
    redness, bruising, peeling, pain = USUAL[day] if day < len(USUAL) else (0, 0, 0, 0)
    values = {"redness": redness, "bruising": bruising, "peeling": peeling, "pain": pain,
              "bleeding": "no", "note": "", "photo_view": "front"}  # fmt: skip
    fields = [(n, v) for n, v in fields if n not in values and n != "warning_signs"]
    fields += [(name, str(value)) for name, value in values.items()]
    count = 1 + day % 2
    body, content_type = multipart(fields, patient.photos[:count])
    headers = {
        "Cookie": f"{patient.cookie}; csrftoken={csrf}",
        "Content-Type": content_type,
    }
    save = Save(patient.treatment, day, count, outcome="")
    for attempt in range(2):
        status, answer_headers, _answer = request(server, "POST", path, headers, body)
        if status == 302 and answer_headers.get("location") == path:
            save.outcome = "accepted"
            return save
        save.outcome = f"answered {status}" if status else "connection failed"
        if status and status < 500:
            return save  # refused: sending it again would not help
        save.retried = attempt == 0
    return save


def request(server: Server, method: str, path: str, headers: dict, body: bytes = b""):
    """(status, lower-cased headers, body); status 0 when the connection failed."""
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
    try:
        connection.request(method, path, body=body or None, headers=headers)
        response = connection.getresponse()
        answer = response.read()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, answer
    except (OSError, http.client.HTTPException):
        return 0, {}, b""
    finally:
        connection.close()


def cookie_value(headers: dict, name: str) -> str:
    for part in headers.get("set-cookie", "").replace(",", ";").split(";"):
        key, _, value = part.strip().partition("=")
        if key == name:
            return value
    raise RuntimeError(f"no {name} cookie was set")


class FormReader(HTMLParser):
    """The fields of each <form> on a page, as a browser would submit them (file
    inputs and buttons left out)."""

    def __init__(self):
        super().__init__()
        self.forms: list[list[tuple[str, str]]] = []
        self._select = None
        self._options: list[tuple[str, bool]] = []
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms:
            return
        elif tag == "input" and attrs.get("name"):
            kind = attrs.get("type", "text")
            if kind in ("file", "submit", "button", "image", "reset"):
                return
            if kind in ("radio", "checkbox") and "checked" not in attrs:
                return
            self.forms[-1].append((attrs["name"], attrs.get("value", "on")))
        elif tag == "select":
            self._select, self._options = attrs.get("name"), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self._textarea:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            chosen = [v for v, selected in self._options if selected] or [
                v for v, _ in self._options[:1]
            ]
            self.forms[-1] += [(self._select, value) for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea:
            self.forms[-1].append(tuple(self._textarea))
            self._textarea = None


def entry_form_fields(html: str) -> list[tuple[str, str]]:
    reader = FormReader()
    reader.feed(html)
    for fields in reader.forms:
        if any(name == "submission" for name, _ in fields):
            return fields
    raise RuntimeError("the page has no entry form with a submission key")


def multipart(fields: list[tuple[str, str]], photos: list[bytes]) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            f"{value}\r\n".encode()
        )
    for number, content in enumerate(photos):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="photos"; '
            f'filename="photo-{number}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def report_phase(kind: str, name: str, phase: Phase) -> None:
    failed = [save for save in phase.saves if save.outcome != "accepted"]
    retried = sum(save.retried for save in phase.saves)
    print(f"{kind}, {name}: {phase.accepted} saves accepted in {phase.seconds:.0f} s "
          f"({phase.accepted / phase.seconds:.2f}/s), {retried} sent again, "
          f"{len(failed)} failed, {phase.failed_pages.total()} pages would not open "
          f"{dict(phase.failed_pages) or ''}", flush=True)  # fmt: skip
    for save in failed[:5]:
        print(f"  day {save.day} of treatment {save.treatment}: {save.outcome}")


def check(kind: str, steady: Phase, killed: Phase) -> dict:
    """Every save against the database and the storage (the server stopped)."""
    from django.core.files.storage import default_storage
    from django.core.management import call_command
    from django.db.models import Count

    from diary.models import Entry, Photo

    saves = steady.saves + killed.saves
    stored = {
        (treatment, day): photos
        for treatment, day, photos in Entry.objects.annotate(n=Count("photos"))
        .values_list("treatment_id", "day", "n")
        .iterator()
    }
    missing_files = {
        (treatment, day)
        for treatment, day, *names in Photo.objects.values_list(
            "entry__treatment_id", "entry__day", "image", "screen", "thumbnail"
        ).iterator()
        if not all(default_storage.exists(name) for name in names)
    }
    lost = duplicates = 0
    for save in saves:
        photos = stored.get((save.treatment, save.day))
        key = (save.treatment, save.day)
        if save.outcome == "accepted" and (
            photos is None or photos < save.photos or key in missing_files
        ):
            lost += 1
        if photos is not None and photos > save.photos:
            duplicates += 1
    sweep = io.StringIO()
    call_command("photos", "sweep", "--older-than-minutes", "0", stdout=sweep)
    orphans = sum(line.startswith("orphan ") for line in sweep.getvalue().splitlines())
    failed = sum(save.outcome != "accepted" for save in saves)
    print(f"{kind}: {len(saves)} saves, {sum(stored.values())} photos stored: {lost} "
          f"lost, {duplicates} duplicated, {failed} failed, {orphans} orphan files",
          flush=True)  # fmt: skip
    return {
        "errors": failed
        + steady.failed_pages.total()
        + killed.failed_pages.total()
        + orphans,
        "lost": lost,
        "duplicates": duplicates,
        "orphans": orphans,
        "saves_per_second": steady.accepted / steady.seconds,
    }


if __name__ == "__main__":
    main()
