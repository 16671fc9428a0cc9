import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from clinic.audit import client_address
from clinic.models import AuditEntry, StaffMember, Treatment
from clinic.outcome_charts import resolution_chart, spread_chart
from clinic.outcome_forms import COHORT_PREFIXES, CohortForm
from clinic.outcomes import cohort_summary, pseudonym
from clinic.views import staff_required
from diary.models import Entry
from recovery.scales import SYMPTOMS
from recovery.survival import log_rank


def _managed_clinics(request) -> list[int]:
    """Ids of the clinics the user manages; 404 for anyone else."""
    roles = StaffMember.objects.filter(user=request.user, role=StaffMember.Role.MANAGER)
    clinics = list(roles.values_list("clinic", flat=True))
    if not clinics:
        raise Http404("Only clinic managers see outcomes.")
    return clinics


def _cohort_forms(request) -> list[CohortForm]:
    """Cohort a always; b and c once any of their fields is filled in."""
    forms = [
        CohortForm(request.GET, prefix=p, staff_user=request.user) for p in COHORT_PREFIXES
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


@staff_required
@require_GET
def outcomes(request):
    base = Treatment.objects.filter(clinic__in=_managed_clinics(request))
    now = timezone.now()
    forms = _cohort_forms(request)
    empty = [
        CohortForm(prefix=p, staff_user=request.user) for p in COHORT_PREFIXES[len(forms) :]
    ]
    cohorts = [
        cohort_summary(f.treatments(base), label=f.label(), course=_course(f), now=now)
        for f in forms
    ]
    shown = [c for c in cohorts if not c.small]
    course = _course(forms[0])
    charts = (
        [(resolution_chart(s, shown), spread_chart(s, shown, course)) for s in SYMPTOMS]
        if shown
        else []
    )
    tests = {}
    if len(shown) >= 2:
        tests = {
            s.code: log_rank(
                [
                    (shown[i].resolution[s.code].times, shown[i].resolution[s.code].events)
                    for i in (0, 1)
                ]
            )
            for s in SYMPTOMS
        }
    return render(request, "clinic/outcomes.html", {
        "forms": forms, "empty_forms": empty, "cohorts": cohorts, "charts": charts,
        "tests": tests, "symptoms": SYMPTOMS, "query": request.GET.urlencode(),
    })  # fmt: skip


EXPORT_FIELDS = ("treatment", "treatment__procedure__slug", "treatment__course_version__version",
                 "treatment__needle_depth_mm", "treatment__anaesthesia", "day", "redness",
                 "bruising", "peeling", "pain", "bleeding", "warning_signs", "status")  # fmt: skip


@staff_required
@require_GET
def outcomes_export(request):
    """One cohort's entries as CSV: pseudonymous ids, no names, no notes."""
    clinics = _managed_clinics(request)
    base = Treatment.objects.filter(clinic__in=clinics)
    prefix = request.GET.get("cohort", "a")
    if prefix not in COHORT_PREFIXES:
        raise Http404("No such cohort.")
    treatments = CohortForm(request.GET, prefix=prefix, staff_user=request.user).treatments(
        base
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="cohort-{prefix}-entries.csv"'
    writer = csv.writer(response)
    writer.writerow(["treatment", "procedure", "course_version", "needle_depth_mm", "anaesthesia",
                     "day", "redness", "bruising", "peeling", "pain", "bleeding", "warning_signs", "status"])  # fmt: skip
    rows = (
        Entry.objects.filter(treatment__in=treatments)
        .order_by("treatment", "day")
        .values_list(*EXPORT_FIELDS)
    )
    for treatment_id, *values in rows.iterator(chunk_size=5000):
        values[-2] = " ".join(values[-2])
        writer.writerow([pseudonym(treatment_id), *values])
    AuditEntry.objects.bulk_create(
        AuditEntry(clinic_id=clinic, actor=request.user, patient=None,
                   action=AuditEntry.Action.EXPORT, target=f"outcomes export, cohort {prefix}",
                   address=client_address(request))
        for clinic in clinics
    )  # fmt: skip
    return response
