import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from clinic.models import CourseVersion, Level, Treatment
from recovery.judge import Observation
from recovery.scales import EMERGENCY_SIGNS, WARNING_SIGNS
from review.models import ReviewCase


def localized(translations: dict, part: str, otherwise: str) -> str:
    """`part` ("message" or "detail") of a flag's `translations` in the active
    language, or `otherwise` (the stored English) when it has none."""
    return translations.get(get_language() or "", {}).get(part) or otherwise


FLAG_LEVELS = [(value, label) for value, label in Level.choices if value != Level.NORMAL]


class EntryQuerySet(models.QuerySet):
    def with_details(self) -> "EntryQuerySet":
        """Entries with their flags (most urgent first) and photos: three queries in all."""
        return self.prefetch_related(
            models.Prefetch(
                "flags",
                queryset=Flag.objects.select_related("case").order_by("-level", "id"),
            ),
            models.Prefetch("photos", queryset=Photo.objects.order_by("uploaded_at", "id")),
        )


class Entry(models.Model):
    """What a patient logged for one day after one treatment.

    `day` is the day the entry describes (0 = the treatment's day); `recorded_at` is
    when it was last saved, which may be later when a missed day is filled in.
    """

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="entries"
    )
    day = models.PositiveSmallIntegerField(_("day after treatment"))
    redness = models.PositiveSmallIntegerField(_("redness"))
    bruising = models.PositiveSmallIntegerField(_("bruising"))
    peeling = models.PositiveSmallIntegerField(_("peeling"))
    pain = models.PositiveSmallIntegerField(_("pain"))
    bleeding = models.BooleanField(_("bleeding or oozing"), default=False)
    warning_signs = models.JSONField(_("warning signs"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(max_length=10, choices=Level.choices, default=Level.NORMAL)
    course_version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT)
    created_at = models.DateTimeField(auto_now_add=True)
    recorded_at = models.DateTimeField(_("recorded at"))

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["treatment", "day"]
        verbose_name_plural = _("entries")
        constraints = [
            models.UniqueConstraint(fields=["treatment", "day"], name="one_entry_per_day"),
            models.CheckConstraint(
                condition=Q(redness__lte=4, bruising__lte=4, peeling__lte=4, pain__lte=10),
                name="entry_values_on_scale",
            ),
            models.CheckConstraint(
                condition=Q(status__in=Level.values), name="entry_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Day {self.day} of {self.treatment}"

    def observation(self) -> Observation:
        return Observation(
            day=self.day,
            redness=self.redness,
            bruising=self.bruising,
            peeling=self.peeling,
            pain=self.pain,
            bleeding=self.bleeding,
            warning_signs=frozenset(self.warning_signs),
        )

    @property
    def is_emergency(self) -> bool:
        """A sign that calls for emergency services (airway swelling) was ticked."""
        return any(code in EMERGENCY_SIGNS for code in self.warning_signs)

    @property
    def warning_sign_labels(self) -> list[str]:
        """The ticked signs' labels in the language of the page being drawn."""
        return [gettext(s.label) for s in WARNING_SIGNS if s.code in self.warning_signs]


class FlagRule(models.TextChoices):
    """Why an entry was flagged: the rules of recovery.judge."""

    ABOVE_BAND = "above_band", _("Above the expected range")
    WORSENING = "worsening", _("Worsening (course version 1)")
    REBOUND = "rebound", _("Rising again after the peak")
    PAIN_ALARM = "pain_alarm", _("Pain alarm")
    NOT_RESOLVING = "not_resolving", _("Not resolving")
    BLEEDING = "bleeding", _("Bleeding after the expected days")
    WARNING_SIGN = "warning_sign", _("Warning sign")


class Flag(models.Model):
    """One reason an entry needs a clinician's eye, with the explanation shown to all."""

    Rule = FlagRule

    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="flags")
    symptom = models.CharField(max_length=32)
    level = models.CharField(max_length=10, choices=FLAG_LEVELS)
    rule = models.CharField(max_length=20, choices=Rule.choices)
    observed = models.PositiveSmallIntegerField(null=True, blank=True)
    expected_upper = models.PositiveSmallIntegerField(null=True, blank=True)
    message = models.TextField(help_text=_("For the patient, in the course's words."))
    detail = models.TextField(
        blank=True, help_text=_("For the clinician: value, day, band, rule, version.")
    )
    emergency = models.BooleanField(
        default=False, help_text=_("The patient is told to call emergency services.")
    )
    translations = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Both texts in every language of the app: {language: {message, detail}}."
        ),
    )
    course_version = models.ForeignKey(CourseVersion, on_delete=models.PROTECT)
    case = models.ForeignKey(
        ReviewCase, on_delete=models.SET_NULL, null=True, blank=True, related_name="flags"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-level", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(level__in=["review", "urgent"]), name="flag_level_valid"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=FlagRule.values), name="flag_rule_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.symptom} on day {self.entry.day}"

    @property
    def patient_text(self) -> str:
        """The patient's text in the language of the page being drawn."""
        return localized(self.translations, "message", self.message)

    @property
    def clinician_text(self) -> str:
        """The clinician's text in the language of the page being drawn."""
        return localized(self.translations, "detail", self.detail or self.message)

    @property
    def excess(self) -> int:
        """How far outside the band: points above the upper limit; a warning sign or
        bleeding counts as far outside (5), since it has no band."""
        if self.observed is None or self.expected_upper is None:
            return 5
        return max(0, self.observed - self.expected_upper)


class Photo(models.Model):
    """A re-encoded photo (no metadata) with its screen size and thumbnail, under
    random file names, and what was measured on it at upload."""

    class Quality(models.TextChoices):
        DARK = "dark", _("too dark")
        BRIGHT = "bright", _("too bright")
        BLURRED = "blurred", _("blurred")

    class View(models.TextChoices):
        FRONT = "front", _("Front")
        LEFT = "left", _("Left side")
        RIGHT = "right", _("Right side")
        OTHER = "other", _("Other")

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="photos")
    view = models.CharField(max_length=10, choices=View.choices, default=View.OTHER)
    image = models.FileField(max_length=200)
    screen = models.FileField(max_length=200)
    thumbnail = models.FileField(max_length=200)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    taken_at = models.DateTimeField(null=True, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    quality_issues = models.JSONField(default=list, blank=True)
    redness_index = models.FloatField(
        null=True,
        blank=True,
        help_text=_("Mean CIELAB a* over the centre of the photo; indicative only."),
    )

    class Meta:
        ordering = ["entry", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"Photo {self.key} ({self.get_view_display()})"

    @property
    def file_names(self) -> list[str]:
        return [self.image.name, self.screen.name, self.thumbnail.name]

    @property
    def quality_words(self) -> list[str]:
        return [str(self.Quality(code).label) for code in self.quality_issues]


class DowntimeReport(models.Model):
    """The patient's answers on day 14: downtime as the patient lived it."""

    treatment = models.OneToOneField(
        Treatment, on_delete=models.CASCADE, related_name="downtime_report"
    )
    back_to_work_day = models.PositiveSmallIntegerField(
        _("back to work or school on day"), null=True, blank=True
    )
    makeup_day = models.PositiveSmallIntegerField(
        _("wearing makeup without worry from day"), null=True, blank=True
    )
    satisfaction = models.PositiveSmallIntegerField(_("satisfaction (0-10)"))
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(satisfaction__lte=10)
                & (Q(back_to_work_day__isnull=True) | Q(back_to_work_day__lte=60))
                & (Q(makeup_day__isnull=True) | Q(makeup_day__lte=60)),
                name="downtime_report_in_range",
            )
        ]

    def __str__(self) -> str:
        return f"Downtime report for {self.treatment}"


class DiarySummary(models.Model):
    """What a treatment's entries add up to, for clinic outcomes: one row per treatment
    with entries, rewritten by `diary_summaries_refresh` whenever an entry is saved,
    so that outcomes read one row per treatment instead of every entry.

    A symptom's `..._resolved_day` is the day from which it stays at 1 or less; null
    while it has not, and the patient's time to resolution is then censored at
    `last_day`.
    """

    treatment = models.OneToOneField(
        Treatment, on_delete=models.CASCADE, primary_key=True, related_name="diary_summary"
    )
    last_day = models.PositiveSmallIntegerField()
    logged_days = models.PositiveSmallIntegerField(help_text=_("Days 0-10 with an entry."))
    review_flagged = models.BooleanField()
    urgent_flagged = models.BooleanField()
    redness_resolved_day = models.PositiveSmallIntegerField(null=True)
    bruising_resolved_day = models.PositiveSmallIntegerField(null=True)
    peeling_resolved_day = models.PositiveSmallIntegerField(null=True)
    pain_resolved_day = models.PositiveSmallIntegerField(null=True)

    def __str__(self) -> str:
        return f"Diary summary of {self.treatment_id}"


class Submission(models.Model):
    """The one-time key of an entry form that was saved: the same form posted again
    (a double tap, a retry after a lost answer) finds this row and stores nothing."""

    key = models.UUIDField(unique=True)
    entry = models.ForeignKey(Entry, on_delete=models.CASCADE, related_name="submissions")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Submission {self.key}"


REMINDER_HOURS = range(6, 24)  # no reminder in the small hours


class ReminderPreference(models.Model):
    """When a patient wants the daily reminder, in their clinic's zone; a patient
    without a row gets it at DEFAULT_HOUR (diary.reminders)."""

    DEFAULT_HOUR = 20

    class Channel(models.TextChoices):
        # Notifications on a phone that subscribed (diary.push), else email.
        PUSH = "push", _("A notification on my phone (email if it cannot get one)")
        EMAIL = "email", _("Email")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    enabled = models.BooleanField(_("remind me"), default=True)
    hour = models.PositiveSmallIntegerField(
        _("at"),
        default=DEFAULT_HOUR,
        choices=[(h, f"{h:02d}:00") for h in REMINDER_HOURS],
    )
    channel = models.CharField(
        _("send it as"), max_length=10, choices=Channel.choices, default=Channel.PUSH
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(hour__gte=REMINDER_HOURS.start, hour__lt=REMINDER_HOURS.stop),
                name="reminder_hour_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=["push", "email"]), name="reminder_channel_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"Reminders of {self.user}"


class Reminder(models.Model):
    """A reminder queued for one day of one treatment: the row that keeps it to one
    a day, written in the transaction that queues it."""

    treatment = models.ForeignKey(
        Treatment, on_delete=models.CASCADE, related_name="reminders"
    )
    day = models.PositiveSmallIntegerField()
    queued_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["treatment", "day"], name="one_reminder_a_day")
        ]

    def __str__(self) -> str:
        return f"Reminder for day {self.day} of {self.treatment}"


class PushSubscriptionQuerySet(models.QuerySet):
    def for_patient(self, user) -> "PushSubscriptionQuerySet":
        return self.filter(user=user)


class PushSubscription(models.Model):
    """One browser's Web Push subscription (diary.push): the push service's address
    for it (`endpoint`, unique: one browser, one row) and the keys its messages are
    encrypted for. Deleted when the push service answers that it is gone (404, 410),
    or when the patient turns notifications off."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="push_subscriptions",
    )
    endpoint = models.URLField(max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PushSubscriptionQuerySet.as_manager()

    def __str__(self) -> str:
        return f"Push subscription {self.pk} of {self.user}"

    @property
    def info(self) -> dict:
        """The subscription as pywebpush (and the browser's PushSubscription.toJSON())
        spell it."""
        return {
            "endpoint": self.endpoint,
            "keys": {"p256dh": self.p256dh, "auth": self.auth},
        }
