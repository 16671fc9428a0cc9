"""The large data set the benchmarks share: 50 clinics, 20,000 treatments and 200,000
entries judged by the real course rules (so flags and cases are realistic), with
the diary summaries that saving each entry would have kept.

Clinic 0 holds 5 troubled treatments and clinic 1 holds 500 (open review cases);
needle depths alternate 0.5 / 1.0 mm so outcome cohorts split the data in half. A
manager works for every clinic.
"""

import atexit
import random
from datetime import timedelta
from decimal import Decimal

import _setup  # noqa: F401 (sets up Django before the models are imported)
from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from clinic.models import Clinic, ClinicPatient, StaffMember, Treatment
from clinic.services import clinic_courses_install
from diary.models import Entry, Flag
from diary.summaries import diary_summaries_refresh
from recovery.judge import Observation, judge
from review.models import ReviewCase

CLINICS, TREATMENTS, DAYS = 50, 20_000, 10  # 10 entries each: 200,000 entries
DEPTHS = (Decimal("0.50"), Decimal("1.00"))
rng = random.Random(2026)


def build() -> dict:
    """Create the data set; return the staff users of the 5- and 500-case clinics."""
    user_model = get_user_model()
    clinics = Clinic.objects.bulk_create(
        Clinic(name=f"Clinic {n}", slug=f"clinic-{n}", time_zone="Asia/Tokyo")
        for n in range(CLINICS)
    )
    for clinic in clinics:  # each clinic has its own copy of the shipped courses
        clinic_courses_install(clinic=clinic)
    velvets = {c.pk: c.procedures.get(slug="velvet-skin") for c in clinics}
    versions = {pk: procedure.current_course() for pk, procedure in velvets.items()}
    course = versions[clinics[0].pk].course  # the same course in every clinic
    staff = user_model.objects.bulk_create(
        user_model(username=f"staff{n}@bench.test", email=f"staff{n}@bench.test")
        for n in range(CLINICS)
    )
    StaffMember.objects.bulk_create(
        StaffMember(clinic=c, user=u) for c, u in zip(clinics, staff, strict=True)
    )
    manager = user_model.objects.create(username="manager@bench.test")
    StaffMember.objects.bulk_create(
        StaffMember(clinic=c, user=manager, role=StaffMember.Role.MANAGER) for c in clinics
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
    records = ClinicPatient.objects.bulk_create(
        ClinicPatient(clinic=clinics[owners[n]], name=f"P{n}", email=f"p{n}@bench.test")
        for n in range(TREATMENTS)
    )
    treatments = Treatment.objects.bulk_create(
        Treatment(clinic=clinics[owners[n]], clinic_patient=records[n],
                  patient=patients[n], joined_at=now,
                  procedure=velvets[clinics[owners[n]].pk],
                  course_version=versions[clinics[owners[n]].pk],
                  needle_depth_mm=DEPTHS[n % 2],
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
                    course_version_id=treatment.course_version_id,
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
             expected_upper=f.expected_upper,
             message=f.message, course_version_id=entry.course_version_id)
        for entry, verdict in zip(entries, verdicts, strict=True) for f in verdict.flags
    ]  # fmt: skip
    Flag.objects.bulk_create(flags, batch_size=5000)
    urgent = set(
        Flag.objects.filter(level="urgent").values_list("case_id", flat=True).distinct()
    )
    ReviewCase.objects.filter(pk__in=urgent).update(level="urgent", priority=2)
    diary_summaries_refresh(t.pk for t in treatments)
    if connection.vendor == "postgresql":
        # As autovacuum would have by the time a clinic has this much data: without
        # statistics the planner takes the fresh tables for empty ones.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"built: {len(entries)} entries, {len(flags)} flags, {len(cases)} cases")
    return {"five": staff[0], "five_hundred": staff[1], "manager": manager}


def create_database() -> None:
    """A test database with the migrations (and shipped courses) applied: in memory
    on SQLite; on PostgreSQL (DATABASE_URL), `test_<name>`, replacing one a stopped
    run left behind, and dropped again when the benchmark ends."""
    original_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    if connection.vendor != "sqlite":
        atexit.register(connection.creation.destroy_test_db, original_name, verbosity=0)
