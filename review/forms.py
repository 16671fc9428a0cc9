from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from clinic.choices import plain_choices, practitioner_choices
from clinic.models import Level, Procedure
from review.models import CaseEvent, ReviewCase

# The outcomes a clinician gives; FLAGS_WITHDRAWN is the case closing itself.
CLINICIAN_OUTCOMES = [
    o for o in ReviewCase.Outcome.values if o != ReviewCase.Outcome.FLAGS_WITHDRAWN
]


# The queue's default: every case nobody has closed, as the navigation badge counts
# them. An acknowledged case still waits for its outcome, so it stays in view.
WAITING = "waiting"
WAITING_STATUSES = (ReviewCase.Status.OPEN, ReviewCase.Status.ACKNOWLEDGED)


class QueueFilterForm(forms.Form):
    """The queue's filters; an invalid value is ignored, never an error page."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (WAITING, _("Waiting (open or acknowledged)")),
            *ReviewCase.Status.choices,
        ],
        required=False,
        initial=WAITING,
    )
    level = forms.ChoiceField(
        label=_("Level"),
        choices=[
            ("", _("Any level")),
            (Level.URGENT, _("Urgent")),
            (Level.REVIEW, _("Review")),
        ],
        required=False,
    )
    procedure = forms.ModelChoiceField(
        label=_("Procedure"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Any procedure"),
    )
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner"),
        queryset=get_user_model().objects.none(),
        required=False,
        empty_label=_("Any practitioner"),
    )

    def __init__(self, *args, staff_user, **kwargs):
        super().__init__(*args, **kwargs)
        practitioner_choices(self.fields["practitioner"], staff_user=staff_user)
        self.fields["procedure"].queryset = Procedure.objects.filter(
            clinic__staff__user=staff_user
        )
        plain_choices(self.fields["procedure"], "name", label=str)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"

    def _data(self) -> dict:
        return self.cleaned_data if self.is_valid() else {}

    def chosen_status(self) -> str:
        """A status, or WAITING (the default)."""
        return self._data().get("status") or WAITING

    def count(self, counts: dict[str, int]) -> int:
        """How many cases the chosen status holds, from the counts by status."""
        return count_of(counts, self.chosen_status())

    def status_tabs(self, counts: dict[str, int]) -> list[tuple[str, str, int, bool]]:
        """(status, label, count, chosen) of each choice, for the queue's tabs."""
        chosen = self.chosen_status()
        return [
            (value, label, count_of(counts, value), value == chosen)
            for value, label in self.fields["status"].choices
        ]

    def narrows(self) -> bool:
        """Whether any filter beyond the status is in force."""
        data = self._data()
        return any(data.get(name) for name in ("level", "procedure", "practitioner"))

    def filtered(self, cases):
        data = self._data()
        status = self.chosen_status()
        if status == WAITING:
            cases = cases.filter(status__in=WAITING_STATUSES)
        else:
            cases = cases.filter(status=status)
        if data.get("level"):
            cases = cases.filter(level=data["level"])
        if data.get("procedure"):
            cases = cases.filter(treatment__procedure=data["procedure"])
        if data.get("practitioner"):
            cases = cases.filter(treatment__practitioner=data["practitioner"])
        return cases


def count_of(counts: dict[str, int], status: str) -> int:
    """The cases of `status` (a status, or WAITING) from the counts by status."""
    statuses = WAITING_STATUSES if status == WAITING else (status,)
    return sum(counts.get(s, 0) for s in statuses)


class CaseActionForm(forms.Form):
    """A form of the case page, rendered by the `form_fields` tag with Bootstrap
    classes: the page shows three such forms on every visit, and crispy's rendering
    took longer than the rest of the page together. Each form's ids carry its name,
    since two of them have a `text` field."""

    renders_alike = True  # blank, it is the same HTML every time (see form_fields)
    name = ""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", f"{self.name}-%s")
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select" if is_select else "form-control"


class NoteForm(CaseActionForm):
    name = "note"
    text = forms.CharField(
        label=_("Internal note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class ContactForm(CaseActionForm):
    name = "contact"
    contact = forms.ChoiceField(label=_("How"), choices=CaseEvent.Contact.choices)
    text = forms.CharField(
        label=_("What was said"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=4000,
        required=False,
    )


class ResolveForm(CaseActionForm):
    name = "resolve"
    # No default: the outcome feeds the clinic's statistics and the course lab, so the
    # clinician picks one on purpose.
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose the outcome…"))]
        + [c for c in ReviewCase.Outcome.choices if c[0] in CLINICIAN_OUTCOMES],
    )
    message = forms.CharField(
        label=_("Message to the patient (optional)"),
        help_text=_("The patient sees it on Today and History."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )
