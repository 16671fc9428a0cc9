"""How the outcomes page scales: 20,000 treatments and 200,000 entries.

Times the outcomes page for two cohorts (0.5 mm and 1.0 mm needle depth, each about
half the data) through Django's test client against the floor: one plain aggregate
query that reads every entry once (the highest redness per treatment), alternating,
in the same run. Last lines: `outcomes_ratio=<page / floor>` and
`outcomes_queries=<queries the page ran>`. Goal: a ratio of 5 or less.

Run: `make bench`, or `SECRET_KEY=x .venv/bin/python bench/outcomes.py` (about a
minute, in an in-memory SQLite database).
"""

import statistics
import time

import _setup  # noqa: F401 (first: sets up Django)
from _dataset import build, create_database
from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from diary.models import Entry
from tests.conftest import login

ROUNDS = 5
COHORTS = "?a-needle_depth_mm=0.5&b-needle_depth_mm=1.0"


def floor() -> None:
    list(Entry.objects.values("treatment").annotate(highest=Max("redness")).order_by())


def page(client: Client, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 200, response.status_code


def main() -> None:
    create_database()
    staff = build()
    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(
        DEBUG=False,
        ALLOWED_HOSTS=["testserver"],
        STORAGES=settings.STORAGES | {"staticfiles": plain_static},
    ):
        client = Client()
        login(client, staff["manager"])  # with the second factor, as staff sign in
        url = reverse("outcomes:outcomes") + COHORTS
        page(client, url)  # warm up
        page_times, floor_times = [], []
        for _round in range(ROUNDS):
            start = time.perf_counter()
            page(client, url)
            page_times.append(time.perf_counter() - start)
            start = time.perf_counter()
            floor()
            floor_times.append(time.perf_counter() - start)
        with CaptureQueriesContext(connection) as queries:
            page(client, url)
    page_s, floor_s = statistics.median(page_times), statistics.median(floor_times)
    print(f"outcomes page {page_s * 1000:.0f} ms, floor {floor_s * 1000:.0f} ms "
          f"(median of {ROUNDS})")  # fmt: skip
    print(f"outcomes_ratio={page_s / floor_s:.2f}")
    print(f"outcomes_queries={len(queries)}")


if __name__ == "__main__":
    main()
