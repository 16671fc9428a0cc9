"""How the review queue and the case page scale with a large clinic network.

Builds 50 clinics, 20,000 treatments and 200,000 entries (judged by the real course
rules, so the flags and cases are realistic), with one clinic holding 5 open cases
and another 500. Times the queue page and the case page through Django's test client
against a bare view that renders a page of the same size through the same middleware,
alternating, in the same run. Last lines: `queue_ratio=`, `case_ratio=`,
`queue_queries_5=` and `queue_queries_500=`. Goal: both ratios 3 or less and the two
query counts equal.

Run: `make bench`, or `SECRET_KEY=x .venv/bin/python bench/review_queue.py` (about
two minutes, in an in-memory SQLite database).
"""

import os
import statistics
import time

import _setup  # noqa: F401 (first: sets up Django)
from _dataset import build, create_database
from django.db import connection
from django.http import HttpResponse
from django.template import engines
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import path, reverse

from review.models import ReviewCase
from tests.conftest import login

ROUNDS = 40  # medians of 15 moved by 0.3 from run to run on a 2-core machine


def bare_view(request, size: int):
    """A page of `size` characters from the same base template: the floor."""
    template = engines["django"].from_string(
        '{% extends "base.html" %}{% block content %}{{ filler }}{% endblock %}'
    )
    return HttpResponse(template.render({"filler": "x" * size}, request))


urlpatterns = [path("bare/<int:size>/", bare_view)]


def timed(client: Client, url: str) -> float:
    start = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return time.perf_counter() - start


def ratio(client: Client, url: str) -> float:
    size = len(client.get(url).content)
    bare = f"/bare/{max(0, size - len(client.get('/bare/0/').content))}/"
    page_times, bare_times = [], []
    for _round in range(ROUNDS):
        page_times.append(timed(client, url))
        bare_times.append(timed(client, bare))
    page, floor = statistics.median(page_times), statistics.median(bare_times)
    print(f"{url}: {size} bytes, page {page * 1000:.1f} ms, bare {floor * 1000:.1f} ms")
    return page / floor


def profile(client: Client, url: str) -> None:
    """With BENCH_PROFILE=1: where a page's time goes (SQL, then the top functions)."""
    import cProfile
    import pstats

    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    print(
        f"  SQL: {sum(float(q['time']) for q in queries) * 1000:.1f} ms in {len(queries)} queries"
    )
    profiler = cProfile.Profile()
    profiler.runcall(client.get, url)
    pstats.Stats(profiler).sort_stats(
        os.environ.get("BENCH_SORT", "cumulative")
    ).print_stats(int(os.environ.get("BENCH_LINES", "25")))


def query_count(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def main() -> None:
    # Not setup_test_environment(): it instruments every template render so tests can
    # inspect contexts, a cost production never pays (and one that taxes each {% include %}).
    create_database()
    started = time.perf_counter()
    staff = build()
    print(f"build took {time.perf_counter() - started:.0f} s")
    import config.urls

    urlpatterns.extend(config.urls.urlpatterns)
    from django.conf import settings

    plain_static = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    storages = settings.STORAGES | {"staticfiles": plain_static}
    with override_settings(
        ROOT_URLCONF=__name__, DEBUG=False, STORAGES=storages, ALLOWED_HOSTS=["testserver"]
    ):
        client = Client()
        login(client, staff["five_hundred"])  # with the second factor
        if os.environ.get("BENCH_PROFILE"):
            target = os.environ.get("BENCH_PROFILE_URL") or reverse("review:case_queue")
            profile(client, target)
        queue_ratio = ratio(client, reverse("review:case_queue"))
        case = ReviewCase.objects.filter(
            treatment__clinic__staff__user=staff["five_hundred"]
        ).first()
        case_ratio = ratio(client, reverse("review:case_detail", args=[case.pk]))
        queries_500 = query_count(client, reverse("review:case_queue"))
        login(client, staff["five"])
        queries_5 = query_count(client, reverse("review:case_queue"))
        open_5 = ReviewCase.objects.filter(
            treatment__clinic__staff__user=staff["five"]
        ).count()
        open_500 = ReviewCase.objects.filter(
            treatment__clinic__staff__user=staff["five_hundred"]
        ).count()
        print(f"open cases: {open_5} and {open_500}")
    print(f"queue_ratio={queue_ratio:.2f}")
    print(f"case_ratio={case_ratio:.2f}")
    print(f"queue_queries_5={queries_5}")
    print(f"queue_queries_500={queries_500}")


if __name__ == "__main__":
    main()
