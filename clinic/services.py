"""Writes on the clinic's side that span several models."""

from datetime import datetime
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from clinic.languages import email_language
from clinic.models import (
    Clinic,
    ClinicPatient,
    CourseVersion,
    Procedure,
    StaffMember,
    Treatment,
)
from clinic.tasks import enqueue_after_commit, send_or_retry
from recovery.course import SHIPPED_COURSES, SHIPPED_NAMES, course_from_dict


class TreatmentError(ValueError):
    """The treatment cannot be created as asked; the message says why."""


# What each shipped course version says of itself (CourseVersion.note).
SHIPPED_NOTES = {
    ("velvet-skin", 1): gettext_noop(
        "Dermapen at about 0.5 mm with a massage peel; from the clinic article."
    ),
    ("dermapen", 1): gettext_noop("Microneedling alone; an editable starting course."),
}
VERSION_2_NOTE = gettext_noop(
    "Version 2 of the shipped course: one grade of headroom in the bands, the rebound "
    "rule and the pain alarm, bleeding expected through day 1, revised warning signs."
)
JOIN_SALT = "clinic.treatment-join"
JOIN_MAX_AGE = 30 * 24 * 3600  # a month to accept a treatment into one's diary


def clinic_courses_install(*, clinic: Clinic) -> None:
    """Copy the shipped course templates, every version, into `clinic` (those it does
    not have yet): the latest is in force for its new treatments."""
    with transaction.atomic():
        have = set(clinic.procedures.values_list("slug", flat=True))
        for slug, versions in SHIPPED_COURSES.items():
            if slug in have:
                continue
            procedure = Procedure.objects.create(
                clinic=clinic, name=SHIPPED_NAMES[slug], slug=slug
            )
            for number, definition in sorted(versions.items()):
                CourseVersion.objects.create(
                    procedure=procedure,
                    version=number,
                    definition=definition,
                    note=SHIPPED_NOTES.get((slug, number), VERSION_2_NOTE),
                )


MANAGERS_GROUP = "Clinic managers"
# What a manager may do in the admin: edit their clinic's procedures and courses (the
# admin shows them only their own clinics' records; see clinic.admin).
MANAGER_PERMISSIONS = ("view_procedure", "change_procedure", "view_courseversion")


def staff_member_add(*, clinic: Clinic, user, role: str) -> StaffMember:
    """Give `user` a role at `clinic`; a manager also gets the admin rights to edit
    the clinic's courses."""
    with transaction.atomic():
        member = StaffMember.objects.create(clinic=clinic, user=user, role=role)
        if role == StaffMember.Role.MANAGER:
            group, _created = Group.objects.get_or_create(name=MANAGERS_GROUP)
            group.permissions.set(
                Permission.objects.filter(
                    content_type__app_label="clinic", codename__in=MANAGER_PERMISSIONS
                )
            )
            user.groups.add(group)
            if not user.is_staff:
                user.is_staff = True
                user.save(update_fields=["is_staff"])
    return member


def treatment_create(
    *,
    clinic: Clinic,
    patient_name: str,
    patient_email: str,
    procedure: Procedure,
    performed_at: datetime,
    patient_phone: str = "",
    practitioner=None,
    needle_depth_mm: Decimal | None = None,
    anaesthesia: bool = False,
    notes: str = "",
    notify: bool = True,
) -> Treatment:
    """Create a treatment under the procedure's current course and email the patient
    (unless `notify` is off, for made-up demo data); return the treatment.

    The clinic's record of the patient (name, email, phone) is its own. For an email
    with no account, the account is created with the treatment and the patient is
    emailed an invitation to set a password. For an email that has an account -- a
    patient of this clinic or another, or staff -- the treatment stays pending and the
    address is emailed a link to accept it; the caller learns nothing either way.
    Raises TreatmentError if the procedure is not this clinic's.
    """
    if procedure.clinic_id != clinic.pk:
        raise TreatmentError(_("This procedure is not one of this clinic's."))
    user_model = get_user_model()
    email = user_model.objects.normalize_email(patient_email.strip()).lower()
    with transaction.atomic():
        record, _created = ClinicPatient.objects.update_or_create(
            clinic=clinic,
            email=email,
            defaults={"name": patient_name.strip()}
            | ({"phone": patient_phone.strip()} if patient_phone.strip() else {}),
        )
        account = user_model.objects.filter(email__iexact=email).first()
        created_account = account is None
        if created_account:
            first_name, _space, last_name = patient_name.strip().partition(" ")
            account = user_model(
                username=email, email=email, first_name=first_name, last_name=last_name
            )
            account.set_unusable_password()
            account.save()
        treatment = Treatment.objects.create(
            clinic=clinic,
            clinic_patient=record,
            patient=account if created_account else None,
            created_account=created_account,
            joined_at=timezone.now() if created_account else None,
            procedure=procedure,
            course_version=procedure.current_course(),
            performed_at=performed_at,
            practitioner=practitioner,
            needle_depth_mm=needle_depth_mm,
            anaesthesia=anaesthesia,
            notes=notes,
        )
        if not notify:
            pass
        elif created_account:
            enqueue_after_commit(invitation_email, treatment.pk)
        else:
            enqueue_after_commit(join_email, treatment.pk)
    return treatment


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _email_invitation(treatment_id: int, path: str) -> None:
    treatment = Treatment.objects.select_related("clinic", "clinic_patient").get(
        pk=treatment_id
    )
    with translation.override(email_language(clinic=treatment.clinic)):
        _send_invitation(treatment, path)


def _send_invitation(treatment: Treatment, path: str) -> None:
    send_mail(
        subject=_("%(clinic)s: your recovery diary") % {"clinic": treatment.clinic.name},
        message=_(
            "%(clinic)s has set up a recovery diary for your treatment. Open this link "
            "to choose a password (it works once, for 7 days):\n%(url)s"
        )
        % {"clinic": treatment.clinic.name, "url": _absolute(path)},
        from_email=None,
        recipient_list=[treatment.clinic_patient.email],
    )


def _email_join(treatment_id: int) -> None:
    treatment = Treatment.objects.select_related("clinic", "clinic_patient").get(
        pk=treatment_id
    )
    # To the account's owner, who may have chosen a language.
    language = email_language(clinic=treatment.clinic, email=treatment.clinic_patient.email)
    with translation.override(language):
        _send_join(treatment)


def _send_join(treatment: Treatment) -> None:
    send_mail(
        subject=_("%(clinic)s: a treatment for your recovery diary")
        % {"clinic": treatment.clinic.name},
        message=_(
            "%(clinic)s has added a treatment to the recovery diary of this email "
            "address. Sign in and accept it here:\n%(url)s\n\n"
            "If you do not know this clinic, ignore this email: nothing changes."
        )
        % {"clinic": treatment.clinic.name, "url": _absolute(join_path(treatment))},
        from_email=None,
        recipient_list=[treatment.clinic_patient.email],
    )


@task()
def invitation_email(treatment_id: int, attempt: int = 1) -> str:
    """Email a new patient the one-time link that sets their password; on a mail
    server's failure, try again later (clinic.tasks)."""
    return send_or_retry(invitation_email, _invitation_send, treatment_id,
                         attempt=attempt)  # fmt: skip


def _invitation_send(treatment_id: int) -> None:
    # The link is made here, not queued with the task: it sets a password, and the
    # queue's rows are kept (and backed up) long after the email has gone.
    treatment = Treatment.objects.filter(pk=treatment_id).select_related("patient").first()
    if treatment is not None and treatment.patient is not None:
        _email_invitation(treatment_id, invitation_path(treatment.patient))


@task()
def join_email(treatment_id: int, attempt: int = 1) -> str:
    """Email the owner of an existing account the link that accepts the treatment
    into their diary; on a mail server's failure, try again later."""
    return send_or_retry(join_email, _email_join, treatment_id, attempt=attempt)


def join_path(treatment: Treatment) -> str:
    """The emailed link with which the owner of the treatment's email accepts it."""
    token = signing.dumps(
        {"t": treatment.pk, "e": treatment.clinic_patient.email}, salt=JOIN_SALT
    )
    return reverse("clinic:treatment_join", args=[token])


def treatment_for_join(*, token: str, user) -> Treatment:
    """Return the pending treatment that `token` offers to `user`; raise
    Treatment.DoesNotExist if the link is bad, old, used, or for another email."""
    try:
        data = signing.loads(token, salt=JOIN_SALT, max_age=JOIN_MAX_AGE)
    except signing.BadSignature as error:
        raise Treatment.DoesNotExist from error
    if not user.email or data["e"] != user.email.lower():
        raise Treatment.DoesNotExist
    return Treatment.objects.select_related("clinic", "procedure").get(
        pk=data["t"], patient=None, clinic_patient__email=data["e"]
    )


def treatment_accept(*, treatment: Treatment, user) -> Treatment:
    """Add the pending treatment to `user`'s diary."""
    with transaction.atomic():
        updated = Treatment.objects.filter(pk=treatment.pk, patient=None).update(
            patient=user, joined_at=timezone.now()
        )
        if not updated:
            raise Treatment.DoesNotExist
    treatment.refresh_from_db()
    return treatment


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


def treatment_delete(*, treatment: Treatment) -> None:
    """Delete the treatment with all that hangs on it (entries, flags, photos, cases,
    day-14 answers) and, once that has committed, its photo files, which the rows'
    cascade would leave on disk. The diary is above this app, so the files are found
    through the reverse relations rather than its Photo model."""
    with transaction.atomic():
        rows = treatment.entries.values_list(
            "photos__image", "photos__screen", "photos__thumbnail"
        )
        names = [name for row in rows for name in row if name]
        treatment.delete()
        transaction.on_commit(partial(_files_delete, names))


def _files_delete(names: list[str]) -> None:
    for name in names:
        default_storage.delete(name)
