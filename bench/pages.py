"""Pages per second, served as in production, against a hello-world view.

Serves the app with gunicorn (2 workers, deploy/gunicorn.conf.py, DEBUG off, static
files collected) on a free loopback port over a prepared database: the demo clinic
(`manage.py demo`: 4 patients in their downtime and 240 past treatments), in a
temporary SQLite file and, when PostgreSQL answers on 127.0.0.1:5432 (or
DATABASE_URL names one), in a database `bench_pages` made for the run and dropped
after it. Each page is loaded for a fixed time (BENCH_SECONDS, 5 s, after a warm-up
until each worker has answered it a few times) with 16 concurrent connections: by
wrk when it is installed (`make bench` installs Debian's package), otherwise by a
bounded Python client (threads, the same duration, at most 100,000 requests). The
floor is /bench/hello/, a view that returns "Hello, world" through the same
middleware, asked without a session (so session and user loads count against the
pages). The page's time is cut into five 1-second slices, with a slice of the floor
before, between and after them; each page slice is divided by the mean of the floor
slices beside it, and the page's share is the median of the five: on a shared
machine other work comes and goes faster than a 5-second run.

The pages, as the people who open them: Today, History, a chart (redness, SVG) and
a photo thumbnail as Chika (day 5, flagged); the review queue and Chika's case page
as her clinician; Outcomes with two cohorts (0.5 mm against 1.0 mm) as the manager.
Staff sessions have their second factor verified, as tests/conftest.py's login does.

Prints, per database, each page's requests per second and share, then, last, each
page's share (the lower of the two databases when both ran): `today_share=`,
`history_share=`, `queue_share=`, `case_share=`, `chart_share=`,
`thumbnail_share=`, `outcomes_share=`.

Run: `make bench`, or `.venv/bin/python bench/pages.py` (about 2 minutes per
database). BENCH_DATABASES=sqlite (or postgresql) runs one only.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse

from _server import Server, databases, report, run_per_database, site

PAGES = ("today", "history", "queue", "case", "chart", "thumbnail", "outcomes")
SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))  # per page, in ROUNDS slices
ROUNDS = 5
SLICE = SECONDS / ROUNDS
WARM_UP_SECONDS = 1.0
CONNECTIONS = 16
WORKERS = 2
MAX_REQUESTS = 100_000  # the Python client's bound per run
COHORTS = "?a-needle_depth_mm=0.5&b-needle_depth_mm=1.0"  # as bench/outcomes.py


def main() -> None:
    if sys.argv[1:2] == ["--database"]:
        report(measure(sys.argv[2]))
        return
    shares = {}
    for kind in databases():
        print(f"== {kind}", flush=True)
        result = run_per_database(__file__, kind)
        for page in PAGES:
            share = result["pages"][page]["share"]
            shares[page] = min(shares.get(page, share), share)
    for page in PAGES:
        print(f"{page}_share={shares[page]:.3f}")


def measure(kind: str) -> dict:
    with site(kind, "bench_pages") as (environment, folder):
        from django.db import connection

        started = time.perf_counter()
        targets = prepare()
        print(f"prepared the demo data, sessions and static files in "
              f"{time.perf_counter() - started:.0f} s", flush=True)  # fmt: skip
        connection.close()
        # No worker restarts after max_requests: production spreads one over 2,000
        # requests, here it would land inside one slice (a second of CPU to boot).
        server = Server(environment, folder / "gunicorn.log", workers=WORKERS,
                        options=["--max-requests", "0"])  # fmt: skip
        try:
            return load_all(server, targets, kind)
        finally:
            server.stop()


def prepare() -> dict[str, tuple[str, str]]:
    """Migrate, load the demo, collect static files and sign in: page -> (path,
    cookie)."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from diary.models import Photo
    from outcomes.demo import demo_load
    from review.models import ReviewCase
    from tests.conftest import login

    call_command("migrate", verbosity=0)
    demo_load(now=timezone.now())
    call_command("collectstatic", interactive=False, verbosity=0)
    users = get_user_model().objects

    def cookie(email: str) -> str:
        client = Client()
        login(client, users.get(email=email))
        return f"sessionid={client.cookies['sessionid'].value}"

    chika, clinician, manager = (
        cookie("chika@demo.test"),
        cookie("clinician@demo.test"),
        cookie("manager@demo.test"),
    )
    treatment = users.get(email="chika@demo.test").treatments.get()
    case = ReviewCase.objects.get(treatment=treatment)
    photo = Photo.objects.filter(entry__treatment=treatment).first()
    return {
        "today": (reverse("diary:today"), chika),
        "history": (reverse("diary:history", args=[treatment.pk]), chika),
        "queue": (reverse("review:case_queue"), clinician),
        "case": (reverse("review:case_detail", args=[case.pk]), clinician),
        "chart": (reverse("diary:chart", args=[treatment.pk, "redness"]), chika),
        "thumbnail": (reverse("diary:photo_thumbnail", args=[photo.key]), chika),
        "outcomes": (reverse("outcomes:outcomes") + COHORTS, manager),
    }


def load_all(server: Server, targets: dict, kind: str) -> dict:
    tool = "wrk" if shutil.which("wrk") else "a Python client"
    print(f"{kind}: gunicorn with {WORKERS} workers on port {server.port}; {CONNECTIONS} "
          f"connections, each page {ROUNDS} x {SLICE:g} s between {ROUNDS + 1} x "
          f"{SLICE:g} s of hello-world, by {tool}", flush=True)  # fmt: skip
    for page, (path, cookie) in targets.items():
        status, headers, body = server.get(path, cookie)
        if status != 200:
            raise RuntimeError(f"{page}: {path} answered {status}, not 200")
        print(f"  {page}: {path} ({headers.get('Content-Type')}, {len(body)} bytes)")
    hello = "/bench/hello/"
    signed_in = rate(server, hello, targets["today"][1], SECONDS)
    pages, hellos = {}, []
    warm_up(server, hello, "")
    for page, (path, cookie) in targets.items():
        warm_up(server, path, cookie)
        # Slices of the page between slices of hello-world: each slice is divided by
        # the mean of the two beside it, and the page's share is the median of those.
        # Other work on a shared machine comes and goes faster than a 5 s run.
        floor = [rate(server, hello, "", SLICE)]
        slices = []
        for _round in range(ROUNDS):
            slices.append(rate(server, path, cookie, SLICE))
            floor.append(rate(server, hello, "", SLICE))
        shares = [
            page_rate[0] / ((before[0] + after[0]) / 2)
            for page_rate, before, after in zip(slices, floor, floor[1:], strict=False)
        ]
        requests = sum(n for _rps, n, _cpu in slices)
        pages[page] = {
            "share": statistics.median(shares),
            "rps": statistics.median(r for r, _n, _cpu in slices),
            "requests": requests,
            # CPU per request, which other work on the machine hardly moves (but on
            # PostgreSQL the database server's own work is not in it).
            "cpu_ms": 1000 * sum(c for _r, _n, c in slices) / requests,
            "hello_cpu_ms": 1000
            * sum(c for _r, _n, c in floor)
            / sum(n for _r, n, _c in floor),
        }
        hellos += [r for r, _n, _cpu in floor]
    print(f"{kind}: hello-world {min(hellos):.0f} to {max(hellos):.0f} req/s "
          f"(median {statistics.median(hellos):.0f}); signed in (session, user and "
          f"device loaded) {signed_in[0]:.0f} req/s")  # fmt: skip
    for page in PAGES:
        result = pages[page]
        print(f"{kind}: {page:<9} {result['rps']:8.1f} req/s  share {result['share']:.3f}"
              f"  ({result['requests']} requests); worker CPU {result['cpu_ms']:.1f} ms "
              f"a request against hello-world's {result['hello_cpu_ms']:.2f} ms: "
              f"{result['hello_cpu_ms'] / result['cpu_ms']:.3f}")  # fmt: skip
    return {"signed_in_hello": signed_in[0], "hellos": hellos, "pages": pages}


def warm_up(server: Server, path: str, cookie: str) -> None:
    """Until each worker has answered the page a few times (imports, matplotlib,
    caches)."""
    for _attempt in range(10):
        if rate(server, path, cookie, WARM_UP_SECONDS)[1] >= 4 * WORKERS:
            return


def rate(
    server: Server, path: str, cookie: str, seconds: float
) -> tuple[float, int, float]:
    """(requests per second, requests, the workers' CPU seconds) for `path` over
    `seconds`; raises if any answer was not 200 or a connection failed."""
    url = f"http://127.0.0.1:{server.port}{path}"
    run = wrk if shutil.which("wrk") else python_client
    drain(server)
    before = server.worker_cpu()
    requests, failures, elapsed = run(url, cookie, seconds)
    after = server.worker_cpu()
    if failures or not requests:
        raise RuntimeError(f"{path}: {failures} of {requests} requests failed")
    cpu = sum(after[pid] - before[pid] for pid in after if pid in before)
    return requests / elapsed, requests, cpu


def drain(server: Server) -> None:
    """Wait for what the last run left queued: when the load tool stops, the requests
    waiting in the listen queue are still served (the workers read them, render the
    page, and find the client gone), and would slow the next slice. The queue is
    first in, first out: once one request per worker, twice over, has been answered,
    at most one leftover may still be finishing."""
    for _twice in range(2):
        probes = [
            threading.Thread(target=server.get, args=("/bench/hello/",))
            for _ in range(WORKERS)
        ]
        for probe in probes:
            probe.start()
        for probe in probes:
            probe.join()


def wrk(url: str, cookie: str, seconds: float) -> tuple[int, int, float]:
    command = ["wrk", "--threads", "2", "--connections", str(CONNECTIONS),
               "--duration", f"{max(1, round(seconds))}s", "--timeout", "30s"]  # fmt: skip
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run(  # noqa: S603 (our own command)
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    requests, elapsed, unit = re.search(
        r"(\d+) requests in ([\d.]+)(ms|s|m)\b", output
    ).groups()
    elapsed = float(elapsed) * {"ms": 0.001, "s": 1, "m": 60}[unit]
    failures = 0
    if match := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        failures += int(match.group(1))
    if match := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), "
                          r"timeout (\d+)", output):  # fmt: skip
        failures += sum(int(n) for n in match.groups())
    return int(requests), failures, elapsed


def python_client(url: str, cookie: str, seconds: float) -> tuple[int, int, float]:
    """CONNECTIONS threads asking for `url` one request after another until the time
    is up or MAX_REQUESTS have been sent. gunicorn's sync workers close each
    connection after answering, so each request opens its own (as with wrk)."""
    import http.client

    parts = urllib.parse.urlsplit(url)
    target = f"{parts.path}?{parts.query}" if parts.query else parts.path
    headers = {"Cookie": cookie} if cookie else {}
    lock = threading.Lock()
    counts = {"sent": 0, "ok": 0, "failed": 0}
    started = time.monotonic()
    deadline = started + seconds

    def client() -> None:
        while time.monotonic() < deadline:
            with lock:
                if counts["sent"] >= MAX_REQUESTS:
                    return
                counts["sent"] += 1
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            try:
                connection.request("GET", target, headers=headers)
                response = connection.getresponse()
                response.read()
                outcome = "ok" if response.status == 200 else "failed"
            except OSError:
                outcome = "failed"
            finally:
                connection.close()
            with lock:
                counts[outcome] += 1

    threads = [threading.Thread(target=client) for _ in range(CONNECTIONS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return counts["ok"] + counts["failed"], counts["failed"], time.monotonic() - started


if __name__ == "__main__":
    main()
