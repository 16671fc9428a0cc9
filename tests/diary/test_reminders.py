"""Daily reminders: at the patient's hour in the clinic's zone, once a day, only while
the downtime lasts and the day has no entry; the channel they go through; the
patient's settings page; "your clinic replied"."""

from datetime import UTC, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from clinic.models import Treatment
from diary import reminders
from diary.models import Reminder, ReminderPreference
from diary.reminders import CLINIC_REPLY, REMINDER, reminders_enqueue
from review.models import ReviewCase
from tests.conftest import login
from tests.factories import ClinicFactory, TreatmentFactory, record

TOKYO = ZoneInfo("Asia/Tokyo")


def local(zone: str | ZoneInfo, *args) -> datetime:
    """An aware datetime at the wall-clock time `args` in `zone`."""
    return datetime(*args, tzinfo=ZoneInfo(zone) if isinstance(zone, str) else zone)


@pytest.fixture
def treated(treatment):
    """The patient was treated on 20 November 2026 at 10:00 in Tokyo (day 0)."""
    treatment.performed_at = local(TOKYO, 2026, 11, 20, 10, 0)
    treatment.save()
    return treatment


def enqueue_at(moment: datetime, emails_sent) -> int:
    with time_machine.travel(moment, tick=False), emails_sent():
        return reminders_enqueue(now=moment)


def test_a_reminder_goes_out_at_20_00_in_the_clinics_zone(treated, emails_sent, settings):
    settings.SITE_URL = "https://diary.example.org"
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 19, 59), emails_sent) == 0
    assert mail.outbox == []
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 1
    (email,) = mail.outbox
    assert email.to == [treated.patient.email]
    assert email.subject == "Smart Skin: how is your skin today?"
    assert email.body == (
        "Today is day 2 after your treatment, and your diary has no entry for it yet. "
        "It takes a minute:\n"
        f"https://diary.example.org/treatments/{treated.pk}/day/2/\n\n"
        "To change the time of this reminder or turn it off:\n"
        "https://diary.example.org/reminders/"
    )
    assert list(Reminder.objects.values_list("treatment", "day")) == [(treated.pk, 2)]


def test_the_patients_own_hour_is_used(treated, emails_sent):
    ReminderPreference.objects.create(user=treated.patient, hour=7)
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 6, 59), emails_sent) == 0
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 7, 0), emails_sent) == 1


def test_never_twice_a_day_however_often_the_scheduler_runs(treated, emails_sent):
    for hour, minute in [(20, 0), (20, 5), (21, 0), (23, 59)]:
        enqueue_at(local(TOKYO, 2026, 11, 22, hour, minute), emails_sent)
    assert len(mail.outbox) == 1
    enqueue_at(local(TOKYO, 2026, 11, 23, 20, 0), emails_sent)  # the next day: again
    assert len(mail.outbox) == 2
    assert list(Reminder.objects.values_list("day", flat=True).order_by("day")) == [2, 3]


def test_a_day_with_an_entry_gets_no_reminder(treated, emails_sent):
    with time_machine.travel(local(TOKYO, 2026, 11, 22, 12, 0), tick=False):
        record(treated, 2)
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 0
    assert mail.outbox == []


def test_an_entry_for_another_day_does_not_count(treated, emails_sent):
    with time_machine.travel(local(TOKYO, 2026, 11, 22, 12, 0), tick=False):
        record(treated, 1)  # yesterday's, filled in late
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 1


def test_no_reminder_after_opting_out(treated, emails_sent):
    ReminderPreference.objects.create(user=treated.patient, enabled=False)
    for day in range(0, 11):
        enqueue_at(local(TOKYO, 2026, 11, 20, 22, 0) + timedelta(days=day), emails_sent)
    assert mail.outbox == []
    assert not Reminder.objects.exists()


def test_a_reminder_queued_before_opting_out_is_not_sent(treated, task_queue):
    moment = local(TOKYO, 2026, 11, 22, 20, 0)
    with time_machine.travel(moment, tick=False):
        assert reminders_enqueue(now=moment) == 1
    ReminderPreference.objects.create(user=treated.patient, enabled=False)
    assert task_queue() == 1
    assert mail.outbox == []


def test_a_day_logged_after_queueing_is_not_reminded(treated, task_queue):
    moment = local(TOKYO, 2026, 11, 22, 20, 0)
    with time_machine.travel(moment, tick=False):
        reminders_enqueue(now=moment)
        record(treated, 2)
        task_queue()
    assert mail.outbox == []


def test_reminders_run_from_day_0_to_the_last_day_of_the_downtime(treated, emails_sent):
    assert treated.course_version.course.downtime_days == (7, 10)
    for day in range(0, 14):
        enqueue_at(local(TOKYO, 2026, 11, 20, 20, 30) + timedelta(days=day), emails_sent)
    assert list(Reminder.objects.values_list("day", flat=True).order_by("day")) == list(
        range(0, 11)
    )
    assert len(mail.outbox) == 11


def test_day_0_is_reminded_only_if_the_treatment_came_before_the_hour(treated, emails_sent):
    treated.performed_at = local(TOKYO, 2026, 11, 20, 20, 30)
    treated.save()
    assert enqueue_at(local(TOKYO, 2026, 11, 20, 23, 0), emails_sent) == 0
    assert enqueue_at(local(TOKYO, 2026, 11, 21, 20, 0), emails_sent) == 1


def test_a_pending_or_erased_treatment_gets_no_reminder(treated, emails_sent):
    Treatment.objects.filter(pk=treated.pk).update(patient=None)
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 0
    assert mail.outbox == []


def test_a_treatment_not_yet_performed_gets_no_reminder(treated, emails_sent):
    treated.performed_at = local(TOKYO, 2026, 11, 23, 10, 0)
    treated.save()
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 0


@pytest.mark.parametrize(
    ("zone", "change_day", "utc_at_20"),
    [
        # Clocks go forward at 01:00 GMT: 20:00 that evening is 19:00 UTC.
        ("Europe/London", (2026, 3, 29), datetime(2026, 3, 29, 19, 0, tzinfo=UTC)),
        # Clocks go back at 02:00 EDT: 20:00 that evening is 01:00 UTC the next day.
        ("America/New_York", (2026, 11, 1), datetime(2026, 11, 2, 1, 0, tzinfo=UTC)),
    ],
    ids=["london-spring-forward", "new-york-fall-back"],
)
def test_the_reminder_keeps_its_local_hour_on_the_day_the_clocks_change(
    db, zone, change_day, utc_at_20, emails_sent
):
    clinic = ClinicFactory(name="Abroad", time_zone=zone)
    treatment = TreatmentFactory(
        clinic=clinic, performed_at=local(zone, *change_day, 10, 0) - timedelta(days=2)
    )
    assert enqueue_at(utc_at_20 - timedelta(seconds=1), emails_sent) == 0
    assert enqueue_at(utc_at_20, emails_sent) == 1
    assert list(Reminder.objects.values_list("treatment", "day")) == [(treatment.pk, 2)]
    assert utc_at_20.astimezone(ZoneInfo(zone)).hour == 20  # on the clinic's clock


def test_each_clinic_reminds_in_its_own_zone(db, emails_sent):
    london = ClinicFactory(name="London", time_zone="Europe/London")
    tokyo = ClinicFactory(name="Tokyo", time_zone="Asia/Tokyo")
    moment = datetime(2026, 11, 25, 11, 0, tzinfo=UTC)  # 20:00 in Tokyo, 11:00 in London
    in_tokyo = TreatmentFactory(clinic=tokyo, performed_at=moment - timedelta(days=2))
    TreatmentFactory(clinic=london, performed_at=moment - timedelta(days=2))
    assert enqueue_at(moment, emails_sent) == 1
    assert list(Reminder.objects.values_list("treatment", flat=True)) == [in_tokyo.pk]


def test_the_scheduler_command_runs_one_pass_with_once(treated, emails_sent):
    out = StringIO()
    with time_machine.travel(local(TOKYO, 2026, 11, 22, 20, 0), tick=False), emails_sent():
        call_command("scheduler", "--once", stdout=out)
    assert out.getvalue().startswith("2026-11-22 11:00:00 UTC: 1 reminder(s) queued")
    assert len(mail.outbox) == 1


class Phone:
    """A phone-notification channel, as the patient issue will add one."""

    name = "phone"
    sent: list

    def __init__(self, *, reaches):
        self.reaches, self.sent = reaches, []

    def available_for(self, user) -> bool:
        return user in self.reaches

    def send(self, *, user, treatment, day, kind) -> None:
        self.sent.append((user, treatment.pk, day, kind))


def test_a_channel_put_first_replaces_email_for_the_patients_it_reaches(
    treated, other_patient, emails_sent, monkeypatch
):
    phone = Phone(reaches=[treated.patient])
    monkeypatch.setattr(reminders, "CHANNELS", [phone, reminders.EmailChannel()])
    other = TreatmentFactory(clinic=treated.clinic, patient=other_patient,
                             performed_at=treated.performed_at)  # fmt: skip
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 2
    assert phone.sent == [(treated.patient, treated.pk, 2, REMINDER)]
    assert [m.to for m in mail.outbox] == [[other.patient.email]]  # no phone: email


class BrokenOnce(Phone):
    def send(self, **kwargs) -> None:
        if not self.sent:
            self.sent.append("failed")
            raise ConnectionError("the push service is down")
        super().send(**kwargs)


def test_a_channel_that_fails_is_tried_again(treated, emails_sent, monkeypatch):
    phone = BrokenOnce(reaches=[treated.patient])
    monkeypatch.setattr(reminders, "CHANNELS", [phone])
    enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent)
    assert phone.sent == ["failed", (treated.patient, treated.pk, 2, REMINDER)]


def test_a_patient_no_channel_reaches_gets_nothing_and_nothing_fails(treated, emails_sent):
    treated.patient.is_active = False
    treated.patient.save()
    assert enqueue_at(local(TOKYO, 2026, 11, 22, 20, 0), emails_sent) == 1
    assert mail.outbox == []


def resolve(client, case, **data):
    return client.post(reverse("review:case_action", args=[case.pk, "resolve"]), data)


def test_a_clinics_reply_tells_the_patient_with_a_link_and_nothing_clinical(
    client, treatment, clinician, emails_sent, settings
):
    settings.SITE_URL = "https://diary.example.org"
    record(treatment, 2, redness=4)
    case = ReviewCase.objects.get()
    login(client, clinician)
    with emails_sent():
        resolve(client, case, outcome="advised_home_care", message="Keep it cool tonight.")
    (email,) = mail.outbox
    assert email.to == [treatment.patient.email]
    assert email.subject == "Smart Skin has replied about your diary"
    assert email.body == (
        "Your clinic has looked at your diary and left you a message. Read it in your "
        "diary (sign in first):\n"
        f"https://diary.example.org/treatments/{treatment.pk}/history/\n\n"
        "The message itself is not sent by email."
    )


def test_resolving_without_a_message_tells_the_patient_nothing(
    client, treatment, clinician, emails_sent
):
    record(treatment, 2, redness=4)
    login(client, clinician)
    with emails_sent():
        resolve(client, ReviewCase.objects.get(), outcome="expected_variation")
    assert ReviewCase.objects.get().status == "resolved"
    assert mail.outbox == []


def test_a_reply_the_case_could_not_take_tells_nobody(
    client, treatment, clinician, emails_sent
):
    record(treatment, 2, redness=4)
    case = ReviewCase.objects.get()
    login(client, clinician)
    with emails_sent():
        resolve(client, case, outcome="treated", message="First.")
        resolve(client, case, outcome="treated", message="Second, too late.")
    assert len(mail.outbox) == 1
    assert ReviewCase.objects.get().message_to_patient == "First."


def test_a_notice_for_an_erased_or_deleted_treatment_tells_nobody(treatment):
    Treatment.objects.filter(pk=treatment.pk).update(patient=None)
    assert reminders.patient_notice.call(treatment.pk, CLINIC_REPLY) == "done"
    assert reminders.patient_notice.call(treatment.pk + 1000, REMINDER, 2) == "done"
    assert mail.outbox == []


# The patient's page: /reminders/


def test_the_page_shows_the_default_of_20_00_in_the_clinics_zone(
    client, patient, treatment
):
    login(client, patient)
    response = client.get(reverse("diary:reminders"))
    assert response.status_code == 200
    assert '<option value="20" selected>20:00</option>' in response.text
    assert "Smart Skin's time, Asia/Tokyo" in response.text
    assert response.context["form"]["enabled"].value() is True
    assert not ReminderPreference.objects.exists()  # looking saves nothing


def test_choosing_an_hour_saves_it_and_says_what_will_happen(client, patient, treatment):
    login(client, patient)
    response = client.post(reverse("diary:reminders"), {"enabled": "on", "hour": "7"},
                           follow=True)  # fmt: skip
    assert response.redirect_chain == [(reverse("diary:today"), 302)]
    assert list(ReminderPreference.objects.values_list("user", "enabled", "hour")) == [
        (patient.pk, True, 7)
    ]
    assert (
        "Reminders are on: on a day of your downtime with no entry by 07:00 (your "
        "clinic&#x27;s time), you get one reminder." in response.text
    )


def test_turning_reminders_off_says_so(client, patient, treatment):
    ReminderPreference.objects.create(user=patient, hour=9)
    login(client, patient)
    response = client.post(reverse("diary:reminders"), {"hour": "9"}, follow=True)
    assert ReminderPreference.objects.get().enabled is False
    assert "Reminders are off: you will not get any." in response.text


def test_a_bad_hour_is_refused_and_the_answers_are_kept(client, patient, treatment):
    ReminderPreference.objects.create(user=patient, enabled=True, hour=9)
    login(client, patient)
    response = client.post(reverse("diary:reminders"), {"hour": "3"})
    assert response.status_code == 200
    assert "Choose one of the hours in the list." in response.text
    assert "Nothing has been saved yet." in response.text
    assert response.context["form"]["enabled"].value() is False  # as posted (unticked)
    assert list(ReminderPreference.objects.values_list("enabled", "hour")) == [(True, 9)]


def test_one_patients_choice_is_not_anothers(client, patient, other_patient, treatment):
    login(client, patient)
    client.post(reverse("diary:reminders"), {"hour": "8"})
    assert list(ReminderPreference.objects.values_list("user", "enabled")) == [
        (patient.pk, False)
    ]
    login(client, other_patient)
    response = client.get(reverse("diary:reminders"))
    assert response.context["form"]["hour"].value() == 20


def test_staff_have_no_reminders_page(client, clinician):
    login(client, clinician)
    assert client.get(reverse("diary:reminders")).status_code == 404
    assert client.post(reverse("diary:reminders"), {"hour": "8"}).status_code == 404
    assert not ReminderPreference.objects.exists()


def test_the_reminders_page_takes_only_get_and_post(client, patient):
    login(client, patient)
    assert client.put(reverse("diary:reminders")).status_code == 405
    assert not ReminderPreference.objects.exists()


def test_anonymous_visitors_are_sent_to_the_login(db, client):
    response = client.post(reverse("diary:reminders"), {"hour": "8"})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("login"))
    assert not ReminderPreference.objects.exists()


def test_today_links_to_the_reminders(client, patient, treatment):
    login(client, patient)
    response = client.get(reverse("diary:today"))
    assert f'href="{reverse("diary:reminders")}"' in response.text
