from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.access import managed_clinics, staff_required
from clinic.audit import client_address
from clinic.models import AuditEntry, Treatment
from outcomes.cohorts import cohort_csv, cohorts_compare, comparison_csv
from outcomes.forms import COHORT_PREFIXES, CohortForm, cohort_choices
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
