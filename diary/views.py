import hashlib
import json
import os
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.db import connection
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from clinic.access import (
    is_clinic_staff,
    may_see,
    patient_treatments,
    visible_treatments,
)
from clinic.audit import audit_record, client_address
from clinic.models import AuditEntry, Treatment
from clinic.throttle import within_budget
from diary.charts import symptom_chart_svg
from diary.comparison import photo_comparison
from diary.exports import patient_data_export
from diary.forms import (
    DowntimeReportForm,
    EntryForm,
    PushSubscriptionForm,
    ReminderPreferenceForm,
)
from diary.models import DowntimeReport, Entry, Flag, Photo, ReminderPreference
from diary.push import push_offered, push_subscription_delete, push_subscription_save
from diary.reminders import preference_of
from diary.services import EntryValues, entry_record, photo_delete
from diary.serving import photo_response
from recovery.aftercare import Status, aftercare_at
from recovery.judge import usual_for_day, usual_without_box
from recovery.scales import SYMPTOMS, SYMPTOMS_BY_CODE
from review.models import ReviewCase

TREATMENT_RELATED = (
    "clinic", "procedure", "course_version__procedure", "patient", "downtime_report",
)  # fmt: skip
REPORT_FROM_DAY = 14


def _treatment(queryset, pk: int) -> Treatment:
    """Fetch a treatment the user may see (404 otherwise) and show times in its zone."""
    treatment = get_object_or_404(queryset.select_related(*TREATMENT_RELATED), pk=pk)
    timezone.activate(treatment.clinic.zone)
    return treatment


@require_GET
def home(request):
    if not request.user.is_authenticated:
        return redirect("login")
    if is_clinic_staff(request):
        return redirect("review:case_queue")
    return redirect("diary:today")


@login_required
@require_GET
def today(request):
    """The patient's current treatment (the latest already performed), on today's day."""
    treatment = (
        patient_treatments(request.user)
        .filter(performed_at__lte=timezone.now())
        .select_related(*TREATMENT_RELATED)
        .first()
    )
    if treatment is None:
        return render(request, "diary/no_treatment.html")
    timezone.activate(treatment.clinic.zone)
    return _day_page(request, treatment, treatment.day_number(timezone.now()))


@login_required
@require_http_methods(["GET", "POST"])
def entry_day(request, pk: int, day: int):
    treatment = _treatment(patient_treatments(request.user), pk)
    if not 0 <= day <= treatment.day_number(timezone.now()):
        raise Http404("Entries can be made from the day of treatment up to today.")
    return _day_page(request, treatment, day)


def _day_page(request, treatment: Treatment, day: int):
    """Today (or a missed day): what is usual, the aftercare now, the entry and its form."""
    entry = treatment.entries.with_details().filter(day=day).first()
    form = EntryForm(initial=_initial(entry))
    status = 200
    if request.method == "POST":
        files = request.FILES  # parsing the upload notes any photo that was too large
        form = EntryForm(
            request.POST, files, too_large=getattr(request, "photos_too_large", [])
        )
        if not _save_allowed(request):
            form.add_error(None, _("You have saved many times in the last few minutes. "
                                   "Nothing was saved: please wait a few minutes and "
                                   "save again."))  # fmt: skip
            status = 429
        elif form.is_valid():
            _record(treatment, day, form)
            _say_once(request, messages.SUCCESS, _("Saved. Thank you!"))
            for warning in form.quality_warnings():
                _say_once(request, messages.WARNING, warning)
            if "application/json" in request.headers.get("Accept", ""):
                # The page's own script sent it (static/js/outbox.js) and loads the
                # page itself, which then shows these messages and the verdict.
                return JsonResponse({"saved": True, "location": request.path})
            return redirect(request.path)
    context = _day_context(treatment, day, now=timezone.now())
    return render(request, "diary/entry_day.html", context | {"entry": entry, "form": form},
                  status=status)  # fmt: skip


def _say_once(request, level: int, text: str) -> None:
    """Add a message unless the same one still waits to be shown: a save whose answer
    was lost and that is sent again (static/js/outbox.js, or a tap on Save again)
    thanks the patient once, not once per send."""
    waiting = messages.get_messages(request)
    said = any(m.level == level and m.message == text for m in waiting)
    waiting.used = False  # looking is not showing: they stay for the next page
    if not said:
        messages.add_message(request, level, text)


def _save_allowed(request) -> bool:
    """A patient saves at most ENTRY_SAVES_PER_WINDOW times in ENTRY_SAVE_WINDOW
    seconds: enough for every correction, not for a script filling the disk."""
    return within_budget(f"entry-save:{request.user.pk}",
                         limit=settings.ENTRY_SAVES_PER_WINDOW,
                         window_seconds=settings.ENTRY_SAVE_WINDOW)  # fmt: skip


def _day_context(treatment: Treatment, day: int, *, now) -> dict:
    course = treatment.course_version.course
    today_day = treatment.day_number(now)
    last_downtime_day = course.downtime_days[1]
    logged_days = set(treatment.entries.values_list("day", flat=True))
    earlier_photos = Photo.objects.filter(entry__treatment=treatment, entry__day__lt=day)
    guides = {}
    for photo in earlier_photos.select_related("entry").order_by("-entry__day", "-id")[:40]:
        guides.setdefault(photo.view, photo)
    aftercare = aftercare_at(
        course.aftercare,
        performed_at=treatment.performed_at,
        now=now,
        zone=treatment.clinic.zone,
        translate=_,
    )
    quiet = [a for a in aftercare if a.status is Status.ALLOWED and not a.advice]
    return {
        "treatment": treatment, "day": day, "day_date": treatment.date_of_day(day),
        "is_today": day == today_day,
        "usual": usual_for_day(course=course, day=day, translate=_),
        "usual_without_box": usual_without_box(day=day, translate=_),
        "aftercare": [a for a in aftercare if a not in quiet],
        "allowed_now": [a.title for a in quiet],
        # The days of the downtime left empty: after it, a late day is still open
        # through its own page, but not offered on Today.
        "missed_days": [d for d in range(min(today_day, last_downtime_day + 1))
                        if d not in logged_days],
        "guide_photos": [guides[v] for v in Photo.View.values if v in guides],
        "clinic_messages": _clinic_messages(treatment),
        "report_form": _report_form(treatment, today_day),
        "report_answered": hasattr(treatment, "downtime_report"),
        "report_from_day": REPORT_FROM_DAY,
        # Today, once the usual downtime is over: "your recovery is complete".
        "recovery_complete": day == today_day > last_downtime_day,
        "last_downtime_day": last_downtime_day,
        "push_public_key": settings.VAPID_PUBLIC_KEY if push_offered() else "",
    }  # fmt: skip


def _report_form(treatment: Treatment, today_day: int) -> DowntimeReportForm | None:
    """From day 14 the three questions are offered until answered."""
    if today_day < REPORT_FROM_DAY or hasattr(treatment, "downtime_report"):
        return None
    return DowntimeReportForm()


def _clinic_messages(treatment: Treatment) -> list:
    """The clinic's replies to this treatment's resolved cases, newest first."""
    return list(
        treatment.review_cases.filter(status=ReviewCase.Status.RESOLVED)
        .exclude(message_to_patient="")
        .order_by("-resolved_at")[:3]
    )


@dataclass(frozen=True)
class TreatmentRow:
    """What the audit needs of a treatment, read as plain values (clinic.audit)."""

    patient_id: int
    clinic_id: int
    clinic_patient_id: int


def _audit_staff_view(
    request, treatment: Treatment | TreatmentRow, action: str, target: str
) -> None:
    """Staff looking at a patient's data leave an audit row; the patient does not."""
    if treatment.patient_id != request.user.pk:
        audit_record(treatment=treatment, actor=request.user, action=action, target=target,
                     address=client_address(request))  # fmt: skip


def _initial(entry: Entry | None) -> dict:
    if entry is None:
        return {}
    return {
        "redness": entry.redness, "bruising": entry.bruising, "peeling": entry.peeling,
        "pain": entry.pain, "bleeding": "yes" if entry.bleeding else "no",
        "warning_signs": entry.warning_signs, "note": entry.note,
    }  # fmt: skip


def _record(treatment: Treatment, day: int, form: EntryForm) -> Entry:
    data = form.cleaned_data
    values = EntryValues(
        **{name: data[name] for name in ("redness", "bruising", "peeling", "pain")},
        bleeding=data["bleeding"],
        warning_signs=data["warning_signs"],
        note=data["note"],
    )
    return entry_record(
        treatment=treatment,
        day=day,
        values=values,
        photos=data["photos"],
        photo_view=data["photo_view"],
        recorded_at=timezone.now(),
        submission=data["submission"],
    )


@login_required
@require_POST
def downtime_report(request, pk: int):
    """The patient's day-14 answers; shown again with errors if something is off."""
    treatment = _treatment(patient_treatments(request.user), pk)
    if treatment.day_number(timezone.now()) < REPORT_FROM_DAY:
        raise Http404("The questions open on day 14.")
    report = DowntimeReport.objects.filter(treatment=treatment).first()
    form = DowntimeReportForm(
        request.POST, instance=report or DowntimeReport(treatment=treatment)
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Thank you: your answers help your clinic."))
        return redirect("diary:today")
    context = _day_context(
        treatment, treatment.day_number(timezone.now()), now=timezone.now()
    )
    entry = treatment.entries.with_details().filter(day=context["day"]).first()
    return render(request, "diary/entry_day.html", context | {
        "entry": entry, "form": EntryForm(initial=_initial(entry)), "report_form": form,
    })  # fmt: skip


@login_required
@require_GET
def treatment_list(request):
    # With its clinic: each treatment is dated in its clinic's zone.
    treatments = patient_treatments(request.user).select_related("procedure", "clinic")
    return render(request, "diary/treatment_list.html", {"treatments": treatments})


@login_required
@require_GET
def history(request, pk: int):
    treatment = _treatment(visible_treatments(request), pk)
    _audit_staff_view(request, treatment, AuditEntry.Action.VIEW_DIARY, "history")
    entries = treatment.entries.with_details()
    return render(request, "diary/history.html", {
        "treatment": treatment, "entries": entries, "symptoms": SYMPTOMS,
        "is_patient": treatment.patient_id == request.user.pk,
        "clinic_messages": _clinic_messages(treatment),
    })  # fmt: skip


@login_required
@require_GET
def chart(request, pk: int, symptom: str):
    """The SVG chart of one symptom, cached until the treatment's entries change."""
    # A drawn chart is served after one plain query (CHART_STAMP_SQL): the treatment's
    # patient and clinic (checked by `may_see`, and what an audit row needs) with its
    # entries' count and last save (the cache key). Reading the treatment as a model
    # with its relations, then the entries, took twice as long (bench/pages.py, chart).
    with connection.cursor() as cursor:
        cursor.execute(CHART_STAMP_SQL, [pk])
        stamp = cursor.fetchone()
    if stamp is None or not may_see(request, patient_id=stamp[0], clinic_id=stamp[1]):
        raise Http404("No such treatment for this user.")
    if symptom not in SYMPTOMS_BY_CODE:
        raise Http404("No such symptom.")
    *treatment, entries, last = stamp
    _audit_staff_view(request, TreatmentRow(*treatment), AuditEntry.Action.VIEW_DIARY,
                      f"chart {symptom}")  # fmt: skip
    last = str(last).replace(" ", "T")  # a string on SQLite, a datetime on PostgreSQL
    key = f"chart:{pk}:{symptom}:{entries}:{last}:{request.LANGUAGE_CODE}"
    svg = cache.get(key)
    if svg is None:
        treatment = _treatment(visible_treatments(request), pk)
        svg = _chart(treatment, SYMPTOMS_BY_CODE[symptom])
        cache.set(key, svg, timeout=24 * 3600)
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "private, no-cache"
    return response


# The chart view's one query on a drawn chart; built by the ORM it cost as much as the
# rest of the view (bench/pages.py, chart).
CHART_STAMP_SQL = """
SELECT treatment.patient_id, treatment.clinic_id, treatment.clinic_patient_id,
       COUNT(entry.id), MAX(entry.recorded_at)
  FROM clinic_treatment treatment
  LEFT JOIN diary_entry entry ON entry.treatment_id = treatment.id
 WHERE treatment.id = %s
 GROUP BY treatment.id, treatment.patient_id, treatment.clinic_id,
          treatment.clinic_patient_id
"""


def _chart(treatment: Treatment, symptom) -> bytes:
    rows = treatment.entries.values_list("day", symptom.code)
    flagged_days = set(
        Flag.objects.filter(entry__treatment=treatment, symptom=symptom.code).values_list(
            "entry__day", flat=True
        )
    )
    points = [(day, value, day in flagged_days) for day, value in rows]
    last_day = max([14, treatment.day_number(timezone.now())] + [p[0] for p in points])
    return symptom_chart_svg(
        course=treatment.course_version.course,
        symptom=symptom,
        points=points,
        last_day=min(last_day, 60),
    )


@require_GET
def photo(request, key, size: str):
    """A photo, only for its patient and the staff of the treatment's clinic.

    Anyone else, signed in or not, gets the same 404 as for a key that does not exist.
    """
    # One query of plain values: the file's name and its treatment's patient and
    # clinic (checked by `may_see`, and what an audit row needs). Reading the photo
    # and its treatment as models, filtered by the visible treatments, cost more than
    # sending the file (bench/pages.py, thumbnail).
    rows = (
        Photo.objects.filter(key=key)
        .values_list({"full": "image", "screen": "screen", "thumbnail": "thumbnail"}[size],
                     "entry__treatment__patient_id", "entry__treatment__clinic_id",
                     "entry__treatment__clinic_patient_id")
        .order_by()
    )  # fmt: skip
    row = next(iter(rows), None)
    if row is None or not may_see(request, patient_id=row[1], clinic_id=row[2]):
        raise Http404("No such photo for this user.")
    name, *treatment = row
    _audit_staff_view(request, TreatmentRow(*treatment), AuditEntry.Action.VIEW_PHOTO,
                      f"photo {key} ({size})")  # fmt: skip
    return photo_response(name)


@login_required
@require_http_methods(["GET", "POST"])
def photo_remove(request, key):
    """The patient removes one of their photos (to retake it), once they said yes:
    a POST with `confirm=1` removes it; anything else shows the question. The day
    page's Remove button posts without it, so without JavaScript it leads here; with
    it, the page asks inline and posts `confirm=1` (static/js/remove-confirm.js)."""
    photo = get_object_or_404(
        Photo.objects.filter(entry__treatment__patient=request.user).select_related(
            "entry__treatment__procedure", "entry__treatment__clinic"
        ),
        key=key,
    )
    if request.method == "POST" and request.POST.get("confirm") == "1":
        photo_delete(photo=photo)
        messages.success(request, _("Photo removed."))
        return redirect("diary:entry_day", pk=photo.entry.treatment_id, day=photo.entry.day)
    timezone.activate(photo.entry.treatment.clinic.zone)
    return render(request, "diary/photo_remove.html",
                  {"photo": photo, "treatment": photo.entry.treatment})  # fmt: skip


@login_required
@require_GET
def compare(request, pk: int):
    """Two days' photos side by side or overlaid, view by view (default: day 0 and the
    latest), with the patient's answers of both days; the redness index for staff."""
    treatment = _treatment(visible_treatments(request), pk)
    _audit_staff_view(request, treatment, AuditEntry.Action.VIEW_PHOTO, "compare")
    is_patient = treatment.patient_id == request.user.pk
    photos = list(
        Photo.objects.filter(entry__treatment=treatment).select_related("entry")
        .order_by("entry__day", "uploaded_at")
    )  # fmt: skip
    comparison = photo_comparison(photos, first=_day_param(request, "a"),
                                  second=_day_param(request, "b"),
                                  with_index=not is_patient)  # fmt: skip
    return render(request, "diary/compare.html",
                  {"treatment": treatment, "is_patient": is_patient, **comparison})  # fmt: skip


def _day_param(request, name: str) -> int | None:
    value = request.GET.get(name, "")
    return int(value) if value.isdigit() else None


@login_required
@require_GET
def data_export(request):
    """The patient's own copy of everything the diary holds about them, as a ZIP.

    Staff get a 404: their access to a patient's data is through the clinic's pages,
    which are audited. Not cached anywhere on the way (`no-store`)."""
    if is_clinic_staff(request):
        raise Http404("Patients download their own data.")
    now = timezone.now()
    response = FileResponse(
        patient_data_export(user=request.user, now=now),
        as_attachment=True,
        filename=f"downtime-diary-{now:%Y-%m-%d}.zip",
        content_type="application/zip",
    )
    response["Cache-Control"] = "no-store, private"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def reminders(request):
    """The patient's daily reminder: on or off, and at which hour; staff get a 404."""
    if is_clinic_staff(request):
        raise Http404("Reminders are for patients.")
    data = request.POST if request.method == "POST" else None
    form = ReminderPreferenceForm(
        data, instance=preference_of(request.user), push_offered=push_offered()
    )
    if form.is_valid():
        preference = form.save()
        messages.success(request, _reminders_said(preference))
        return redirect("diary:today")
    treatment = patient_treatments(request.user).select_related("clinic").first()
    return render(request, "diary/reminders.html", {
        "form": form, "clinic": treatment.clinic if treatment else None,
    })  # fmt: skip


def _reminders_said(preference: ReminderPreference) -> str:
    if not preference.enabled:
        return _("Reminders are off: you will not get any. You can turn them on again "
                 "from Today.")  # fmt: skip
    return _("Reminders are on: on a day of your downtime with no entry by "
             "%(time)s (your clinic's time), you get one reminder.") % {
        "time": preference.get_hour_display()}  # fmt: skip


@require_GET
def photo_page(request, key):
    """One photo at screen size inside the app: its day and view, the way back, and
    the treatment's earlier and later photos. Checked and audited like the photo
    itself: anyone else, signed in or not, gets the same 404."""
    photo = get_object_or_404(
        Photo.objects.filter(entry__treatment__in=visible_treatments(request))
        .select_related("entry__treatment__clinic"),
        key=key,
    )  # fmt: skip
    treatment = photo.entry.treatment
    timezone.activate(treatment.clinic.zone)
    _audit_staff_view(request, treatment, AuditEntry.Action.VIEW_PHOTO,
                      f"photo {photo.key} (page)")  # fmt: skip
    keys = list(
        Photo.objects.filter(entry__treatment=treatment)
        .order_by("entry__day", "uploaded_at", "id").values_list("key", flat=True)
    )  # fmt: skip
    at = keys.index(photo.key)
    return render(request, "diary/photo_detail.html", {
        "photo": photo, "treatment": treatment,
        "day_date": treatment.date_of_day(photo.entry.day),
        "is_patient": treatment.patient_id == request.user.pk,
        "earlier": keys[at - 1] if at > 0 else None,
        "later": keys[at + 1] if at + 1 < len(keys) else None,
    })  # fmt: skip


# The installable app (README, "Phone app, notifications and offline saves").
# Colours of static/css/diary.css: the buttons' blue and the page's grey.
THEME_COLOUR = "#0a58ca"
BACKGROUND_COLOUR = "#f7f8fa"
# What the service worker keeps for a page to draw without the network: the styles,
# our scripts, the icons and the offline page. Never a page or a photo of a diary.
APP_SHELL = (
    "bootstrap/css/bootstrap.min.css", "css/diary.css", "js/error-summary.js",
    "js/sw-register.js", "js/outbox.js", "js/photo-preview.js",
    "js/remove-confirm.js", "js/push.js", "icons/icon-192.png",
)  # fmt: skip


@require_GET
def manifest(request):
    """The web app manifest, in the visitor's language: installed from the browser,
    the diary opens on Today, full screen, with its icon."""
    icons = [
        {"src": static("icons/icon-192.png"), "sizes": "192x192", "type": "image/png",
         "purpose": "any"},
        {"src": static("icons/icon-512.png"), "sizes": "512x512", "type": "image/png",
         "purpose": "any"},
        {"src": static("icons/icon-maskable-512.png"), "sizes": "512x512",
         "type": "image/png", "purpose": "maskable"},
    ]  # fmt: skip
    data = {
        "name": _("Downtime Diary"),
        "short_name": pgettext("the app's name under its icon", "Diary"),
        "description": _("Your skin's recovery after a treatment, day by day, with "
                         "your clinic."),
        "lang": get_language(), "dir": "ltr",
        "id": reverse("diary:today"), "start_url": reverse("diary:today"), "scope": "/",
        "display": "standalone", "orientation": "portrait",
        "theme_color": THEME_COLOUR, "background_color": BACKGROUND_COLOUR,
        "categories": ["health", "medical"], "icons": icons,
    }  # fmt: skip
    return JsonResponse(data, content_type="application/manifest+json",
                        json_dumps_params={"ensure_ascii": False})  # fmt: skip


@require_GET
def service_worker(request):
    """The service worker, from the site's root so that it may serve every page: it
    keeps the app's shell (APP_SHELL and the offline page) under a name that changes
    with those files, shows the offline page when a page cannot be loaded, and shows
    push notifications. Everything else goes to the network untouched."""
    shell = [static(name) for name in APP_SHELL] + [reverse("diary:offline")]
    version = hashlib.sha256("\n".join(_shell_stamps(shell)).encode()).hexdigest()[:16]
    body = render_to_string("diary/service_worker.js", {
        "shell": json.dumps(shell), "version": json.dumps(version),
        "offline": json.dumps(reverse("diary:offline")),
        "today": json.dumps(reverse("diary:today")),
        "icon": json.dumps(static("icons/icon-192.png")),
        "name": json.dumps(_("Downtime Diary"), ensure_ascii=False),
    })  # fmt: skip
    response = HttpResponse(body, content_type="application/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    # Asked for again on each visit: a changed shell reaches phones at once.
    response["Cache-Control"] = "no-cache"
    return response


def _shell_stamps(shell: list[str]) -> list[str]:
    """What names this version of the shell. In production the static files' names
    carry a hash of their content; in development (DEBUG, unhashed names) each file's
    modification time stands in for it, so an edited stylesheet is not served stale."""
    if not settings.DEBUG:
        return shell
    stamps = list(shell)
    for name in APP_SHELL:
        found = finders.find(name)
        stamps.append(str(os.stat(found).st_mtime_ns) if found else name)
    return stamps


@require_GET
def offline(request):
    """What the service worker shows when a page cannot be loaded. The same for
    everyone (it is kept on the phone): no name, no diary."""
    return render(request, "diary/offline.html")


def _push_refusal(request) -> JsonResponse | None:
    """Why this request may not (un)subscribe, as a JSON answer; None if it may."""
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Please sign in first.")}, status=401)
    if is_clinic_staff(request):
        return JsonResponse(
            {"error": _("Phone notifications are for patients.")}, status=403
        )
    return None


def _json_body(request) -> dict | None:
    try:
        data = json.loads(request.body)
    except (UnicodeDecodeError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@require_POST
def push_subscribe(request):
    """Keep this browser's push subscription for the signed-in patient (the button on
    Today, static/js/push.js): POST the JSON of the browser's PushSubscription, with
    the CSRF token in X-CSRFToken. Answers JSON: 201 once kept; 400, 401, 403 or 404
    with an `error` to show."""
    refusal = _push_refusal(request)
    if refusal is not None:
        return refusal
    if not push_offered():
        return JsonResponse(
            {"error": _("Phone notifications are not set up on this site.")}, status=404
        )
    data = _json_body(request)
    keys = data.get("keys") if data is not None else None
    if not isinstance(keys, dict):
        return JsonResponse({"error": _("This is not a push subscription: expected "
                                        "JSON with an endpoint and its keys.")},
                            status=400)  # fmt: skip
    form = PushSubscriptionForm(
        {"endpoint": data.get("endpoint"), "p256dh": keys.get("p256dh"),
         "auth": keys.get("auth")}
    )  # fmt: skip
    if not form.is_valid():
        return JsonResponse({"error": _("This push subscription is not valid."),
                             "fields": form.errors}, status=400)  # fmt: skip
    push_subscription_save(user=request.user, **form.cleaned_data)
    return JsonResponse({"subscribed": True}, status=201)


@require_POST
def push_unsubscribe(request):
    """Forget this browser's push subscription (turned off on this phone): POST JSON
    `{"endpoint": ...}`. Answers JSON: 200 with how many were forgotten (0 if it was
    not known); 400, 401 or 403 with an `error`."""
    refusal = _push_refusal(request)
    if refusal is not None:
        return refusal
    data = _json_body(request)
    endpoint = data.get("endpoint") if data is not None else None
    if not isinstance(endpoint, str) or not endpoint:
        return JsonResponse({"error": _("Expected JSON with the endpoint to forget.")},
                            status=400)  # fmt: skip
    deleted = push_subscription_delete(user=request.user, endpoint=endpoint)
    return JsonResponse({"subscribed": False, "deleted": deleted})
