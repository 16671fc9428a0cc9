from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from clinic.access import staff_clinics, staff_required
from clinic.audit import audit_record, client_address
from clinic.models import AuditEntry, CourseVersion
from diary.models import Entry, Flag, Photo
from diary.reminders import case_resolve_and_tell
from recovery.days import day_number
from recovery.scales import SYMPTOMS
from review.forms import (
    WAITING,
    ContactForm,
    NoteForm,
    QueueFilterForm,
    ResolveForm,
    count_of,
)
from review.models import CaseEvent, ReviewCase
from review.presenters import (
    CASE_FIELDS,
    ROW_FIELDS,
    TIMELINE_FIELDS,
    CaseHeader,
    case_header,
    case_timeline,
    clinician_text,
    queue_rows,
)
from review.services import CaseError, case_acknowledge, case_note


@staff_required
@require_GET
def case_queue(request):
    """One row per case, urgent first; the query count does not grow with the queue."""
    form = QueueFilterForm(request.GET or None, staff_user=request.user)
    cases = ReviewCase.objects.in_clinics(staff_clinics(request))
    counts = dict(cases.values_list("status").annotate(n=Count("id")).order_by())
    latest_photo = Photo.objects.filter(entry__treatment=OuterRef("treatment_id"))
    queue = (
        form.filtered(cases).in_queue_order()
        .annotate(photo_key=Subquery(latest_photo.order_by("-entry__day", "-id").values("key")[:1]))
        .values(*ROW_FIELDS)
    )  # fmt: skip
    # The counts by status already answer the navigation badge and, with no other
    # filter, the paginator's total: two COUNT queries saved on the busiest page.
    request.open_case_count = count_of(counts, WAITING)
    paginator = Paginator(queue, 25)
    if not form.narrows():
        paginator.count = form.count(counts)
    page = paginator.get_page(request.GET.get("page"))
    messages_by_case = {}
    flags = Flag.objects.filter(case__in=[row["pk"] for row in page]).order_by(
        "-level", "-id"
    )
    for case_id, *texts in flags.values_list("case", "translations", "detail", "message"):
        messages_by_case.setdefault(case_id, []).append(clinician_text(*texts))
    return render(request, "review/case_queue.html", {
        "form": form, "page": page, "counts": counts, "query": _without_page(request),
        "status": form.chosen_status(), "tabs": form.status_tabs(counts),
        "rows": queue_rows(page, messages_by_case, now=timezone.now()),
    })  # fmt: skip


def _without_page(request) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@staff_required
@require_GET
def case_detail(request, pk: int):
    case = _case_header(request, pk)
    audit_record(treatment=case, actor=request.user, action=AuditEntry.Action.VIEW_CASE,
                 target=f"case {case.pk}", address=client_address(request))  # fmt: skip
    return _case_page(request, case)


def _case_header(request, pk: int) -> CaseHeader:
    """The case if it is one of the user's clinics' (else 404), as read-only values:
    model instances for the case, its treatment and five related rows cost more
    than the queries. The people and the course version are asked apart: joined
    into one seven-table query, PostgreSQL spent longer planning it than running
    the three."""
    row = get_object_or_404(
        ReviewCase.objects.in_clinics(staff_clinics(request)).values(*CASE_FIELDS), pk=pk
    )
    people = get_user_model().objects.filter(pk=row["treatment__practitioner_id"])
    names = {
        pk: rest
        for pk, *rest in people.values_list("pk", "first_name", "last_name", "email")
    }
    course = CourseVersion.objects.values_list("procedure__name", "version").get(
        pk=row["treatment__course_version_id"]
    )
    return case_header(row, names, course)


def _case_page(request, case: CaseHeader, **bound_forms):
    timezone.activate(case.zone)
    forms = {
        "note_form": NoteForm(),
        "contact_form": ContactForm(),
        "resolve_form": ResolveForm(),
    }
    # Read-only rows rather than models with prefetches: a third of the page's time.
    entries = list(
        Entry.objects.filter(treatment=case.treatment_id)
        .order_by("day")
        .values(*TIMELINE_FIELDS)
    )
    flags = list(
        Flag.objects.filter(entry__treatment=case.treatment_id)
        .order_by("-level", "id")
        .values("entry_id", "level", "translations", "detail", "message", "case_id")
    )  # fmt: skip
    photos = Photo.objects.filter(entry__treatment=case.treatment_id).order_by(
        "uploaded_at", "id"
    )
    now = timezone.now()
    return render(request, "review/case_detail.html", forms | bound_forms | {
        "case": case, "symptoms": SYMPTOMS,
        "flags": [
            f | {"text": clinician_text(f["translations"], f["detail"], f["message"])}
            for f in flags if f["case_id"] == case.pk
        ],
        "events": CaseEvent.objects.filter(case=case.pk).select_related("actor"),
        "timeline": case_timeline(entries, flags, photos.values("entry_id", "key", "view")),
        "day_today": day_number(performed_at=case.performed_at, at=now, zone=case.zone),
    })  # fmt: skip


# action -> (its form, or None; the service). Form fields match the service keywords.
ACTIONS = {
    "acknowledge": (None, case_acknowledge),
    "note": (NoteForm, case_note),
    "contact": (ContactForm, case_note),
    "resolve": (ResolveForm, case_resolve_and_tell),  # a message: the patient is told
}


@staff_required
@require_POST
def case_action(request, pk: int, action: str):
    """Acknowledge, note, record a contact or resolve; what was typed survives errors."""
    case = _case_header(request, pk)
    form_class, service = ACTIONS[action]
    form = form_class(request.POST) if form_class else None
    if form is not None and not form.is_valid():  # the page shows the diary again
        audit_record(treatment=case, actor=request.user, action=AuditEntry.Action.VIEW_CASE,
                     target=f"case {case.pk}", address=client_address(request))  # fmt: skip
        return _case_page(request, case, **{f"{action}_form": form})
    fields = form.cleaned_data if form is not None else {}
    try:
        service(
            case_id=case.pk, user=request.user, address=client_address(request), **fields
        )
    except CaseError as error:
        messages.warning(request, str(error))
    else:
        messages.success(request, _("Saved."))
    return redirect("review:case_detail", pk=case.pk)
