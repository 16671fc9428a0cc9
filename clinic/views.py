from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from clinic.access import (
    managed_clinics,
    manager_required,
    staff_required,
    staff_treatments,
)
from clinic.audit import audit_record, client_address
from clinic.forms import TreatmentForm
from clinic.models import AuditEntry, Treatment
from clinic.qr import qr_data_uri
from clinic.search import SEARCH_MAX_LENGTH, treatments_matching
from clinic.services import (
    TreatmentError,
    invitation_path,
    treatment_accept,
    treatment_create,
    treatment_for_join,
)
from recovery.scales import SYMPTOMS


@staff_required
@require_GET
def treatment_list(request):
    """The treatments of the user's clinics, newest first; with `q`, those whose
    patient's name, email or phone contains it. Each is dated in its clinic's zone."""
    query = request.GET.get("q", "")[:SEARCH_MAX_LENGTH].strip()
    treatments = treatments_matching(staff_treatments(request), query).select_related(
        "clinic_patient", "procedure", "clinic"
    )
    page = Paginator(treatments, 50).get_page(request.GET.get("page"))
    return render(request, "clinic/treatment_list.html", {"page": page, "query": query})


@staff_required
@require_http_methods(["GET", "POST"])
def treatment_new(request):
    form = TreatmentForm(request.POST or None, staff_user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            treatment = treatment_create(**form.cleaned_data)
        except TreatmentError as error:
            form.add_error("patient_email", str(error))
        else:
            messages.success(
                request, _("Treatment created. We have emailed the patient a link.")
            )
            return redirect("clinic:treatment_detail", pk=treatment.pk)
    return render(request, "clinic/treatment_form.html", {"form": form})


@staff_required
@require_GET
def treatment_detail(request, pk: int):
    treatment = get_object_or_404(
        staff_treatments(request).select_related(
            "clinic_patient",
            "patient",
            "procedure",
            "clinic",
            "course_version__procedure",
            "practitioner",
        ),
        pk=pk,
    )
    timezone.activate(treatment.clinic.zone)
    audit_record(treatment=treatment, actor=request.user, action=AuditEntry.Action.VIEW_DIARY,
                 target="treatment page", address=client_address(request))  # fmt: skip
    invitation = qr = None
    # Only on the treatment that created the account, until its password is set: the
    # front desk may show it as a QR code for the patient's phone. Any other account
    # is its owner's; the clinic never gets a link into it.
    if treatment.created_account and not treatment.patient.has_usable_password():
        invitation = request.build_absolute_uri(invitation_path(treatment.patient))
        qr = qr_data_uri(invitation)
    return render(
        request,
        "clinic/treatment_detail.html",
        {
            "treatment": treatment,
            "invitation": invitation,
            "invitation_qr": qr,
            "can_erase": treatment.clinic_id in managed_clinics(request),
            "symptoms": SYMPTOMS,
            "entries": treatment.entries.with_details(),
            "day_today": treatment.day_number(timezone.now()),
        },
    )


@manager_required
@require_GET
def audit_log(request):
    """The audit log of the clinics the user manages; not for clinicians."""
    entries = AuditEntry.objects.for_manager(request.user).select_related(
        "actor", "clinic_patient", "clinic"
    )
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "clinic/audit_log.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def treatment_join(request, token: str):
    """The emailed link: the owner of the address accepts a clinic's treatment into
    their diary. Anyone else, or a used or old link, gets a 404."""
    try:
        treatment = treatment_for_join(token=token, user=request.user)
    except Treatment.DoesNotExist:
        raise Http404("No treatment waits for this account under this link.") from None
    if request.method == "POST":
        treatment_accept(treatment=treatment, user=request.user)
        messages.success(request, _("The treatment is now in your diary."))
        return redirect("diary:today")
    timezone.activate(treatment.clinic.zone)
    return render(request, "clinic/treatment_join.html", {"treatment": treatment})
