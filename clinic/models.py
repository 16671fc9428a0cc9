from functools import cached_property
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from recovery.course import Course, CourseError, course_from_dict
from recovery.days import day_date, day_number


def default_time_zone() -> str:
    return settings.CLINIC_DEFAULT_TIME_ZONE


def default_emergency_number() -> str:
    return settings.CLINIC_DEFAULT_EMERGENCY_NUMBER


def default_language() -> str:
    return settings.CLINIC_DEFAULT_LANGUAGE


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(
            _("%(zone)s is not a known time zone."), params={"zone": value}
        )


class Level(models.TextChoices):
    """How much attention an entry, a flag or a case asks for: one set for all three."""

    NORMAL = "normal", _("Usual for this day")
    REVIEW = "review", _("For review")
    URGENT = "urgent", _("Urgent")


class Clinic(models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(unique=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("Days after treatment and aftercare times are counted in this zone."),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=default_language,
        help_text=_(
            "For patients and staff who have not chosen one and whose browser does not "
            "say, and for emails to those who have not chosen."
        ),
    )
    phone = models.CharField(
        _("phone"),
        max_length=40,
        blank=True,
        help_text=_("Shown to patients with urgent signs."),
    )
    emergency_number = models.CharField(
        _("emergency number"),
        max_length=20,
        default=default_emergency_number,
        help_text=_(
            "Called for an emergency sign (119 in Japan, 112 in the EU, 911 in the US)."
        ),
    )
    opening_hours = models.CharField(
        _("opening hours"),
        max_length=200,
        blank=True,
        help_text=_("As patients should read them, e.g. 'Mon-Sat 10:00-19:00'."),
    )
    out_of_hours_phone = models.CharField(
        _("out-of-hours phone"),
        max_length=40,
        blank=True,
        help_text=_(
            "Who patients with urgent signs call when the clinic is closed; without it "
            "they are told to go to an emergency department."
        ),
    )

    on_call_email = models.EmailField(
        _("on-call email"), blank=True, help_text=_("Told at once of every urgent flag.")
    )
    urgent_overdue_hours = models.PositiveSmallIntegerField(
        _("urgent case overdue after (hours)"), default=2
    )
    review_overdue_hours = models.PositiveSmallIntegerField(
        _("review case overdue after (hours)"), default=24
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=language_codes()), name="clinic_language_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


class StaffMember(models.Model):
    """A user who works for a clinic; managers also edit courses and see outcomes."""

    class Role(models.TextChoices):
        CLINICIAN = "clinician", _("Clinician")
        MANAGER = "manager", _("Clinic manager")

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.CLINICIAN)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["clinic", "user"], name="one_role_per_clinic"),
            models.CheckConstraint(
                condition=Q(role__in=["clinician", "manager"]), name="staff_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.clinic})"


class ClinicPatient(models.Model):
    """A patient as one clinic knows them: the name and contact details that clinic
    recorded. A clinic sees a patient only through this record and its own
    treatments; the patient's account (and other clinics' records) stay hidden."""

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="patients")
    name = models.CharField(_("name"), max_length=150)
    email = models.EmailField(_("email"))
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    erased_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=_("When the patient's diary data were deleted on request."),
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["clinic", "email"], name="one_record_per_email")
        ]

    def __str__(self) -> str:
        return self.name


class Procedure(models.Model):
    """A procedure one clinic performs, with its versioned expected course. The
    shipped courses are templates (recovery.course) copied into each new clinic;
    only that clinic's managers edit its copy."""

    clinic = models.ForeignKey(Clinic, on_delete=models.CASCADE, related_name="procedures")
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["clinic", "slug"], name="procedure_slug_per_clinic"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def current_course(self) -> "CourseVersion":
        """Return the newest course version; raise CourseVersion.DoesNotExist if none."""
        return self.course_versions.latest("version")


class CourseVersion(models.Model):
    """One version of a procedure's expected course; never edited once saved.

    Editing a course creates a new version, so every treatment keeps being judged
    against the version in force when it was performed.
    """

    procedure = models.ForeignKey(
        Procedure, on_delete=models.PROTECT, related_name="course_versions"
    )
    version = models.PositiveIntegerField()
    definition = models.JSONField(
        help_text=_("Bands per symptom and day, rule parameters and aftercare.")
    )
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )

    class Meta:
        ordering = ["procedure", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "version"], name="one_number_per_course_version"
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="version_from_1"),
        ]

    def __str__(self) -> str:
        return f"{self.procedure} v{self.version}"

    def clean(self) -> None:
        try:
            course_from_dict(self.definition, procedure="-", version=1)
        except CourseError as error:
            raise ValidationError({"definition": str(error)}) from error

    @cached_property
    def course(self) -> Course:
        return course_from_dict(
            self.definition, procedure=self.procedure.name, version=self.version
        )


class Treatment(models.Model):
    """One procedure performed on one patient by one clinic.

    `clinic_patient` is the clinic's record of the patient. `patient` is the account
    whose diary holds the treatment: set when the treatment created that account, or
    once the account's owner accepted it from the emailed link; empty (pending) until
    then, so a clinic can never move someone's diary by typing their email.
    """

    clinic = models.ForeignKey(Clinic, on_delete=models.PROTECT, related_name="treatments")
    clinic_patient = models.ForeignKey(
        ClinicPatient, on_delete=models.PROTECT, related_name="treatments"
    )
    patient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="treatments",
        null=True,
        blank=True,
    )
    created_account = models.BooleanField(
        default=False,
        help_text=_("This treatment created the patient's account (front-desk set-up)."),
    )
    joined_at = models.DateTimeField(
        null=True, blank=True, help_text=_("When the treatment joined the patient's diary.")
    )
    procedure = models.ForeignKey(Procedure, on_delete=models.PROTECT)
    course_version = models.ForeignKey(
        CourseVersion,
        on_delete=models.PROTECT,
        help_text=_("The course in force when the treatment was performed."),
    )
    performed_at = models.DateTimeField(_("performed at"))
    practitioner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="treatments_performed",
        null=True,
        blank=True,
    )
    needle_depth_mm = models.DecimalField(
        _("needle depth (mm)"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    anaesthesia = models.BooleanField(_("surface anaesthesia"), default=False)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-performed_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(needle_depth_mm__isnull=True)
                | Q(needle_depth_mm__gte=0.1, needle_depth_mm__lte=3),
                name="needle_depth_in_range",
            )
        ]
        indexes = [models.Index(fields=["patient", "-performed_at"])]

    def __str__(self) -> str:
        return f"{self.procedure} for {self.clinic_patient} on {self.performed_at:%Y-%m-%d}"

    @property
    def is_pending(self) -> bool:
        """Waiting for the patient to accept it into their diary."""
        return self.patient_id is None

    def day_number(self, at) -> int:
        """Return the day after treatment that the aware datetime `at` falls on."""
        return day_number(performed_at=self.performed_at, at=at, zone=self.clinic.zone)

    def date_of_day(self, day: int):
        return day_date(performed_at=self.performed_at, day=day, zone=self.clinic.zone)


class AuditEntryQuerySet(models.QuerySet):
    def for_manager(self, user) -> "AuditEntryQuerySet":
        clinics = StaffMember.objects.filter(user=user, role=StaffMember.Role.MANAGER)
        return self.filter(clinic__in=clinics.values("clinic"))


class AuditEntry(models.Model):
    """Who looked at or acted on which patient's data, when and from where.

    Written by the app, read by clinic managers; nothing in the app edits or deletes it.
    """

    class Action(models.TextChoices):
        VIEW_CASE = "view_case", _("Opened a case")
        VIEW_DIARY = "view_diary", _("Opened a diary")
        VIEW_PHOTO = "view_photo", _("Viewed a photo")
        EXPORT = "export", _("Exported data")
        REVIEW = "review", _("Review action")
        ERASE = "erase", _("Deleted diary data on request")
        PUBLISH_COURSE = "publish_course", _("Published a course version")

    clinic = models.ForeignKey(
        Clinic, on_delete=models.PROTECT, related_name="audit_entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="audit_entries"
    )
    clinic_patient = models.ForeignKey(
        ClinicPatient,
        on_delete=models.PROTECT,
        related_name="audit_entries",
        null=True,
        blank=True,
        help_text=_("Empty for exports, which cover many patients."),
    )
    action = models.CharField(max_length=20, choices=Action.choices)
    target = models.CharField(max_length=200)
    address = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["clinic", "-at"])]

    def __str__(self) -> str:
        return f"{self.actor} {self.get_action_display()} {self.target}"

    @property
    def is_export(self) -> bool:
        """An export covers many patients, so it names none."""
        return self.action == self.Action.EXPORT


class AccountSettings(models.Model):
    """What one person chose for themselves, kept with their account so that it
    follows them to every device and survives logging out: the language of their
    pages and emails. No row means nothing chosen yet."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_settings"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)

    class Meta:
        verbose_name_plural = _("account settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(language__in=language_codes()), name="account_language_valid"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.language}"
