from datetime import UTC, datetime, timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from clinic.models import Clinic, ClinicPatient, StaffMember, Treatment
from clinic.services import clinic_courses_install
from diary.services import EntryValues, entry_record


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"patient{n}@example.test")
    email = factory.SelfAttribute("username")
    first_name = "Pat"
    last_name = factory.Sequence(lambda n: f"Number{n}")
    password = factory.django.Password("correct horse battery")


class ClinicFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinic
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Clinic {n}")
    slug = factory.Sequence(lambda n: f"clinic-{n}")
    time_zone = "Asia/Tokyo"

    @factory.post_generation
    def courses(clinic, create, extracted, **kwargs):
        """Every clinic starts with the shipped courses, as a real one does."""
        if create:
            clinic_courses_install(clinic=clinic)


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember

    clinic = factory.SubFactory(ClinicFactory)
    user = factory.SubFactory(
        PatientFactory, username=factory.Sequence(lambda n: f"staff{n}@example.test")
    )
    role = StaffMember.Role.CLINICIAN


def clinic_record(clinic: Clinic, patient) -> ClinicPatient:
    """The clinic's record of `patient`, as the new-treatment form would make it."""
    record, _created = ClinicPatient.objects.get_or_create(
        clinic=clinic,
        email=patient.email.lower(),
        defaults={"name": patient.get_full_name() or patient.email},
    )
    return record


class TreatmentFactory(factory.django.DjangoModelFactory):
    """A treatment already in its patient's diary (accepted)."""

    class Meta:
        model = Treatment

    clinic = factory.SubFactory(ClinicFactory)
    patient = factory.SubFactory(PatientFactory)
    clinic_patient = factory.LazyAttribute(lambda o: clinic_record(o.clinic, o.patient))
    procedure = factory.LazyAttribute(lambda o: o.clinic.procedures.get(slug="velvet-skin"))
    course_version = factory.LazyAttribute(lambda o: o.procedure.current_course())
    performed_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=2))
    joined_at = factory.LazyFunction(timezone.now)


def record(treatment: Treatment, day: int, photos=(), **values):
    """Record an entry through the real service; values default to a quiet day."""
    fields = {"redness": 1, "bruising": 1, "peeling": 1, "pain": 1, "bleeding": False,
              "warning_signs": [], "note": ""} | values  # fmt: skip
    return entry_record(
        treatment=treatment,
        day=day,
        values=EntryValues(**fields),
        photos=photos,
        recorded_at=datetime.now(UTC),
    )
