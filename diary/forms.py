import uuid
from collections.abc import Iterable

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Field, Layout
from crispy_forms.utils import TEMPLATE_PACK
from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator
from django.template.defaultfilters import filesizeformat
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext_lazy, ngettext
from django.utils.translation import gettext as _

from diary.models import DowntimeReport, Photo, ReminderPreference
from diary.photos import PhotoError, prepare_photo
from diary.uploads import DroppedFile
from recovery.scales import (
    BLEEDING_LABEL,
    BRUISING,
    PAIN,
    PEELING,
    REDNESS,
    WARNING_SIGNS,
    Symptom,
)

MAX_PHOTOS_PER_ENTRY_SAVE = 6
ANSWERS_KEPT = gettext_lazy(
    "Your other answers are kept: choose the photo again, or save without it."
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]


def _scale_field(symptom: Symptom, help_text: str = "") -> forms.TypedChoiceField:
    if symptom.maximum == 4:
        # Lazy: built once at import, read in each request's language.
        choices = [
            (g.value, format_lazy("{} · {} — {}", g.value, gettext_lazy(g.word),
                                  gettext_lazy(g.description)))
            for g in symptom.grades
        ]  # fmt: skip
    else:
        choices = [(value, str(value)) for value in range(symptom.maximum + 1)]
    return forms.TypedChoiceField(
        label=gettext_lazy(symptom.label),
        choices=choices,
        coerce=int,
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        help_text=help_text,
        error_messages={"required": gettext_lazy("Please choose one.")},
    )


# Blank entry forms drawn so far, per process: (template pack, language, initial
# answers) -> HTML. Emptied when full.
_DRAWN: dict[tuple, str] = {}
DRAWN_MAX = 256


class EntryFormHelper(FormHelper):
    """The entry form's layout, drawn once per language and initial answers while the
    form is blank: Today and each day's page show it on every visit, and crispy drew
    it field by field, each radio button a template of its own, which was half of
    Today's time (bench/pages.py). A submitted form (the patient's input, its errors)
    is drawn afresh."""

    def render_layout(self, form, context, template_pack=TEMPLATE_PACK):
        if form.is_bound:
            return super().render_layout(form, context, template_pack)
        key = (template_pack, get_language(), repr(sorted(form.initial.items())))
        if key not in _DRAWN:
            if len(_DRAWN) >= DRAWN_MAX:
                _DRAWN.clear()
            _DRAWN[key] = super().render_layout(form, context, template_pack)
        return _DRAWN[key]


class EntryForm(forms.Form):
    """One day's diary entry: the four scores, bleeding, warning signs, note, photos."""

    redness = _scale_field(REDNESS)
    bruising = _scale_field(
        BRUISING,
        gettext_lazy("Dark-red dots or patches under the skin (internal bleeding)."),
    )
    peeling = _scale_field(PEELING)
    pain = _scale_field(
        PAIN,
        gettext_lazy(
            "0 no pain, 10 the worst imaginable. Burning and tingling count as pain."
        ),
    )
    bleeding = forms.TypedChoiceField(
        label=gettext_lazy(BLEEDING_LABEL),
        choices=[("no", gettext_lazy("No")), ("yes", gettext_lazy("Yes"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        error_messages={"required": gettext_lazy("Please choose yes or no.")},
    )
    warning_signs = forms.MultipleChoiceField(
        label=gettext_lazy("Do you have any of these?"),
        choices=[(sign.code, gettext_lazy(sign.label)) for sign in WARNING_SIGNS],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    note = forms.CharField(
        label=gettext_lazy("Anything else you want your clinic to know?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )
    photo_view = forms.ChoiceField(
        label=gettext_lazy("Which view do the photos show?"),
        choices=Photo.View.choices,
        initial=Photo.View.FRONT,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    photos = MultipleFileField(
        label=gettext_lazy("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*,.heic,.heif"}),
    )
    # A new key each time the form is drawn; posted again (a double tap, a retry
    # after a lost answer) it saves once (diary.services.entry_record). A form
    # without one (an old page) saves as before.
    submission = forms.UUIDField(
        widget=forms.HiddenInput, required=False, initial=uuid.uuid4
    )

    def __init__(self, *args, too_large: Iterable[DroppedFile] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = list(too_large)
        self.photo_names: list[str] = []
        self.fields["photos"].help_text = _(
            "Same place, same light, no filter. JPEG, PNG, HEIC or WebP; up to "
            "%(n)d photos per save, %(each)s each and %(total)s together."
        ) % {
            "n": MAX_PHOTOS_PER_ENTRY_SAVE,
            "each": filesizeformat(settings.PHOTO_MAX_BYTES),
            "total": filesizeformat(settings.PHOTO_MAX_REQUEST_BYTES),
        }
        self.helper = EntryFormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Field("redness", template="diary/fields/scale.html"),
            Field("bruising", template="diary/fields/scale.html"),
            Field("peeling", template="diary/fields/scale.html"),
            Field("pain", template="diary/fields/scale.html"),
            Field("bleeding", template="diary/fields/scale.html"),
            "warning_signs",
            "note",
        )

    def clean_photos(self):
        """Return the prepared photos; raise one error per photo that was dropped
        while uploading or is not usable, or one for too many photos."""
        files = self.cleaned_data["photos"]
        chosen = len(files) + len(self.too_large)
        if chosen > MAX_PHOTOS_PER_ENTRY_SAVE:
            too_many = _(
                "You chose %(count)d photos: one save takes at most %(n)d. Choose "
                "up to %(n)d now and add the others in another save."
            ) % {"count": chosen, "n": MAX_PHOTOS_PER_ENTRY_SAVE}
            raise forms.ValidationError([too_many, ANSWERS_KEPT])
        errors = self._dropped_errors()
        prepared = []
        for upload in files:
            if upload.size > settings.PHOTO_MAX_BYTES:
                errors.append(_too_large(upload.name))
                continue
            try:
                prepared.append(prepare_photo(upload))
                self.photo_names.append(upload.name)
            except PhotoError as error:
                errors.append(f"“{upload.name}”: {error}")
        if errors:
            raise forms.ValidationError([*errors, ANSWERS_KEPT])
        return prepared

    def _dropped_errors(self) -> list[str]:
        """A message per photo that was too large on its own, then one naming the
        photos that did not fit in the request's total."""
        errors = [_too_large(f.name) for f in self.too_large if f.limit == "photo"]
        over = [f"“{f.name}”" for f in self.too_large if f.limit == "request"]
        if over:
            errors.append(
                ngettext(
                    "%(names)s was not added: the photos of one save can add up to "
                    "%(limit)s at most. Save fewer photos at a time.",
                    "%(names)s were not added: the photos of one save can add up to "
                    "%(limit)s at most. Save fewer photos at a time.",
                    len(over),
                )
                % {
                    "names": ", ".join(over),
                    "limit": filesizeformat(settings.PHOTO_MAX_REQUEST_BYTES),
                }
            )
        return errors

    def quality_warnings(self) -> list[str]:
        """A friendly sentence per saved photo that is too dark, too bright or blurred."""
        warnings = []
        for name, photo in zip(self.photo_names, self.cleaned_data["photos"], strict=True):
            if photo.quality_issues:
                issues = ", ".join(
                    str(Photo.Quality(i).label) for i in photo.quality_issues
                )
                warnings.append(
                    _(
                        "“%(name)s” looks %(issues)s. It is saved; for a clearer "
                        "comparison you can take another in good, even light and "
                        "remove this one."
                    )
                    % {"name": name, "issues": issues}
                )
        return warnings


def _too_large(name: str) -> str:
    limit = filesizeformat(settings.PHOTO_MAX_BYTES)
    return _("“%(name)s” is larger than %(limit)s.") % {"name": name, "limit": limit}


class DowntimeReportForm(forms.ModelForm):
    """Three short questions on day 14; leaving a day empty means 'not yet'."""

    class Meta:
        model = DowntimeReport
        fields = ["back_to_work_day", "makeup_day", "satisfaction"]
        widgets = {"satisfaction": forms.RadioSelect(attrs={"class": "btn-check"})}
        help_texts = {
            "back_to_work_day": gettext_lazy(
                "Day 0 is the day of treatment. Empty: not yet."
            ),
            "makeup_day": gettext_lazy("Empty: not yet."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["satisfaction"] = forms.TypedChoiceField(
            label=gettext_lazy(
                "How satisfied are you with the result? (0 not at all, 10 fully)"
            ),
            choices=[(n, str(n)) for n in range(11)],
            coerce=int,
            widget=forms.RadioSelect(attrs={"class": "btn-check"}),
        )
        for name in ("back_to_work_day", "makeup_day"):
            self.fields[name].widget.attrs.update(
                {"class": "form-control", "min": 0, "max": 60}
            )
            self.fields[name].validators.append(MaxValueValidator(60))
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(
            "back_to_work_day",
            "makeup_day",
            Field("satisfaction", template="diary/fields/scale.html"),
        )


class ReminderPreferenceForm(forms.ModelForm):
    """The patient's daily reminder: on or off, the hour in the clinic's zone, and,
    where phone notifications are offered (`push_offered`), whether reminders and the
    clinic's replies come to the phone or by email."""

    class Meta:
        model = ReminderPreference
        fields = ["enabled", "hour", "channel"]
        labels = {
            "enabled": gettext_lazy("Remind me on days I have not logged"),
            "hour": gettext_lazy("At"),
            "channel": gettext_lazy("Reminders and your clinic's replies come as"),
        }
        help_texts = {
            "hour": gettext_lazy(
                "In your clinic's time. If the day has no entry by then, you get one "
                "reminder that day, from the day of treatment to the end of the usual "
                "downtime."
            ),
        }
        widgets = {
            "hour": forms.Select(attrs={"class": "form-select"}),
            "channel": forms.RadioSelect,
        }
        error_messages = {
            "hour": {
                "invalid_choice": gettext_lazy("Choose one of the hours in the list."),
                "required": gettext_lazy("Choose an hour."),
            },
            "channel": {
                "invalid_choice": gettext_lazy("Choose one of the ways in the list."),
                "required": gettext_lazy("Choose how they come."),
            },
        }

    def __init__(self, *args, push_offered: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not push_offered:  # email it is: nothing to choose
            del self.fields["channel"]
        else:
            self.fields["channel"].help_text = _(
                "A notification comes to each phone where you turned them on from "
                "Today. If none can get it, it comes by email."
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout(*self.fields)


class PushSubscriptionForm(forms.Form):
    """A browser's push subscription, as its PushSubscription.toJSON() gives it
    (flattened: `endpoint`, `p256dh`, `auth`). The endpoint is the push service's
    address for this browser: always HTTPS."""

    endpoint = forms.URLField(max_length=1000, assume_scheme="https")
    p256dh = forms.RegexField(regex=r"^[A-Za-z0-9_-]{40,200}={0,2}$", max_length=200)
    auth = forms.RegexField(regex=r"^[A-Za-z0-9_-]{8,100}={0,2}$", max_length=100)

    def clean_endpoint(self) -> str:
        endpoint = self.cleaned_data["endpoint"]
        if not endpoint.startswith("https://"):
            raise forms.ValidationError(_("The push service's address must be HTTPS."))
        return endpoint
