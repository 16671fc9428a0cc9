"""Writes on the clinic's side that span several models."""

from datetime import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from clinic.models import Clinic, CourseVersion, Procedure, StaffMember, Treatment
from recovery.course import course_from_dict


class TreatmentError(ValueError):
    """The treatment cannot be created as asked; the message says why."""


def treatment_create(
    *,
    clinic: Clinic,
    patient_name: str,
    patient_email: str,
    procedure: Procedure,
    performed_at: datetime,
    practitioner=None,
    needle_depth_mm: Decimal | None = None,
    anaesthesia: bool = False,
    notes: str = "",
) -> Treatment:
    """Create a treatment under the procedure's current course, and the patient's
    account if the email is new; return the treatment.

    Raises TreatmentError if the email belongs to a staff account: staff and patient
    accounts stay apart so a patient never sees a staff page.
    """
    user_model = get_user_model()
    email = user_model.objects.normalize_email(patient_email.strip()).lower()
    first_name, _space, last_name = patient_name.strip().partition(" ")
    with transaction.atomic():
        patient = user_model.objects.filter(email__iexact=email).first()
        if patient is None:
            patient = user_model(
                username=email, email=email, first_name=first_name, last_name=last_name
            )
            patient.set_unusable_password()
            patient.save()
        elif patient.is_staff or StaffMember.objects.filter(user=patient).exists():
            raise TreatmentError(_("This email belongs to a staff account."))
        return Treatment.objects.create(
            clinic=clinic,
            patient=patient,
            procedure=procedure,
            course_version=procedure.current_course(),
            performed_at=performed_at,
            practitioner=practitioner,
            needle_depth_mm=needle_depth_mm,
            anaesthesia=anaesthesia,
            notes=notes,
        )


def invitation_path(patient) -> str:
    """Return the path of a one-time link with which `patient` sets a password.

    It is a Django password-reset token: it stops working once the password is set
    (or after PASSWORD_RESET_TIMEOUT).
    """
    return reverse(
        "invitation",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(patient.pk)),
            "token": default_token_generator.make_token(patient),
        },
    )


def course_version_create(
    *, procedure: Procedure, definition: dict, created_by=None, note: str = ""
) -> CourseVersion:
    """Save `definition` as the procedure's next course version and return it.

    Raises recovery.course.CourseError if the definition is not a valid course.
    """
    with transaction.atomic():
        # Lock the procedure so two editors cannot both take the same number.
        Procedure.objects.select_for_update().get(pk=procedure.pk)
        latest = procedure.course_versions.aggregate(n=Max("version"))["n"] or 0
        course_from_dict(definition, procedure=procedure.name, version=latest + 1)
        return CourseVersion.objects.create(
            procedure=procedure,
            version=latest + 1,
            definition=definition,
            created_by=created_by,
            note=note,
        )
