import json

from django import forms
from django.contrib import admin
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clinic.access import clinics_of
from clinic.models import Clinic, CourseVersion, Procedure, StaffMember, Treatment
from clinic.services import (
    clinic_courses_install,
    course_version_create,
    treatment_delete,
)
from recovery.course import CourseError, course_from_dict


class PrettyJSONField(forms.JSONField):
    def prepare_value(self, value):
        if isinstance(value, str):
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


class ProcedureCourseForm(forms.ModelForm):
    """A procedure with its current course as JSON; a changed course becomes a version."""

    course = PrettyJSONField(
        widget=forms.Textarea(attrs={"rows": 30, "cols": 100, "class": "vLargeTextField"}),
        help_text=_(
            "Bands per symptom (from/to day, typical [low, high], upper), rule parameters "
            "and aftercare. Saving a change creates a new course version; treatments keep "
            "the version they were performed under."
        ),
    )
    change_note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    class Meta:
        model = Procedure
        fields = ["clinic", "name", "slug"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            current = self.instance.course_versions.order_by("-version").first()
            if current is not None:
                self.fields["course"].initial = current.definition

    def clean_course(self):
        definition = self.cleaned_data["course"]
        try:
            course_from_dict(definition, procedure="-", version=1)
        except CourseError as error:
            raise forms.ValidationError(str(error)) from error
        return definition


class CourseVersionInline(admin.TabularInline):
    model = CourseVersion
    fields = ["version", "note", "created_by", "created_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-version"]

    def has_add_permission(self, request, obj=None):
        return False


def managed_clinic_ids(request) -> list[int] | None:
    """The clinics whose records the admin user may see; None for a superuser (all)."""
    if request.user.is_superuser:
        return None
    return [clinic for clinic, role in clinics_of(request.user) if role == "manager"]


class ClinicFencedAdmin(admin.ModelAdmin):
    """An admin that lists, opens and saves only the records of the clinics the user
    manages (`clinic_path` says how a record reaches its clinic); another clinic's
    record is a 404 exactly like one that does not exist."""

    clinic_path = "clinic"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        clinics = managed_clinic_ids(request)
        if clinics is None:
            return queryset
        return queryset.filter(**{f"{self.clinic_path}__in": clinics})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        clinics = managed_clinic_ids(request)
        if db_field.name == "clinic" and clinics is not None:
            kwargs["queryset"] = Clinic.objects.filter(pk__in=clinics)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records the app writes and nobody edits: listed here, never added, changed or
    deleted."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Procedure)
class ProcedureAdmin(ClinicFencedAdmin):
    form = ProcedureCourseForm
    list_display = ["name", "clinic", "slug"]  # no clinic filter: it would list them all
    prepopulated_fields = {"slug": ["name"]}
    inlines = [CourseVersionInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        current = obj.course_versions.order_by("-version").first()
        definition = form.cleaned_data["course"]
        if current is None or current.definition != definition:
            course_version_create(
                procedure=obj,
                definition=definition,
                created_by=request.user,
                note=form.cleaned_data["change_note"],
            )


@admin.register(CourseVersion)
class CourseVersionAdmin(ReadOnlyAdmin, ClinicFencedAdmin):
    """Read-only: a course version that judged entries must never change."""

    clinic_path = "procedure__clinic"
    list_display = ["procedure", "version", "note", "created_at"]


class StaffInline(admin.TabularInline):
    model = StaffMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(ClinicFencedAdmin):
    clinic_path = "pk"
    list_display = ["name", "time_zone", "phone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline]

    def has_add_permission(self, request):
        return request.user.is_superuser  # a new clinic is set up by the operator

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # every new clinic starts from the shipped courses
            clinic_courses_install(clinic=obj)


@admin.register(Treatment)
class TreatmentAdmin(ClinicFencedAdmin):
    """Treatments are created on the staff page, which also sets up the patient."""

    list_display = ["clinic_patient", "procedure", "clinic", "performed_at"]
    readonly_fields = [
        "clinic_patient", "patient", "clinic", "procedure", "course_version", "created_at",
        "created_account", "joined_at",
    ]  # fmt: skip
    list_select_related = ["clinic_patient", "procedure", "clinic"]

    def has_add_permission(self, request):
        return False

    # Deleting through the service also deletes the photo files after the commit;
    # the rows' cascade alone would leave them on disk.
    def delete_model(self, request, obj):
        treatment_delete(treatment=obj)

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for treatment in queryset:
                treatment_delete(treatment=treatment)

    def get_deleted_objects(self, objs, request):
        """What deleting lists and whether it is allowed: a whole diary goes with its
        treatment, so the entries' read-only admin (no single day is deleted) does not
        stand in the way; the treatment's own delete permission still does."""
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(
            objs, request
        )
        return deleted, counts, set(), protected
