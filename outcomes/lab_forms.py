"""The course lab's forms: a draft of a procedure's next course version.

A band form per symptom and range of days, the rule parameters as plain numbers, and
the note that goes with publishing. Each check sits where the manager typed the value
and says what is wrong in the manager's words; `course_from_dict`, the validator of
every stored course, runs last and is only shown if something slipped through.
"""

import copy
import itertools

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clinic.models import CourseVersion
from recovery.course import VELVET_SKIN_V2, Course, CourseError, course_from_dict
from recovery.scales import SYMPTOMS, SYMPTOMS_BY_CODE, Symptom

# A version 1 course (the `worsening` rule) has no rebound or pain alarm to start
# from: its draft starts from the parameters version 2 ships with.
V2_RULES = VELVET_SKIN_V2["rules"]
PAIN_ALARM_KEYS = ("from_day", "at", "rising_from_day", "rising_at", "rise",
                   "lowest_since_day")  # fmt: skip
LAST_DAY = 365  # a band may start at most a year after the treatment


def days_label(first: int | None, last: int | None) -> str:
    """How a band's days are named to managers: "Day 4–7", "Day 0", "Day 14 onwards"."""
    if first is None:
        return _("This band")
    if last is None:
        return _("Day %(first)s onwards") % {"first": first}
    if first == last:
        return _("Day %(first)s") % {"first": first}
    return _("Day %(first)s–%(last)s") % {"first": first, "last": last}


def _number(label, *, low: int = 0, high: int | None = None, required: bool = True,
            help_text="", too_low=None, too_high=None) -> forms.IntegerField:  # fmt: skip
    """A whole-number field with its limits and messages in plain words."""
    messages = {
        "required": gettext_lazy("Fill this in."),
        "invalid": gettext_lazy("A whole number, please."),
        "min_value": too_low or gettext_lazy("At least %(limit_value)s."),
        "max_value": too_high or gettext_lazy("At most %(limit_value)s."),
    }
    return forms.IntegerField(
        label=label, min_value=low, max_value=high, required=required,
        help_text=help_text, error_messages=messages,
        widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}),
    )  # fmt: skip


class BandForm(forms.Form):
    """One band: from which day to which (empty: onwards), the usual range and the
    limit, the highest value still normal (above it an entry is flagged)."""

    first_day = _number(gettext_lazy("From day"), high=LAST_DAY)
    # Empty: the band runs on (only the last one may).
    last_day = _number(gettext_lazy("To day"), high=LAST_DAY, required=False)

    def __init__(self, *args, symptom: Symptom, **kwargs):
        super().__init__(*args, **kwargs)
        self.symptom = symptom
        scale = _("%(symptom)s is rated from 0 to %(maximum)s.") % {
            "symptom": _(symptom.label), "maximum": symptom.maximum,
        }  # fmt: skip
        for name, label in (("typical_low", _("Usually from")),
                            ("typical_high", _("Usually up to")),
                            ("upper", _("Limit"))):  # fmt: skip
            self.fields[name] = _number(
                label, high=symptom.maximum, too_low=scale, too_high=scale
            )

    def clean(self) -> dict:
        data = super().clean()
        first, last = data.get("first_day"), data.get("last_day")
        days = days_label(first, last)
        if first is not None and last is not None and last < first:
            self.add_error("last_day", _("%(days)s: the last day comes before the first.")
                           % {"days": days})  # fmt: skip
        low, high, upper = (data.get(n) for n in ("typical_low", "typical_high", "upper"))
        if low is not None and high is not None and low > high:
            self.add_error("typical_high", _("%(days)s: the usual range must start at or "
                           "below where it ends.") % {"days": days})  # fmt: skip
        if high is not None and upper is not None and high > upper:
            self.add_error("upper", _("%(days)s: the usual range must end at or below "
                           "the limit.") % {"days": days})  # fmt: skip
        return data

    def band(self) -> dict:
        """The band as a course stores it (cleaned data only)."""
        data = self.cleaned_data
        return {"from": data["first_day"], "to": data["last_day"],
                "typical": [data["typical_low"], data["typical_high"]],
                "upper": data["upper"]}  # fmt: skip


class BaseBandFormSet(forms.BaseFormSet):
    """A symptom's bands: together they cover every day from day 0, one after the
    other, the last one open-ended."""

    def __init__(self, *args, symptom: Symptom, **kwargs):
        super().__init__(*args, form_kwargs={"symptom": symptom}, **kwargs)
        self.symptom = symptom

    def kept_forms(self) -> list[BandForm]:
        """The filled-in bands not marked for removal, by their first day."""
        kept = [
            form
            for form in self.forms
            if form.has_changed() or not form.empty_permitted
            if not self._should_delete_form(form)
        ]
        return sorted(kept, key=lambda form: form.cleaned_data["first_day"])

    def clean(self) -> None:
        if any(self.errors):
            return
        bands = [form.cleaned_data for form in self.kept_forms()]
        problem = _covering_problem(bands)
        if problem:
            raise forms.ValidationError(
                _("%(symptom)s: the days must follow each other without gaps, from day 0, "
                  "the last one open-ended. %(problem)s")
                % {"symptom": _(self.symptom.label), "problem": problem}
            )  # fmt: skip

    def bands(self) -> list[dict]:
        return [form.band() for form in self.kept_forms()]


def _covering_problem(bands: list[dict]) -> str:
    """What keeps `bands` (sorted by first day) from covering every day once; "" if
    nothing."""
    if not bands:
        return _("There is no band left.")
    if bands[0]["first_day"] != 0:
        return _("The first band starts on day %(day)s.") % {"day": bands[0]["first_day"]}
    for before, after in itertools.pairwise(bands):
        names = {"before": days_label(before["first_day"], before["last_day"]),
                 "after": days_label(after["first_day"], after["last_day"])}  # fmt: skip
        if before["last_day"] is None:
            return _("%(before)s is open-ended, but %(after)s follows it.") % names
        if after["first_day"] <= before["last_day"]:
            return _("%(before)s and %(after)s overlap.") % names
        if after["first_day"] > before["last_day"] + 1:
            return _("Nothing covers the days between %(before)s and %(after)s.") % names
    if bands[-1]["last_day"] is not None:
        return _("Leave the last band's “to day” empty, so that it runs on.")
    return ""


BandFormSet = forms.formset_factory(
    BandForm, formset=BaseBandFormSet, extra=0, can_delete=True, max_num=30,
    validate_max=True, absolute_max=40,
)  # fmt: skip


class RulesForm(forms.Form):
    """The rules' parameters, as plain numbers."""

    downtime_shortest = _number(gettext_lazy("Downtime: shortest (days)"))
    downtime_longest = _number(
        gettext_lazy("Downtime: longest (days)"),
        help_text=gettext_lazy(
            "After this day, a visible symptom counts as not resolving."
        ),
    )
    not_resolving_at = _number(
        gettext_lazy("Not resolving: from grade"), low=1, high=4,
        help_text=gettext_lazy("Redness, bruising or peeling at this grade or more after "
                               "the longest downtime is flagged."),
    )  # fmt: skip
    bleeding_through = _number(
        gettext_lazy("Bleeding or oozing is expected through day"), high=LAST_DAY
    )
    rebound_rise = _number(
        gettext_lazy("Rising again: by at least"), low=1, high=10,
        help_text=gettext_lazy("After its peak day, a symptom this much above its lowest "
                               "since the peak is flagged, once it reaches the level set "
                               "for that symptom."),
    )  # fmt: skip
    pain_from_day = _number(gettext_lazy("Pain alarm: from day"), high=LAST_DAY)
    pain_at = _number(gettext_lazy("…pain at or above"), low=1, high=10)
    pain_rising_from_day = _number(
        gettext_lazy("Rising pain alarm: from day"), low=1, high=LAST_DAY,
        too_low=gettext_lazy("Pain alarm: a rise needs earlier days, so the rising pain "
                             "alarm starts on day 1 or later."),
    )  # fmt: skip
    pain_rising_at = _number(gettext_lazy("…pain at or above"), low=1, high=10)
    pain_rise = _number(gettext_lazy("…and at least this much above"), low=1, high=10)
    pain_lowest_since_day = _number(gettext_lazy("…its lowest since day"), high=LAST_DAY)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for symptom in SYMPTOMS:
            self.fields[f"peak_{symptom.code}"] = _number(
                _("Peak day"), high=LAST_DAY, required=False,
                help_text=_("Empty: no peak, so it cannot rise again after one."),
            )  # fmt: skip
            self.fields[f"reaches_{symptom.code}"] = _number(
                _("Rising again counts from"), low=1, high=symptom.maximum, required=False,
                help_text=_("Empty: a rise of this symptom is not flagged."),
            )  # fmt: skip

    def groups(self) -> list[tuple[str, list]]:
        """The fields shown under the rules, in groups (peak days and rising-again
        levels are shown with their symptom)."""
        return [
            (_("Downtime"), [self[n] for n in ("downtime_shortest", "downtime_longest",
                                               "not_resolving_at", "bleeding_through")]),
            (_("Rising again after the peak"), [self["rebound_rise"]]),
            (_("Pain alarm (urgent)"), [self[f"pain_{key}"] for key in PAIN_ALARM_KEYS]),
        ]  # fmt: skip

    def clean(self) -> dict:
        data = super().clean()
        shortest, longest = data.get("downtime_shortest"), data.get("downtime_longest")
        if shortest is not None and longest is not None and longest < shortest:
            self.add_error("downtime_longest", _("Downtime: the longest must be at least "
                           "the shortest (%(days)s days).") % {"days": shortest})  # fmt: skip
        for symptom in SYMPTOMS:
            code = symptom.code
            if data.get(f"reaches_{code}") is not None and data.get(f"peak_{code}") is None:
                self.add_error(f"reaches_{code}", _(
                    "%(symptom)s: rising again is counted after the peak day; give a "
                    "peak day or leave this empty.") % {"symptom": _(symptom.label)})  # fmt: skip
        reaches = [data.get(f"reaches_{s.code}") for s in SYMPTOMS]
        if "rebound_rise" in data and all(value is None for value in reaches):
            self.add_error("rebound_rise", _("Rising again: give at least one symptom the "
                           "level from which a rise counts."))  # fmt: skip
        rising_from, since = (
            data.get("pain_rising_from_day"),
            data.get("pain_lowest_since_day"),
        )
        if rising_from is not None and since is not None and since >= rising_from:
            self.add_error("pain_lowest_since_day", _(
                "Pain alarm: the lowest pain is looked for before the rising pain alarm "
                "starts (day %(day)s), so from day %(last)s at the latest.")
                % {"day": rising_from, "last": rising_from - 1})  # fmt: skip
        return data


def _rules_initial(definition: dict) -> dict:
    rules = definition.get("rules") or V2_RULES
    rebound, alarm = rules["rebound"], rules["pain_alarm"]
    initial = {
        "downtime_shortest": definition["downtime_days"][0],
        "downtime_longest": definition["downtime_days"][1],
        "not_resolving_at": definition["not_resolving_at"],
        "bleeding_through": definition["bleeding_expected_through_day"],
        "rebound_rise": rebound["rise"],
    }
    initial |= {f"pain_{key}": alarm[key] for key in PAIN_ALARM_KEYS}
    for code, symptom in definition["symptoms"].items():
        initial[f"peak_{code}"] = symptom.get("peak_day")
        initial[f"reaches_{code}"] = rebound["reaches"].get(code)
    return initial


def _bands_initial(definition: dict, code: str) -> list[dict]:
    return [
        {"first_day": band["from"], "last_day": band["to"],
         "typical_low": band["typical"][0], "typical_high": band["typical"][1],
         "upper": band["upper"]}
        for band in definition["symptoms"][code]["bands"]
    ]  # fmt: skip


class PublishForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("What changed"),
        max_length=300,
        help_text=gettext_lazy("Kept with the version, for everyone who reads it later."),
        error_messages={"required": gettext_lazy("Say what changed, in a sentence.")},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


class CourseDraft:
    """The lab's forms for a procedure's next course version: the rules, a band
    formset per symptom and the publishing note. Unbound, they start from the version
    in force; bound, they hold what the manager sent (with one more empty band for the
    symptom named by an "add" button)."""

    def __init__(self, data=None, *, in_force: CourseVersion, publishing: bool = False):
        self.in_force = in_force
        base = in_force.definition
        self.from_version_1 = "rules" not in base
        if data is not None and data.get("add") in SYMPTOMS_BY_CODE:
            data = _with_one_more_band(data, data["add"])
        self.rules = RulesForm(data, prefix="rules", initial=_rules_initial(base))
        self.bands = {
            s.code: BandFormSet(data, prefix=s.code, symptom=s,
                                initial=_bands_initial(base, s.code))
            for s in SYMPTOMS
        }  # fmt: skip
        # The note is checked only when publishing; otherwise it is carried along.
        note = {"note": data.get("publish-note", "")} if data is not None else {}
        self.publish = PublishForm(
            data if publishing else None, prefix="publish", initial=note
        )
        self.course_error = ""

    @property
    def is_bound(self) -> bool:
        return self.rules.is_bound

    def is_valid(self) -> bool:
        """Whether the bands and rules make a course (`course_error` says why not if
        the forms passed but the course validator did not)."""
        forms_valid = [self.rules.is_valid()] + [f.is_valid() for f in self.bands.values()]
        if not all(forms_valid):
            return False
        try:
            self.course()
        except CourseError as error:
            self.course_error = str(error)
            return False
        return True

    def definition(self) -> dict:
        """The draft as a course definition: the version in force's, with the bands and
        rules replaced (aftercare and anything else carried over)."""
        base = copy.deepcopy(self.in_force.definition)
        base.pop("worsening", None)
        data = self.rules.cleaned_data
        reaches = {s.code: data[f"reaches_{s.code}"] for s in SYMPTOMS
                   if data[f"reaches_{s.code}"] is not None}  # fmt: skip
        return base | {
            "downtime_days": [data["downtime_shortest"], data["downtime_longest"]],
            "bleeding_expected_through_day": data["bleeding_through"],
            "not_resolving_at": data["not_resolving_at"],
            "rules": {
                "rebound": {"rise": data["rebound_rise"], "reaches": reaches},
                "pain_alarm": {key: data[f"pain_{key}"] for key in PAIN_ALARM_KEYS},
            },
            "symptoms": {
                s.code: base["symptoms"].get(s.code, {}) | {
                    "peak_day": data[f"peak_{s.code}"],
                    "bands": self.bands[s.code].bands(),
                }
                for s in SYMPTOMS
            },
        }  # fmt: skip

    def course(self) -> Course:
        """The draft loaded as the next version; raises CourseError."""
        return course_from_dict(
            self.definition(),
            procedure=self.in_force.procedure.name,
            version=self.in_force.version + 1,
        )

    def ready_to_publish(self) -> bool:
        """Valid, with a note, and different from the version in force."""
        if not (self.is_valid() and self.publish.is_valid()):
            return False
        unchanged = course_from_dict(self.definition(), procedure="", version=1) == (
            course_from_dict(self.in_force.definition, procedure="", version=1)
        )
        if unchanged:
            self.publish.add_error(None, _("The draft is the same as version %(n)s, the "
                                   "version in force: change something first.")
                                   % {"n": self.in_force.version})  # fmt: skip
        return not unchanged


def _with_one_more_band(data, code: str):
    """A copy of the form data with one more (empty) band for symptom `code`."""
    data = data.copy()
    try:
        total = int(data.get(f"{code}-TOTAL_FORMS", ""))
    except ValueError:
        return data  # a tampered management form: the formset reports it
    data[f"{code}-TOTAL_FORMS"] = str(total + 1)
    return data
