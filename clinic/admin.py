import json

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from clinic.models import Clinic, CourseVersion, Procedure, StaffMember, Treatment
from clinic.services import course_version_create
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
        fields = ["name", "slug"]

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
class ProcedureAdmin(admin.ModelAdmin):
    form = ProcedureCourseForm
    list_display = ["name", "slug"]
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
class CourseVersionAdmin(ReadOnlyAdmin):
    """Read-only: a course version that judged entries must never change."""

    list_display = ["procedure", "version", "note", "created_at"]
    list_filter = ["procedure"]


class StaffInline(admin.TabularInline):
    model = StaffMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Clinic)
class ClinicAdmin(admin.ModelAdmin):
    list_display = ["name", "time_zone", "phone"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [StaffInline]


@admin.register(Treatment)
class TreatmentAdmin(admin.ModelAdmin):
    """Treatments are created on the staff page, which also sets up the patient."""

    list_display = ["patient", "procedure", "clinic", "performed_at"]
    list_filter = ["clinic", "procedure"]
    readonly_fields = ["patient", "clinic", "procedure", "course_version", "created_at"]
    list_select_related = ["patient", "procedure", "clinic"]

    def has_add_permission(self, request):
        return False
