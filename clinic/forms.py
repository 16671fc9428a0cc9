from datetime import timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.choices import practitioner_choices
from clinic.models import Clinic, Procedure, StaffMember


class TreatmentForm(forms.Form):
    """A new treatment; the time is read in the chosen clinic's time zone."""

    clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.none(), label=gettext_lazy("Clinic")
    )
    patient_name = forms.CharField(label=gettext_lazy("Patient name"), max_length=150)
    patient_email = forms.EmailField(
        label=gettext_lazy("Patient email"),
        help_text=gettext_lazy(
            "We email the patient a link to their diary. If the address already has a "
            "diary, the patient accepts the treatment into it."
        ),
    )
    patient_phone = forms.CharField(
        label=gettext_lazy("Patient phone"), max_length=40, required=False
    )
    procedure = forms.ModelChoiceField(
        queryset=Procedure.objects.none(), label=gettext_lazy("Procedure")
    )
    performed_at = forms.DateTimeField(
        label=gettext_lazy("Performed at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        help_text=gettext_lazy("In the clinic's local time."),
    )
    practitioner = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label=gettext_lazy("Practitioner"),
    )
    needle_depth_mm = forms.DecimalField(
        label=gettext_lazy("Needle depth (mm)"),
        min_value=0.1,
        max_value=3,
        decimal_places=2,
        required=False,
    )
    anaesthesia = forms.BooleanField(
        label=gettext_lazy("Surface anaesthesia"), required=False
    )
    notes = forms.CharField(
        label=gettext_lazy("Notes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )

    def __init__(self, *args, staff_user, **kwargs):
        super().__init__(*args, **kwargs)
        clinics = Clinic.objects.filter(staff__user=staff_user)
        self.fields["clinic"].queryset = clinics
        if len(clinics) == 1:
            self.fields["clinic"].initial = clinics[0]
        self.fields["procedure"].queryset = Procedure.objects.filter(
            clinic__staff__user=staff_user
        ).select_related("clinic")
        if len(clinics) > 1:  # say whose procedure it is when several clinics are listed
            self.fields["procedure"].label_from_instance = lambda p: (
                f"{p.name} ({p.clinic})"
            )
        practitioner_choices(self.fields["practitioner"], staff_user=staff_user)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Create treatment")))

    def clean(self):
        data = super().clean()
        clinic, performed_at = data.get("clinic"), data.get("performed_at")
        if clinic and performed_at:
            # The widget sends a naive local time: read it in the clinic's zone.
            naive = timezone.make_naive(performed_at)
            data["performed_at"] = performed_at = timezone.make_aware(naive, clinic.zone)
            if performed_at > timezone.now() + timedelta(minutes=15):
                self.add_error("performed_at", _("A treatment cannot be in the future."))
        procedure = data.get("procedure")
        if clinic and procedure and procedure.clinic_id != clinic.pk:
            self.add_error("procedure", _("This procedure is not one of this clinic's."))
        practitioner = data.get("practitioner")
        if (
            clinic
            and practitioner
            and not StaffMember.objects.filter(clinic=clinic, user=practitioner).exists()
        ):
            self.add_error(
                "practitioner", _("This practitioner does not work at this clinic.")
            )
        return data
