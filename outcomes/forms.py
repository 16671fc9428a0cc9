from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from clinic.choices import course_version_name, plain_choices, practitioner_choices
from clinic.models import CourseVersion, Procedure

COHORT_PREFIXES = ("a", "b", "c")


class CohortForm(forms.Form):
    """One cohort: treatments picked by procedure, course version and settings."""

    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Any procedure"),
    )
    course_version = forms.ModelChoiceField(
        label=_("Course version"),
        queryset=CourseVersion.objects.none(),
        required=False,
        empty_label=_("Any course version"),
    )
    needle_depth_mm = forms.DecimalField(
        label=_("Needle depth (mm)"), required=False, min_value=0.1, max_value=3
    )
    anaesthesia = forms.ChoiceField(
        label=_("Anaesthesia"),
        choices=[
            ("", _("With or without anaesthesia")),
            ("yes", _("With")),
            ("no", _("Without")),
        ],
        required=False,
    )
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Any practitioner"),
    )
    performed_from = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Performed from"),
    )
    performed_to = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        label=_("Performed until"),
    )

    def __init__(self, *args, staff_user, choices: dict | None = None, **kwargs):
        """`choices`, from `cohort_choices`, saves each of a page's forms reading the
        same procedures, course versions and practitioners again."""
        super().__init__(*args, **kwargs)
        practitioner_choices(self.fields["practitioner"], staff_user=staff_user)
        # Only the courses of the clinics this manager manages.
        managed = {"clinic__staff__user": staff_user, "clinic__staff__role": "manager"}
        self.fields["procedure"].queryset = Procedure.objects.filter(**managed)
        self.fields["course_version"].queryset = CourseVersion.objects.filter(
            **{f"procedure__{key}": value for key, value in managed.items()}
        ).select_related("procedure")
        plain_choices(self.fields["procedure"], "name", label=str)
        plain_choices(
            self.fields["course_version"], "procedure__name", "version",
            label=course_version_name,
        )  # fmt: skip
        for name, listed in (choices or {}).items():
            self.fields[name].choices = listed
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = (
                "form-select" if is_select else "form-control"
            ) + " form-control-sm"

    def treatments(self, base):
        """`base` narrowed to this cohort (unnarrowed if the form is invalid)."""
        data = self.cleaned_data if self.is_valid() else {}
        lookups = {
            "procedure": data.get("procedure"),
            "course_version": data.get("course_version"),
            "needle_depth_mm": data.get("needle_depth_mm"),
            "practitioner": data.get("practitioner"),
            "performed_at__date__gte": data.get("performed_from"),
            "performed_at__date__lte": data.get("performed_to"),
        }
        narrowed = base.filter(**{k: v for k, v in lookups.items() if v not in (None, "")})
        if data.get("anaesthesia"):
            narrowed = narrowed.filter(anaesthesia=data["anaesthesia"] == "yes")
        return narrowed

    def label(self) -> str:
        data = self.cleaned_data if self.is_valid() else {}
        parts = [
            str(data["course_version"]) if data.get("course_version") else None,
            str(data["procedure"]) if data.get("procedure") else None,
            f"{data['needle_depth_mm']} mm" if data.get("needle_depth_mm") else None,
            {"yes": _("with anaesthesia"), "no": _("without anaesthesia")}.get(
                data.get("anaesthesia")
            ),
            data["practitioner"].get_full_name() if data.get("practitioner") else None,
        ]
        return " · ".join(str(p) for p in parts if p) or str(_("All treatments"))


def cohort_choices(staff_user) -> dict[str, list]:
    """The choices of a cohort form that come from the database, read once."""
    form = CohortForm(staff_user=staff_user)
    return {
        name: list(form.fields[name].choices)
        for name in ("procedure", "course_version", "practitioner")
    }
