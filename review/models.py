"""Review cases: a treatment's flags waiting for, or given, a clinician's review."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, Level, Treatment


def case_is_overdue(
    *, status: str, level: str, opened_at, now, urgent_hours: int, review_hours: int
) -> bool:
    """An open case waiting longer than its clinic allows for its level."""
    if status != ReviewCase.Status.OPEN:
        return False
    limit = urgent_hours if level == Level.URGENT else review_hours
    return (now - opened_at).total_seconds() > limit * 3600


class ReviewCaseQuerySet(models.QuerySet):
    def in_clinics(self, clinics: list[int]) -> "ReviewCaseQuerySet":
        """The cases of these clinics (see clinic.access.staff_clinics)."""
        return self.filter(treatment__clinic__in=clinics)

    def in_queue_order(self) -> "ReviewCaseQuerySet":
        """Urgent first, then the furthest outside the expected band, then the oldest."""
        return self.order_by("-priority", "-worst_excess", "opened_at", "id")


class ReviewCase(models.Model):
    """One treatment's flags waiting for, or given, a clinician's review.

    New flags on a treatment join its case; a new flag on a resolved case reopens
    it. `priority`, `level` and `worst_excess` are kept from the case's flags so the
    queue sorts in the database.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        RESOLVED = "resolved", _("Resolved")

    class Outcome(models.TextChoices):
        EXPECTED_VARIATION = "expected_variation", _("Expected variation")
        ADVISED_HOME_CARE = "advised_home_care", _("Advised home care")
        ASKED_TO_VISIT = "asked_to_visit", _("Asked to visit")
        TREATED = "treated", _("Treated")
        REFERRED = "referred", _("Referred")
        # Not a clinician's choice: the case closed itself (see review.services).
        FLAGS_WITHDRAWN = "flags_withdrawn", _("Closed by itself: no flags left")

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="review_cases"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.REVIEW)
    priority = models.PositiveSmallIntegerField(default=1)  # 2 urgent, 1 review
    worst_excess = models.PositiveSmallIntegerField(default=0)
    opened_at = models.DateTimeField()
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    message_to_patient = models.TextField(blank=True)
    alert_pending = models.BooleanField(
        default=False,
        help_text=_("A new urgent entry whose on-call email has not gone out yet."),
    )

    objects = ReviewCaseQuerySet.as_manager()

    class Meta:
        db_table = "clinic_reviewcase"  # moved from clinic/ with its table (migration)
        constraints = [
            models.UniqueConstraint(
                fields=["treatment"],
                condition=~Q(status="resolved"),
                name="one_unresolved_case_per_treatment",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["open", "acknowledged", "resolved"]),
                name="case_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="resolved") | ~Q(outcome=""),
                name="resolved_case_has_outcome",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-priority", "-worst_excess", "opened_at"])
        ]

    def __str__(self) -> str:
        return f"Case {self.pk} ({self.get_status_display()}) for {self.treatment}"


class CaseEvent(models.Model):
    """Everything that happened on a case, in order; never edited."""

    class Kind(models.TextChoices):
        OPENED = "opened", _("Opened")
        FLAGGED = "flagged", _("New flags")
        REOPENED = "reopened", _("Reopened by a new flag")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        NOTE = "note", _("Internal note")
        CONTACTED = "contacted", _("Patient contacted")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed by itself")

    class Contact(models.TextChoices):
        PHONE = "phone", _("Phone call")
        MESSAGE = "message", _("Message")
        VISIT_BOOKED = "visit_booked", _("Visit booked")

    case = models.ForeignKey(ReviewCase, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    contact = models.CharField(max_length=20, choices=Contact.choices, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "clinic_caseevent"  # moved from clinic/ with its table (migration)
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on case {self.case_id}"


class ClinicDigest(models.Model):
    """A clinic's daily digest of open cases, queued for one date in the clinic's
    zone: the row that keeps the scheduler to one digest a day (review.services)."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="digests")
    date = models.DateField()
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "date"], name="one_digest_a_day")
        ]

    def __str__(self) -> str:
        return f"Digest of {self.clinic} for {self.date}"
