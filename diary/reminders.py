"""What reaches patients outside the app: the daily reminder to log a day, and
"your clinic replied". Both carry a link and never a symptom, a photo or the
clinic's words.

Each goes out through a channel: an object with a `name`, `available_for(user)` and
`send(*, user, treatment, day, kind)`, which raises on failure (the task then tries
again later, see clinic.tasks). A notice goes through the first channel in CHANNELS
that is available for the patient: a notification on their phone (WebPushChannel)
when push is set up, they turned it on from Today and chose it; else email for
everyone with an address. A channel that finds while sending that it cannot reach
the patient after all (every phone's subscription had expired) raises Unreachable,
and the next channel is tried at once.

Reminders: from day 0 to the last day of the course's downtime, a day with no entry
by the patient's chosen hour (ReminderPreference, 20:00 by default) in the clinic's
zone gets one reminder. `reminders_enqueue`, run by `manage.py scheduler` every few
minutes, queues those due; a Reminder row per treatment and day, written in the same
transaction, keeps it to one. At send time it is checked again, so a day logged or a
reminder turned off meanwhile gets nothing.
"""

from datetime import datetime, time, timedelta
from typing import Protocol

from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from clinic.languages import email_language
from clinic.models import CourseVersion, Treatment
from clinic.tasks import absolute_url, enqueue_after_commit, send_or_retry
from diary.models import Entry, Reminder, ReminderPreference
from diary.push import PushMessage, push_offered, push_send
from review.models import ReviewCase
from review.services import case_resolve

REMINDER = "reminder"
CLINIC_REPLY = "clinic_reply"


class Channel(Protocol):
    """A way to reach a patient outside the app."""

    name: str

    def available_for(self, user) -> bool:
        """Whether this channel can reach `user` (an address, a subscribed phone)."""
        ...

    def send(self, *, user, treatment: Treatment, day: int | None, kind: str) -> None:
        """Tell `user` about `kind` (REMINDER for `day`, or CLINIC_REPLY) concerning
        `treatment`; raise if it could not be handed over."""
        ...


class EmailChannel:
    """A short email with a link to the diary."""

    name = "email"

    def available_for(self, user) -> bool:
        return bool(user.email) and user.is_active

    def send(self, *, user, treatment: Treatment, day: int | None, kind: str) -> None:
        # In the patient's language (their saved choice, else their clinic's).
        with translation.override(email_language(clinic=treatment.clinic, user=user)):
            subject, body = self._text(treatment=treatment, day=day, kind=kind)
        send_mail(
            subject=subject, message=body, from_email=None, recipient_list=[user.email]
        )

    def _text(self, *, treatment: Treatment, day: int | None, kind: str) -> tuple[str, str]:
        clinic = treatment.clinic.name
        if kind == REMINDER:
            subject = _("%(clinic)s: how is your skin today?") % {"clinic": clinic}
            body = _(
                "Today is day %(day)d after your treatment, and your diary has no entry "
                "for it yet. It takes a minute:\n%(url)s\n\n"
                "To change the time of this reminder or turn it off:\n%(settings)s"
            ) % {
                "day": day,
                "url": absolute_url(reverse("diary:entry_day", args=[treatment.pk, day])),
                "settings": absolute_url(reverse("diary:reminders")),
            }
        else:
            subject = _("%(clinic)s has replied about your diary") % {"clinic": clinic}
            body = _(
                "Your clinic has looked at your diary and left you a message. Read it "
                "in your diary (sign in first):\n%(url)s\n\n"
                "The message itself is not sent by email."
            ) % {"url": absolute_url(reverse("diary:history", args=[treatment.pk]))}
        return subject, body


class Unreachable(Exception):
    """Raised by a channel's `send` that found it cannot reach the patient after all;
    the next available channel is tried at once."""


class WebPushChannel:
    """A notification on each phone where the patient turned them on (diary.push): a
    title, a sentence and a link, as the email has. The phone shows it in the
    patient's language (their saved choice, else their clinic's)."""

    name = "push"

    def available_for(self, user) -> bool:
        return (
            push_offered()
            and user.is_active
            and preference_of(user).channel == ReminderPreference.Channel.PUSH
            and user.push_subscriptions.exists()
        )

    def send(self, *, user, treatment: Treatment, day: int | None, kind: str) -> None:
        """Send to every subscribed phone; done once one has taken it. Raises the last
        error when none could be reached for now (the task tries again later), and
        Unreachable when every subscription turned out to be gone."""
        with translation.override(email_language(clinic=treatment.clinic, user=user)):
            message = self._message(treatment=treatment, day=day, kind=kind)
        delivered, failure = 0, None
        for subscription in list(user.push_subscriptions.all()):
            try:
                delivered += push_send(subscription=subscription, message=message)
            except Exception as error:
                failure = error
        if delivered:
            return
        if failure is not None:
            raise failure
        raise Unreachable(self.name)

    def _message(self, *, treatment: Treatment, day: int | None, kind: str) -> PushMessage:
        if kind == REMINDER:
            return PushMessage(
                title=_("How is your skin today?"),
                body=_(
                    "Day %(day)d after your treatment has no entry yet. It takes a minute."
                )
                % {"day": day},
                url=reverse("diary:entry_day", args=[treatment.pk, day]),
                tag=f"reminder-{treatment.pk}-{day}",
            )
        return PushMessage(
            title=_("Your clinic has replied"),
            body=_("Open your diary to read their message."),
            url=reverse("diary:history", args=[treatment.pk]),
            tag=f"reply-{treatment.pk}",
        )


# In order of preference: a notice goes through the first available for the patient.
CHANNELS: list[Channel] = [WebPushChannel(), EmailChannel()]


def channel_for(user) -> Channel | None:
    """The first channel of CHANNELS that can reach `user`, or None."""
    return next((c for c in CHANNELS if c.available_for(user)), None)


@task()
def patient_notice(treatment_id: int, kind: str, day: int | None = None,
                   attempt: int = 1) -> str:  # fmt: skip
    """Tell the treatment's patient about `kind` through their channel; if the
    channel fails, try again later (clinic.tasks)."""
    return send_or_retry(patient_notice, _notice_send, treatment_id, kind, day,
                         attempt=attempt)  # fmt: skip


def _notice_send(treatment_id: int, kind: str, day: int | None) -> None:
    treatment = (
        Treatment.objects.select_related("clinic", "patient")
        .filter(pk=treatment_id)
        .first()
    )
    user = treatment.patient if treatment is not None else None
    if user is None:  # deleted, or its diary erased since: nobody to tell
        return
    if kind == REMINDER and not _reminder_wanted(treatment, day):
        return
    for channel in CHANNELS:
        if not channel.available_for(user):
            continue
        try:
            channel.send(user=user, treatment=treatment, day=day, kind=kind)
        except Unreachable:
            continue
        return


def _reminder_wanted(treatment: Treatment, day: int) -> bool:
    """Still no entry for the day, and reminders still on."""
    return (
        preference_of(treatment.patient).enabled
        and not treatment.entries.filter(day=day).exists()
    )


def preference_of(user) -> ReminderPreference:
    """The patient's reminder preference; the default (on, at 20:00) if never set."""
    try:
        return user.reminder_preference
    except ReminderPreference.DoesNotExist:
        return ReminderPreference(user=user)


def reminder_time(treatment: Treatment, day: int, hour: int) -> datetime:
    """`hour`:00 on `day` after treatment, in the clinic's zone (so 20:00 stays 20:00
    on the days the clocks change)."""
    date = treatment.date_of_day(day)
    return datetime.combine(date, time(hour), tzinfo=treatment.clinic.zone)


def _longest_downtime() -> int:
    """The last downtime day of any course version: how far back a treatment may
    still be within its downtime."""
    definitions = CourseVersion.objects.values_list("definition", flat=True)
    return max((d["downtime_days"][1] for d in definitions), default=0)


def reminders_due(*, now: datetime) -> list[tuple[Treatment, int]]:
    """The (treatment, day) pairs whose reminder is due at `now` and not queued yet:
    the treatment is in a patient's diary, `day` is today in its clinic's zone and
    within the course's downtime, the patient's hour has come (after the treatment
    itself, on day 0) and the day has no entry."""
    since = now - timedelta(days=_longest_downtime() + 2)
    treatments = list(
        Treatment.objects.filter(
            patient__isnull=False, performed_at__lte=now, performed_at__gt=since
        ).select_related("clinic", "course_version", "patient__reminder_preference")
    )
    ids = [t.pk for t in treatments]
    taken = set(Entry.objects.filter(treatment__in=ids).values_list("treatment", "day"))
    taken |= set(Reminder.objects.filter(treatment__in=ids).values_list("treatment", "day"))
    due = []
    for treatment in treatments:
        day = treatment.day_number(now)
        # The course's downtime_days[1], read from its stored definition: building
        # the whole course of every treatment each pass would only give the same.
        last = treatment.course_version.definition["downtime_days"][1]
        preference = preference_of(treatment.patient)
        if not (0 <= day <= last and preference.enabled) or (treatment.pk, day) in taken:
            continue
        if treatment.performed_at < reminder_time(treatment, day, preference.hour) <= now:
            due.append((treatment, day))
    return due


def reminders_enqueue(*, now: datetime) -> int:
    """Queue every reminder due at `now` (`reminders_due`), each with its Reminder
    row in one transaction; return how many were queued. Two schedulers at once
    queue each reminder once: the second one's row would break the unique pair."""
    queued = 0
    for treatment, day in reminders_due(now=now):
        with transaction.atomic():
            _row, created = Reminder.objects.get_or_create(
                treatment=treatment, day=day, defaults={"queued_at": now}
            )
            if created:
                enqueue_after_commit(patient_notice, treatment.pk, REMINDER, day)
                queued += 1
    return queued


def case_resolve_and_tell(
    *, case_id: int, user, outcome: str, message: str = "", address=None
) -> ReviewCase:
    """Resolve the case (review.services.case_resolve) and, when the clinician wrote
    the patient a message, tell the patient that their clinic replied, once the
    resolution has committed. Raises CaseError as case_resolve does."""
    with transaction.atomic():
        case = case_resolve(
            case_id=case_id, user=user, outcome=outcome, message=message, address=address
        )
        if case.message_to_patient and case.treatment.patient_id:
            enqueue_after_commit(patient_notice, case.treatment_id, CLINIC_REPLY)
    return case
