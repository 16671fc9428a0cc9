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
import random
import statistics
import sys
import time
import warnings
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("SECRET_KEY", "benchmark-only")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

import django

django.setup()
warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic needed

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, override_settings  # noqa: E402
from django.urls import path, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from clinic.models import Clinic, Procedure, ReviewCase, StaffMember, Treatment  # noqa: E402
from diary.models import Entry, Flag  # noqa: E402
from recovery.judge import Observation, judge  # noqa: E402

CLINICS, TREATMENTS, DAYS = 50, 20_000, 10  # 10 entries each: 200,000 entries
ROUNDS = 15
rng = random.Random(2026)


def build() -> dict:
    """Create the data set; return the staff users of the 5- and 500-case clinics."""
    user_model = get_user_model()
    velvet = Procedure.objects.get(slug="velvet-skin")
    course_version = velvet.current_course()
    course = course_version.course
    clinics = Clinic.objects.bulk_create(
        Clinic(name=f"Clinic {n}", slug=f"clinic-{n}", time_zone="Asia/Tokyo")
        for n in range(CLINICS)
    )
    staff = user_model.objects.bulk_create(
        user_model(username=f"staff{n}@bench.test", email=f"staff{n}@bench.test")
        for n in range(CLINICS)
    )
    StaffMember.objects.bulk_create(
        StaffMember(clinic=c, user=u) for c, u in zip(clinics, staff, strict=True)
    )
    patients = user_model.objects.bulk_create(
        user_model(
            username=f"p{n}@bench.test", email=f"p{n}@bench.test", first_name=f"P{n}"
        )
        for n in range(TREATMENTS)
    )
    now = timezone.now()
    # Clinic 0 gets exactly 5 troubled treatments, clinic 1 gets 500; the rest mixed.
    owners = (
        [0] * 400 + [1] * 600 + [2 + n % (CLINICS - 2) for n in range(TREATMENTS - 1000)]
    )
    troubled = set(range(5)) | set(range(400, 900))
    treatments = Treatment.objects.bulk_create(
        Treatment(clinic=clinics[owners[n]], patient=patients[n], procedure=velvet,
                  course_version=course_version,
                  performed_at=now - timedelta(days=12, hours=rng.randint(0, 200)))
        for n in range(TREATMENTS)
    )  # fmt: skip
    entries, verdicts = [], []
    for n, treatment in enumerate(treatments):
        quiet = owners[n] in (0, 1) and n not in troubled
        earlier = []
        for day in range(DAYS):
            base = [
                (3, 1, 0, 5),
                (3, 2, 0, 2),
                (2, 2, 1, 1),
                (2, 2, 1, 1),
                (2, 1, 2, 0),
                (1, 1, 2, 0),
                (1, 1, 2, 0),
                (1, 0, 1, 0),
                (1, 0, 1, 0),
                (0, 0, 1, 0),
            ][day]
            values = list(base)
            if not quiet and rng.random() < (0.5 if n in troubled else 0.03):
                values[rng.randrange(4)] += rng.randint(1, 3)
            if n in troubled and day == 2:
                values[3] += 3  # every troubled treatment has at least one flag
            values = [min(v, 10 if i == 3 else 4) for i, v in enumerate(values)]
            signs = (
                frozenset({"fever"})
                if n in troubled and day == 5 and n % 7 == 0
                else frozenset()
            )
            observation = Observation(day, *values, warning_signs=signs)
            verdict = judge(observation, course=course, earlier=earlier)
            earlier.append(observation)
            entries.append(
                Entry(
                    treatment=treatment,
                    day=day,
                    redness=values[0],
                    bruising=values[1],
                    peeling=values[2],
                    pain=values[3],
                    warning_signs=sorted(signs),
                    status=verdict.status.value,
                    course_version=course_version,
                    recorded_at=now,
                )
            )
            verdicts.append(verdict)
    Entry.objects.bulk_create(entries, batch_size=5000)
    cases = {}
    for entry, verdict in zip(entries, verdicts, strict=True):
        if verdict.flags and entry.treatment_id not in cases:
            cases[entry.treatment_id] = ReviewCase(
                treatment_id=entry.treatment_id,
                opened_at=now - timedelta(hours=rng.randint(0, 60)),
            )
    ReviewCase.objects.bulk_create(cases.values(), batch_size=5000)
    flags = [
        Flag(entry=entry, case=cases[entry.treatment_id], symptom=f.symptom,
             level=f.level.value, rule=f.rule.value, observed=f.observed,
             expected_low=f.expected_low, expected_upper=f.expected_upper,
             message=f.message, course_version=course_version)
        for entry, verdict in zip(entries, verdicts, strict=True) for f in verdict.flags
    ]  # fmt: skip
    Flag.objects.bulk_create(flags, batch_size=5000)
    urgent = set(
        Flag.objects.filter(level="urgent").values_list("case_id", flat=True).distinct()
    )
    ReviewCase.objects.filter(pk__in=urgent).update(level="urgent", priority=2)
    print(f"built: {len(entries)} entries, {len(flags)} flags, {len(cases)} cases")
    return {"five": staff[0], "five_hundred": staff[1]}


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
    connection.creation.create_test_db(verbosity=0)
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
        client.force_login(staff["five_hundred"])
        if os.environ.get("BENCH_PROFILE"):
            target = os.environ.get("BENCH_PROFILE_URL") or reverse("clinic:case_queue")
            profile(client, target)
        queue_ratio = ratio(client, reverse("clinic:case_queue"))
        case = ReviewCase.objects.filter(
            treatment__clinic__staff__user=staff["five_hundred"]
        ).first()
        case_ratio = ratio(client, reverse("clinic:case_detail", args=[case.pk]))
        queries_500 = query_count(client, reverse("clinic:case_queue"))
        client.force_login(staff["five"])
        queries_5 = query_count(client, reverse("clinic:case_queue"))
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
