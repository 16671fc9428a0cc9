"""Demo data for `make run`: two clinics in Tokyo, their staff and patients.

Smart Skin's patients were treated 0, 2, 5 and 12 days ago; their entries follow the
usual course (version 2), except Chika's, whose redness comes back on day 5 and whose
pain rises again (an urgent case: the pain alarm). A second clinic, Aoyama Skin, has
its own clinician, manager and two patients, one of them with redness back on day 4
(a case for review), so the fence between clinics can be seen: neither clinic's
staff see anything of the other's.
"""

import hashlib
import io
import random
from datetime import datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from PIL import Image, ImageDraw, ImageFilter

from clinic.models import Clinic
from clinic.services import clinic_courses_install, staff_member_add, treatment_create
from clinic.two_factor import secret_base32, totp_enrol
from diary.models import DowntimeReport
from diary.photos import prepare_photo
from diary.services import EntryValues, entry_record
from review.models import ReviewCase
from review.services import case_resolve

DEMO_PASSWORD = "velvet-demo-2026"  # noqa: S105 (demo accounts on a local machine)
CLINIC_SLUG = "smart-skin-demo"
SECOND_CLINIC_SLUG = "aoyama-skin-demo"

PATIENTS = [
    # email, name, days since treatment, days left out of the diary
    ("aiko@demo.test", "Aiko Tanaka", 0, {0}),
    ("ben@demo.test", "Ben Carter", 2, {2}),
    ("chika@demo.test", "Chika Mori", 5, set()),
    ("daniel@demo.test", "Daniel Weber", 12, {7, 12}),
]
# Usual values for days 0..14: redness, bruising, peeling, pain.
USUAL = [
    (3, 1, 0, 5), (3, 2, 0, 2), (2, 2, 1, 1), (2, 2, 1, 1), (2, 1, 2, 0),
    (1, 1, 2, 0), (1, 1, 2, 0), (1, 0, 1, 0), (1, 0, 1, 0), (0, 0, 1, 0),
    (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0), (0, 0, 0, 0),
]  # fmt: skip
# Dermapen alone settles faster and peels less (expected-course.md).
DERMAPEN_USUAL = [
    (3, 1, 0, 4), (2, 1, 0, 1), (2, 1, 1, 0), (1, 1, 1, 0), (1, 0, 1, 0), (1, 0, 0, 0),
] + [(0, 0, 0, 0)] * 9  # fmt: skip
OUTCOMES = ["expected_variation"] * 6 + ["advised_home_care"] * 3 + ["asked_to_visit"]
SECOND_PATIENTS = [
    ("emi@demo.test", "Emi Kato", 1, set()),
    ("felix@demo.test", "Felix Braun", 4, {2}),
]


def demo_totp_secret(email: str) -> str:
    """The demo staff account's authenticator secret (hex), the same on every install
    so the README and `make run` can print it."""
    return hashlib.sha1(f"downtime-diary-demo:{email}".encode()).hexdigest()  # noqa: S324


def demo_logins() -> list[tuple[str, str, str, str]]:
    """(who, email, password, authenticator key or "") for every demo account."""
    staff = [
        ("clinician, Smart Skin", "clinician@demo.test"),
        ("manager, Smart Skin (also /admin/)", "manager@demo.test"),
        ("clinician, Aoyama Skin", "clinician2@demo.test"),
        ("manager, Aoyama Skin (also /admin/)", "manager2@demo.test"),
    ]
    staff = [
        (who, email, DEMO_PASSWORD, secret_base32(demo_totp_secret(email)))
        for who, email in staff
    ]
    patients = [
        (f"patient of {clinic}, day {days} after treatment", email, DEMO_PASSWORD, "")
        for clinic, listed in (("Smart Skin", PATIENTS), ("Aoyama Skin", SECOND_PATIENTS))
        for email, _name, days, _missed in listed
    ]
    return staff + patients


def demo_load(*, now: datetime) -> bool:
    """Create the demo clinic, staff, patients and entries; return False if they exist."""
    if Clinic.objects.filter(slug=CLINIC_SLUG).exists():
        return False
    with transaction.atomic():
        clinic, clinician = _clinic(
            "Smart Skin Clinic (demo)", CLINIC_SLUG, "+81 3-0000-0000", "on-call@demo.test",
            ("clinician@demo.test", "Dr Yui Sato"), ("manager@demo.test", "Kenji Ito"),
            PATIENTS, now,
        )  # fmt: skip
        _cohorts(clinic, clinician, now)
        second, _clinician2 = _clinic(
            "Aoyama Skin Clinic (demo)", SECOND_CLINIC_SLUG, "+81 3-0000-1111",
            "on-call@aoyama.demo.test", ("clinician2@demo.test", "Dr Haruto Abe"),
            ("manager2@demo.test", "Sakura Ono"), SECOND_PATIENTS, now,
        )  # fmt: skip
        # Made-up history: nobody needs to be emailed about it.
        ReviewCase.objects.filter(treatment__clinic__in=[clinic, second]).update(
            alert_pending=False
        )
    return True


def _clinic(name, slug, phone, on_call, clinician, manager, patients, now):
    """A demo clinic in Tokyo with its courses, a clinician, a manager and patients;
    return the clinic and its clinician."""
    clinic = Clinic.objects.create(
        name=name, slug=slug, time_zone="Asia/Tokyo", language="ja", phone=phone,
        on_call_email=on_call,
    )  # fmt: skip
    clinic_courses_install(clinic=clinic)
    doctor = _staff(clinic, *clinician, "clinician")
    _staff(clinic, *manager, "manager")
    velvet = clinic.procedures.get(slug="velvet-skin")
    for email, patient_name, days, missed in patients:
        _patient(clinic, velvet, doctor, email, patient_name, days, missed, now)
    return clinic, doctor


def _cohorts(clinic: Clinic, clinician, now: datetime) -> None:
    """240 past treatments for the Outcomes page: two procedures, two needle depths,
    three practitioners, missed days, slower healers and a few complications."""
    rng = random.Random("cohorts")  # noqa: S311 (repeatable made-up data)
    practitioners = [clinician] + [
        _staff(clinic, f"practitioner{n}@demo.test", name, "clinician")
        for n, name in ((2, "Dr Mei Lin"), (3, "Dr Ravi Shah"))
    ]
    procedures = list(clinic.procedures.filter(slug__in=["velvet-skin", "dermapen"]))
    for n in range(240):
        procedure = procedures[n % 2]
        depth = Decimal("0.50") if n % 4 < 2 else Decimal("1.00")
        performed = now - timedelta(days=rng.randint(15, 200), hours=rng.randint(0, 8))
        treatment = treatment_create(
            clinic=clinic, patient_name=f"Cohort Patient {n}",
            patient_email=f"cohort{n}@demo.test", procedure=procedure,
            performed_at=performed, practitioner=practitioners[n % 3],
            needle_depth_mm=depth, anaesthesia=n % 5 != 0, notify=False,
        )  # fmt: skip
        slow = (depth == Decimal("1.00")) + (procedure.slug == "velvet-skin")
        usual = USUAL if procedure.slug == "velvet-skin" else DERMAPEN_USUAL
        stops = rng.choice([8, 10, 11, 11, 12, 14])
        for day in range(stops):
            if rng.random() < 0.15:  # a missed day
                continue
            redness, bruising, peeling, pain = usual[min(day, 14)]
            if day >= 2 and rng.random() < 0.12 * slow:
                redness, bruising = min(4, redness + 1), min(4, bruising + 1)
            signs = ["pimples"] if n % 37 == 0 and day == 4 else []
            signs += ["fever"] if n % 61 == 0 and day == 3 else []
            entry_record(
                treatment=treatment, day=day,
                values=EntryValues(redness=redness, bruising=bruising, peeling=peeling,
                                   pain=pain, bleeding=day == 0, warning_signs=signs),
                recorded_at=min(now, performed + timedelta(days=day, hours=10)),
            )  # fmt: skip
        if rng.random() < 0.7:  # most answered the day-14 questions
            DowntimeReport.objects.create(
                treatment=treatment,
                back_to_work_day=rng.randint(1, 3) + slow,
                makeup_day=rng.randint(1, 2) + slow,
                satisfaction=min(
                    10, rng.randint(6, 10) + (procedure.slug == "velvet-skin")
                ),
            )
        for case in treatment.review_cases.all():  # the clinic reviewed its past cases
            case_resolve(case_id=case.pk, user=clinician, outcome=rng.choice(OUTCOMES))


def _staff(clinic: Clinic, email: str, name: str, role: str):
    first, _space, last = name.partition(" ")
    user = get_user_model().objects.create_user(
        username=email,
        email=email,
        password=DEMO_PASSWORD,
        first_name=first,
        last_name=last,
    )
    staff_member_add(clinic=clinic, user=user, role=role)
    # Staff sign in with a second factor: a fixed key, printed by `make run`.
    totp_enrol(user, secret_hex=demo_totp_secret(email))
    return user


def _patient(clinic, procedure, practitioner, email, name, days, missed, now):
    zone = clinic.zone
    local_day = (now.astimezone(zone) - timedelta(days=days)).date()
    performed_at = datetime.combine(local_day, time(10, 30), tzinfo=zone)
    if performed_at > now:  # before 10:30 in Tokyo: the day-0 treatment was at midnight
        performed_at = datetime.combine(local_day, time(0, 5), tzinfo=zone)
    treatment = treatment_create(
        clinic=clinic,
        patient_name=name,
        patient_email=email,
        procedure=procedure,
        performed_at=performed_at,
        practitioner=practitioner,
        needle_depth_mm=Decimal("0.50"),
        anaesthesia=True,
        notify=False,
    )
    treatment.patient.set_password(DEMO_PASSWORD)
    treatment.patient.save(update_fields=["password"])
    rng = random.Random(email)  # noqa: S311 (repeatable made-up dots, not security)
    for day in range(days + 1):
        if day in missed:
            continue
        redness, bruising, peeling, pain = USUAL[min(day, 14)]
        note = ""
        if email.startswith("chika") and day == 5:
            redness, pain, note = 4, 5, "It looks redder again today and hurts more."
        if email.startswith("felix") and day == 4:
            redness, note = 4, "Redder than yesterday."
        values = EntryValues(
            redness=redness,
            bruising=bruising,
            peeling=peeling,
            pain=pain,
            bleeding=day == 0,
            warning_signs=[],
            note=note,
        )
        photos = (
            [prepare_photo(_skin_photo(redness, bruising, rng))] if day % 2 == 0 else []
        )
        recorded = min(
            now, datetime.combine(local_day + timedelta(days=day), time(21), zone)
        )
        entry_record(
            treatment=treatment,
            day=day,
            values=values,
            photos=photos,
            photo_view="front",
            recorded_at=recorded,
        )


def _skin_photo(redness: int, bruising: int, rng: random.Random) -> io.BytesIO:
    """A made-up cheek: skin tone reddened by `redness`, with `bruising` dark dots,
    and pore-like texture so the quality check finds it in focus."""
    tint = (226 - 8 * redness, 188 - 22 * redness, 165 - 18 * redness)
    image = Image.new("RGB", (900, 1200), (236, 214, 200))
    draw = ImageDraw.Draw(image)
    draw.ellipse((120, 160, 780, 1060), fill=tint)
    for _dot in range(bruising * 40):
        x, y = rng.randint(220, 680), rng.randint(300, 920)
        r = rng.randint(4, 9)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(130, 40, 50))
    texture = Image.effect_noise(image.size, 24).convert("RGB")
    image = Image.blend(image, texture, 0.12).filter(ImageFilter.GaussianBlur(0.6))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=88)
    buffer.seek(0)
    return buffer
