"""Review cases: flags joining a treatment's case, and the clinician's actions on it.

Every state change locks the case row (`select_for_update`) inside a transaction, so
two clinicians acting at once never both resolve a case or overwrite each other:
the second sees the first's change and gets a CaseError saying so.
"""

import logging
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_tasks import task

from clinic.access import clinics_of
from clinic.audit import audit_record
from clinic.languages import email_language
from clinic.models import AuditEntry, Clinic, Level, Treatment
from clinic.tasks import enqueue_after_commit, send_or_retry
from review.models import CaseEvent, ClinicDigest, ReviewCase

logger = logging.getLogger(__name__)
Status = ReviewCase.Status


class CaseError(ValueError):
    """The action does not fit the case's current state; the message says why."""


def case_for_new_flags(*, treatment: Treatment, now: datetime) -> ReviewCase:
    """Return the treatment's case that new flags join: its unresolved case, or its
    last case reopened, or a new one. Call inside the entry's transaction."""
    case = (
        ReviewCase.objects.select_for_update()
        .filter(treatment=treatment)
        .order_by("-opened_at", "-id")
        .first()
    )
    if case is None:
        case = ReviewCase.objects.create(treatment=treatment, opened_at=now)
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED)
    elif case.status == Status.RESOLVED:
        case.status, case.opened_at = Status.OPEN, now
        case.acknowledged_at = case.resolved_at = None
        case.outcome, case.message_to_patient = "", ""
        case.save()
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.REOPENED)
    else:
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.FLAGGED)
    return case


def case_refresh(case: ReviewCase, *, alert: bool = False) -> None:
    """Keep the case's level and sort keys in step with its flags (the diary's flags
    that point at it); with `alert`, a new urgent entry has joined it and the on-call
    address is emailed by a task that runs once the caller's transaction commits."""
    flags = list(case.flags.all())
    if not flags and case.status != Status.RESOLVED:
        _close_withdrawn(case)
        return
    urgent = any(f.level == Level.URGENT for f in flags)
    case.level = Level.URGENT if urgent else Level.REVIEW
    case.priority = 2 if urgent else 1
    case.worst_excess = max((f.excess for f in flags), default=0)
    case.alert_pending = case.alert_pending or (alert and urgent)
    case.save(update_fields=["level", "priority", "worst_excess", "alert_pending"])
    if alert and urgent:
        enqueue_after_commit(urgent_alert, case.pk)


@task()
def urgent_alert(case_id: int, attempt: int = 1) -> str:
    """Email the on-call address about the case's new urgent entry (`case_alert`),
    on a worker within a minute of the save; if the mail server fails, try again
    later (clinic.tasks); the digest resends whatever is still pending."""
    return send_or_retry(urgent_alert, case_alert, case_id, attempt=attempt)


@task()
def digest_email(clinic_id: int, attempt: int = 1) -> str:
    """Send one clinic its digest (`review_digest`); if the mail server fails, try
    again later. Urgent alerts already resent are not sent twice."""
    return send_or_retry(digest_email, _digest_send, clinic_id, attempt=attempt)


def _digest_send(clinic_id: int) -> None:
    for line in review_digest(clinics=Clinic.objects.filter(pk=clinic_id)):
        logger.info("Digest: %s", line)


def digests_enqueue(*, now: datetime, force: bool = False) -> list[str]:
    """Queue the daily digest of each clinic whose local time has passed DIGEST_HOUR
    today and whose digest for today is not queued yet (a ClinicDigest row, written
    in the same transaction, keeps it to one a day); with `force`, every clinic's,
    now. Return one line per clinic queued."""
    queued = []
    for clinic in Clinic.objects.order_by("pk"):
        local = now.astimezone(clinic.zone)
        if not force and local.hour < settings.DIGEST_HOUR:
            continue
        with transaction.atomic():
            _row, created = ClinicDigest.objects.get_or_create(
                clinic=clinic, date=local.date(), defaults={"queued_at": now}
            )
            if created or force:
                enqueue_after_commit(digest_email, clinic.pk)
                queued.append(f"{clinic.slug}: digest queued")
    return queued


def _close_withdrawn(case: ReviewCase, *, why: str = "") -> None:
    """A case whose flags have all gone (the patient corrected a day, or filled in a
    missed one and the later days were judged again) closes itself, saying why."""
    case.status, case.resolved_at = Status.RESOLVED, timezone.now()
    case.outcome = ReviewCase.Outcome.FLAGS_WITHDRAWN
    case.alert_pending = False
    case.save(update_fields=["status", "resolved_at", "outcome", "alert_pending"])
    CaseEvent.objects.create(
        case=case,
        kind=CaseEvent.Kind.CLOSED,
        text=why
        or gettext_noop(
            "No entry of this diary is flagged any more: the patient corrected or "
            "filled in a day, and every later day was judged again."
        ),
    )


def case_close_erased(case: ReviewCase) -> None:
    """Close a waiting case whose diary was deleted on the patient's request."""
    _close_withdrawn(
        case, why=gettext_noop("The patient's diary data were deleted on request.")
    )


def _locked(case_id: int, user) -> ReviewCase:
    return (
        ReviewCase.objects.in_clinics([clinic for clinic, _role in clinics_of(user)])
        .select_for_update()
        .select_related("treatment")
        .get(pk=case_id)
    )


def _audit(case: ReviewCase, user, what: str, address) -> None:
    audit_record(
        treatment=case.treatment,
        actor=user,
        action=AuditEntry.Action.REVIEW,
        target=f"case {case.pk}: {what}",
        address=address,
    )


def case_acknowledge(*, case_id: int, user, address=None) -> ReviewCase:
    """Mark an open case as being looked at; raise CaseError if it no longer is open."""
    with transaction.atomic():
        case = _locked(case_id, user)
        if case.status != Status.OPEN:
            raise CaseError(
                _("This case is already %(status)s.")
                % {"status": case.get_status_display().lower()}
            )
        case.status, case.acknowledged_at = Status.ACKNOWLEDGED, timezone.now()
        case.save(update_fields=["status", "acknowledged_at"])
        CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.ACKNOWLEDGED, actor=user)
        _audit(case, user, "acknowledged", address)
    return case


def case_note(
    *, case_id: int, user, text: str, contact: str = "", address=None
) -> CaseEvent:
    """Add an internal note, or with `contact` record how the patient was contacted."""
    with transaction.atomic():
        case = _locked(case_id, user)
        kind = CaseEvent.Kind.CONTACTED if contact else CaseEvent.Kind.NOTE
        event = CaseEvent.objects.create(
            case=case, kind=kind, actor=user, contact=contact, text=text
        )
        _audit(case, user, "contacted" if contact else "note", address)
    return event


def case_resolve(
    *, case_id: int, user, outcome: str, message: str = "", address=None
) -> ReviewCase:
    """Resolve the case with an outcome and an optional message to the patient; raise
    CaseError if it is resolved already (by someone else a moment ago, say)."""
    with transaction.atomic():
        case = _locked(case_id, user)
        if case.status == Status.RESOLVED:
            raise CaseError(_("This case has just been resolved by someone else."))
        case.status, case.resolved_at = Status.RESOLVED, timezone.now()
        case.outcome, case.message_to_patient = outcome, message
        case.save(update_fields=["status", "resolved_at", "outcome", "message_to_patient"])
        CaseEvent.objects.create(
            case=case,
            kind=CaseEvent.Kind.RESOLVED,
            actor=user,
            text=f"{case.get_outcome_display()}. {message}".strip(),
        )
        _audit(case, user, f"resolved: {outcome}", address)
    return case


def case_url(case: ReviewCase) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("review:case_detail", args=[case.pk])


def case_alert(case_id: int) -> bool:
    """Email the clinic's on-call address that the case has a new urgent entry: a
    link, no clinical detail. Return True once it is sent (or was already), False if
    the clinic has no on-call address. Raises OSError (SMTP errors are OSErrors) if
    the mail server fails; the case then stays pending, for a retry and the digest."""
    case = ReviewCase.objects.select_related("treatment__clinic").get(pk=case_id)
    if not case.alert_pending:  # already told (by an earlier send or the digest)
        return True
    clinic = case.treatment.clinic
    if not clinic.on_call_email:
        return False
    language = email_language(clinic=clinic, email=clinic.on_call_email)
    with translation.override(language):
        _send_alert(case, clinic)
    ReviewCase.objects.filter(pk=case_id).update(alert_pending=False)
    return True


def _send_alert(case: ReviewCase, clinic: Clinic) -> None:
    send_mail(
        subject=_("Urgent: a patient's diary needs review (%(clinic)s)")
        % {"clinic": clinic.name},
        message=_(
            "A patient reported an urgent warning sign or change. Open the case:\n%(url)s\n\n"
            "No clinical details are sent by email."
        )
        % {"url": case_url(case)},
        from_email=None,
        recipient_list=[clinic.on_call_email],
    )


def _alert_or_log(case_id: int) -> bool:
    try:
        return case_alert(case_id)
    except OSError:  # still pending: the next digest tries again
        logger.warning("Urgent alert for case %s failed again.", case_id)
        return False


def review_digest(*, clinics: Sequence[Clinic] | None = None) -> list[str]:
    """Retry unsent urgent notifications, then email each clinic a count of its open
    cases; return one line per clinic saying what was done."""
    report = []
    for clinic in clinics if clinics is not None else Clinic.objects.all():
        unsent = list(
            ReviewCase.objects.filter(
                treatment__clinic=clinic, alert_pending=True
            ).values_list("pk", flat=True)
        )
        retried = sum(_alert_or_log(pk) for pk in unsent)
        waiting = (
            ReviewCase.objects.filter(treatment__clinic=clinic)
            .exclude(status=Status.RESOLVED)
            .count()
        )
        if clinic.on_call_email and waiting:
            language = email_language(clinic=clinic, email=clinic.on_call_email)
            with translation.override(language):
                _send_digest(clinic, waiting)
        report.append(
            f"{clinic.slug}: {waiting} open, {retried}/{len(unsent)} urgent resent"
        )
    return report


def _send_digest(clinic: Clinic, waiting: int) -> None:
    send_mail(
        subject=_("%(n)d open review case(s) at %(clinic)s")
        % {"n": waiting, "clinic": clinic.name},
        message=_("Your review queue:\n%(url)s")
        % {"url": settings.SITE_URL.rstrip("/") + reverse("review:case_queue")},
        from_email=None,
        recipient_list=[clinic.on_call_email],
    )
