from contextlib import suppress

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from clinic.access import managed_clinics, manager_required, staff_required
from clinic.audit import client_address
from clinic.models import AuditEntry, ClinicPatient, CourseVersion, Procedure, Treatment
from diary.erasure import AlreadyErased, erasure_preview, patient_data_erase
from outcomes.cohorts import cohort_csv, cohorts_compare, comparison_csv
from outcomes.forms import COHORT_PREFIXES, CohortForm, cohort_choices
from outcomes.lab import (
    CourseConflict,
    band_chart,
    course_publish,
    course_replay,
    lab_diaries,
    observed_spreads,
    procedures_in_force,
    resolved_cases,
)
from outcomes.lab_forms import CourseDraft
from recovery.scales import SYMPTOMS


def _managed_clinics(request) -> list[int]:
    """Ids of the clinics the user manages; 404 for anyone else."""
    clinics = managed_clinics(request)
    if not clinics:
        raise Http404("Only clinic managers see outcomes.")
    return clinics


def _cohort_forms(request, choices: dict) -> list[CohortForm]:
    """Cohort a always; b and c once any of their fields is filled in."""
    forms = [
        CohortForm(request.GET, prefix=p, staff_user=request.user, choices=choices)
        for p in COHORT_PREFIXES
    ]
    return [
        f
        for f in forms
        if f.prefix == "a" or any(request.GET.get(f"{f.prefix}-{n}") for n in f.fields)
    ]


def _course(form: CohortForm):
    data = form.cleaned_data if form.is_valid() else {}
    if data.get("course_version"):
        return data["course_version"].course
    return data["procedure"].current_course().course if data.get("procedure") else None


def _cohorts(request, forms: list[CohortForm]) -> list[tuple]:
    """(treatments, label, course) of each form, within the user's managed clinics."""
    managed = Treatment.objects.filter(clinic__in=_managed_clinics(request))
    return [(f.treatments(managed), f.label(), _course(f)) for f in forms]


@staff_required
@require_GET
def outcomes(request):
    choices = cohort_choices(request.user)
    forms = _cohort_forms(request, choices)
    comparison = cohorts_compare(_cohorts(request, forms), now=timezone.now())
    empty = [
        CohortForm(prefix=p, staff_user=request.user, choices=choices)
        for p in COHORT_PREFIXES[len(forms) :]
    ]
    return render(request, "outcomes/outcomes.html", comparison | {
        "forms": forms, "empty_forms": empty, "symptoms": SYMPTOMS,
        "query": request.GET.urlencode(),
    })  # fmt: skip


@staff_required
@require_GET
def outcomes_summary_export(request):
    """The comparison table as CSV (no names; counts only for small cohorts); audited."""
    clinics = _managed_clinics(request)
    forms = _cohort_forms(request, cohort_choices(request.user))
    comparison = cohorts_compare(_cohorts(request, forms), now=timezone.now(), charts=False)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="cohorts-summary.csv"'
    comparison_csv(comparison, response)
    _export_audit(request, clinics, "outcomes summary export")
    return response


def _export_audit(request, clinics: list[int], target: str) -> None:
    AuditEntry.objects.bulk_create(
        AuditEntry(clinic_id=clinic, actor=request.user, clinic_patient=None,
                   action=AuditEntry.Action.EXPORT, target=target,
                   address=client_address(request))
        for clinic in clinics
    )  # fmt: skip


@staff_required
@require_GET
def outcomes_export(request):
    """One cohort's entries as CSV: pseudonymous ids, no names, no notes; audited."""
    clinics = _managed_clinics(request)
    prefix = request.GET.get("cohort", "a")
    if prefix not in COHORT_PREFIXES:
        raise Http404("No such cohort.")
    form = CohortForm(request.GET, prefix=prefix, staff_user=request.user)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{prefix}-entries.csv"'
    cohort_csv(form.treatments(Treatment.objects.filter(clinic__in=clinics)), response)
    _export_audit(request, clinics, f"outcomes export, cohort {prefix}")
    return response


class ErasureConfirmForm(forms.Form):
    """The manager types the patient's name: a deliberate act, never a stray click."""

    confirm_name = forms.CharField(
        label=gettext_lazy("Type the patient's name to confirm"),
        max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off"}),
    )

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.name = name

    def clean_confirm_name(self) -> str:
        typed = self.cleaned_data["confirm_name"]
        if " ".join(typed.split()).casefold() != " ".join(self.name.split()).casefold():
            raise forms.ValidationError(_("This is not the patient's name as recorded."))
        return typed


@manager_required
@require_http_methods(["GET", "POST"])
def patient_erase(request, pk: int):
    """A manager deletes a patient's diary data at their clinic, on the patient's
    request: GET explains what goes and what stays, POST (with the typed name) erases.
    Another clinic's patient, or a clinician, gets a 404."""
    record = get_object_or_404(
        ClinicPatient.objects.filter(clinic__in=managed_clinics(request)).select_related(
            "clinic"
        ),
        pk=pk,
    )
    form = ErasureConfirmForm(request.POST or None, name=record.name)
    if request.method == "POST" and record.erased_at is None and form.is_valid():
        # Another manager a moment quicker: done already, as the page then says.
        with suppress(AlreadyErased):
            patient_data_erase(
                clinic_patient=record, actor=request.user, address=client_address(request)
            )
        messages.success(request, _("The patient's diary data have been deleted."))
        return redirect("outcomes:patient_erase", pk=record.pk)
    treatments = record.treatments.select_related("procedure").order_by("-performed_at")
    timezone.activate(record.clinic.zone)
    return render(request, "outcomes/patient_erase.html", {
        "record": record, "form": form, "treatments": treatments,
        "preview": erasure_preview(clinic_patient=record),
    })  # fmt: skip


@manager_required
@require_GET
def course_list(request):
    """The procedures of the clinics the user manages, with the version in force."""
    procedures = procedures_in_force(clinics=managed_clinics(request))
    return render(request, "outcomes/course_list.html", {"procedures": procedures})


@manager_required
@require_http_methods(["GET", "POST"])
def course_lab(request, pk: int):
    """A draft of the procedure's next course version, from the version in force:
    "Try it" replays it over the clinic's diaries (writing nothing), "Publish" saves
    it as the next version. Another clinic's procedure, or a clinician, gets a 404."""
    procedure = get_object_or_404(
        Procedure.objects.filter(clinic__in=managed_clinics(request)), pk=pk
    )
    try:
        in_force = procedure.current_course()
    except CourseVersion.DoesNotExist:
        raise Http404("This procedure has no course to start from.") from None
    action = request.POST.get("action")
    draft = CourseDraft(
        request.POST or None, in_force=in_force, publishing=action == "publish"
    )
    if action == "publish" and draft.ready_to_publish():
        try:
            version = course_publish(
                procedure=procedure, definition=draft.definition(),
                note=draft.publish.cleaned_data["note"], based_on=_based_on(request),
                actor=request.user, address=client_address(request),
            )  # fmt: skip
        except CourseConflict as conflict:
            draft.publish.add_error(None, _(
                "Version %(n)s was published while you were editing. Try your draft "
                "against it, then publish again.") % {"n": conflict.latest})  # fmt: skip
        else:
            messages.success(request, _("%(procedure)s version %(n)s is now in force: new "
                             "treatments get it.") % {"procedure": procedure.name,
                                                      "n": version.version})  # fmt: skip
            return redirect("outcomes:course_list")
    return render(request, "outcomes/course_lab.html", _lab_page(
        procedure, in_force, draft, replay=action == "try"))  # fmt: skip


def _based_on(request) -> int:
    """The version in force when the manager loaded the draft (0 if the field was
    tampered with, which then conflicts)."""
    try:
        return int(request.POST.get("based_on", ""))
    except ValueError:
        return 0


def _lab_page(procedure, in_force, draft: CourseDraft, *, replay: bool) -> dict:
    """The lab's context: each symptom's bands with its chart (the draft's bands if
    they make a course, else the version in force's), and the replay if asked."""
    diaries = lab_diaries(procedure=procedure)
    valid = draft.is_valid()
    course = draft.course() if valid else in_force.course
    spreads = observed_spreads(diaries=diaries)
    sections = [
        (symptom, draft.bands[symptom.code], draft.rules[f"peak_{symptom.code}"],
         draft.rules[f"reaches_{symptom.code}"],
         band_chart(symptom=symptom, course=course, spreads=spreads[symptom.code]))
        for symptom in SYMPTOMS
    ]  # fmt: skip
    return {
        "procedure": procedure, "in_force": in_force, "draft": draft,
        "sections": sections, "chart_is_draft": valid,
        "diaries": len(diaries), "entries": sum(len(d.observations) for d in diaries),
        "replay": course_replay(
            diaries=diaries, in_force=in_force.course, draft=course,
            cases=resolved_cases(procedure=procedure),
        ) if replay and valid else None,
    }  # fmt: skip
