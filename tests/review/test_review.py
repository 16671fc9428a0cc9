from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEntry
from review.models import CaseEvent, ReviewCase
from review.services import case_resolve, review_digest
from tests.conftest import login
from tests.factories import StaffFactory, TreatmentFactory, record


def case_action(client, case, action, **data):
    return client.post(reverse("review:case_action", args=[case.pk, action]), data)


def test_flags_on_a_treatment_join_one_open_case(treatment):
    record(treatment, 1, pain=6)
    record(treatment, 2, redness=4)
    (case,) = ReviewCase.objects.all()
    assert case.flags.count() == 2
    assert list(case.events.values_list("kind", flat=True)) == ["opened", "flagged"]
    assert (case.level, case.priority, case.worst_excess) == ("review", 1, 2)  # pain 6 > 4


def test_an_urgent_flag_makes_the_case_urgent(treatment):
    record(treatment, 1, pain=6)
    record(treatment, 2, warning_signs=["fever"])
    case = ReviewCase.objects.get()
    assert (case.level, case.priority) == ("urgent", 2)


def test_a_normal_entry_opens_no_case(treatment):
    record(treatment, 1)
    assert not ReviewCase.objects.exists()


def test_a_new_flag_on_a_resolved_case_reopens_it(treatment, clinician):
    record(treatment, 1, pain=6)
    case = ReviewCase.objects.get()
    case_resolve(case_id=case.pk, user=clinician, outcome="expected_variation")
    record(treatment, 2, redness=4)
    case.refresh_from_db()
    assert ReviewCase.objects.count() == 1
    assert (case.status, case.outcome) == ("open", "")
    assert list(case.events.values_list("kind", flat=True)) == [
        "opened",
        "resolved",
        "reopened",
    ]


def test_correcting_an_entry_updates_its_case(treatment):
    record(treatment, 1, warning_signs=["fever"])
    record(treatment, 1, pain=6)  # the patient corrects the same day
    case = ReviewCase.objects.get()
    assert (case.level, case.flags.count()) == ("review", 1)


def queue_cases(clinic, count):
    for _n in range(count):
        record(TreatmentFactory(clinic=clinic), 1, pain=5)


@pytest.mark.parametrize("count", [5, 30])
def test_the_queue_runs_the_same_queries_however_many_cases(
    client, clinic, clinician, django_assert_num_queries, count
):
    queue_cases(clinic, count)
    login(client, clinician)
    # user, the account (roles, languages, authenticator, the session's second-factor
    # device; clinic.account), counts by status (which also give the paginator's total
    # and the navigation's badge), procedures and practitioners for the filters, the
    # page of cases (with patient, procedure, clinic and latest photo), their flags.
    # The session comes from the cache.
    with django_assert_num_queries(7):
        response = client.get(reverse("review:case_queue"))
    assert len(response.context["page"]) == min(count, 25)
    assert response.context["page"].paginator.count == count
    assert response.context["open_case_count"] == count


def test_the_queue_puts_urgent_first_then_furthest_out_then_oldest(
    client, clinic, clinician
):
    older = TreatmentFactory(clinic=clinic)
    record(older, 1, pain=5)  # 2 above the band
    further = TreatmentFactory(clinic=clinic)
    record(further, 1, pain=9)  # 6 above
    urgent = TreatmentFactory(clinic=clinic)
    record(urgent, 1, warning_signs=["pus"])
    newer = TreatmentFactory(clinic=clinic)
    record(newer, 1, pain=5)
    ReviewCase.objects.filter(treatment=newer).update(
        opened_at=timezone.now() + timedelta(minutes=1)
    )
    login(client, clinician)
    page = client.get(reverse("review:case_queue")).context["page"]
    case_of = {c.treatment: c.pk for c in ReviewCase.objects.all()}
    assert [row["pk"] for row in page] == [
        case_of[t] for t in (urgent, further, older, newer)
    ]


def test_the_queue_filters_and_marks_overdue_cases(client, clinic, clinician):
    late = TreatmentFactory(clinic=clinic)
    record(late, 1, warning_signs=["fever"])
    ReviewCase.objects.filter(treatment=late).update(
        opened_at=timezone.now() - timedelta(hours=3)
    )
    record(TreatmentFactory(clinic=clinic), 1, pain=6)
    login(client, clinician)
    urgent_only = client.get(reverse("review:case_queue") + "?status=open&level=urgent")
    assert [row["pk"] for row in urgent_only.context["page"]] == [
        ReviewCase.objects.get(treatment=late).pk
    ]
    assert "Overdue" in urgent_only.text
    assert urgent_only.context["counts"] == {"open": 2}
    resolved = client.get(reverse("review:case_queue") + "?status=resolved")
    assert list(resolved.context["page"]) == []
    nonsense = client.get(reverse("review:case_queue") + "?level=purple&procedure=x")
    assert nonsense.status_code == 200


def test_a_clinician_acknowledges_notes_contacts_and_resolves(client, treatment, clinician):
    record(treatment, 2, pain=6)
    case = ReviewCase.objects.get()
    login(client, clinician)
    case_action(client, case, "acknowledge")
    case_action(client, case, "note", text="Looks like a normal flare")
    case_action(client, case, "contact", contact="phone", text="Called, feels better")
    case_action(
        client, case, "resolve", outcome="advised_home_care", message="Keep moisturising."
    )
    case.refresh_from_db()
    assert (case.status, case.outcome, case.message_to_patient) == (
        "resolved",
        "advised_home_care",
        "Keep moisturising.",
    )
    assert list(case.events.values_list("kind", "actor", "contact")) == [
        ("opened", None, ""),
        ("acknowledged", clinician.pk, ""),
        ("note", clinician.pk, ""),
        ("contacted", clinician.pk, "phone"),
        ("resolved", clinician.pk, ""),
    ]
    assert AuditEntry.objects.filter(action="review", actor=clinician).count() == 4
    # The patient sees the clinic's reply on Today and on History.
    client.force_login(treatment.patient)
    for url in (reverse("diary:today"), reverse("diary:history", args=[treatment.pk])):
        assert (
            "Your clinic has looked at this:</strong> Keep moisturising."
            in client.get(url).text
        )


def test_resolving_twice_is_refused_with_a_reason(client, treatment, clinician):
    record(treatment, 2, pain=6)
    case = ReviewCase.objects.get()
    login(client, clinician)
    case_action(client, case, "resolve", outcome="treated")
    response = client.post(
        reverse("review:case_action", args=[case.pk, "resolve"]),
        {"outcome": "referred"},
        follow=True,
    )
    assert "This case has just been resolved by someone else." in response.text
    case.refresh_from_db()
    assert case.outcome == "treated"
    assert case.events.filter(kind="resolved").count() == 1


def test_an_invalid_action_keeps_what_was_typed(client, treatment, clinician):
    record(treatment, 2, pain=6)
    case = ReviewCase.objects.get()
    login(client, clinician)
    response = case_action(client, case, "resolve", outcome="magic", message="Typed text")
    assert response.status_code == 200
    assert "outcome" in response.context["resolve_form"].errors
    assert "Typed text" in response.text
    case.refresh_from_db()
    assert case.status == "open"


def test_unknown_actions_and_wrong_methods_are_refused(client, treatment, clinician):
    record(treatment, 2, pain=6)
    case = ReviewCase.objects.get()
    login(client, clinician)
    assert client.post(f"/clinic/cases/{case.pk}/delete/").status_code == 404
    assert (
        client.get(reverse("review:case_action", args=[case.pk, "resolve"])).status_code
        == 405
    )
    assert client.get(reverse("review:case_detail", args=[999999])).status_code == 404


def test_opening_a_case_writes_an_audit_row(client, treatment, clinician):
    record(treatment, 2, pain=6)
    case = ReviewCase.objects.get()
    login(client, clinician)
    assert client.get(reverse("review:case_detail", args=[case.pk])).status_code == 200
    entry = AuditEntry.objects.get()
    assert (
        entry.actor,
        entry.clinic_patient,
        entry.action,
        entry.target,
        entry.address,
    ) == (
        clinician,
        treatment.clinic_patient,
        "view_case",
        f"case {case.pk}",
        "127.0.0.1",
    )


def test_the_patient_looking_at_their_own_diary_is_not_audited(client, treatment):
    client.force_login(treatment.patient)
    client.get(reverse("diary:history", args=[treatment.pk]))
    assert not AuditEntry.objects.exists()


def test_only_managers_read_the_audit_log_of_their_own_clinic(
    client, clinic, treatment, clinician, other_clinician
):
    manager = StaffFactory(clinic=clinic, role="manager").user
    login(client, clinician)
    client.get(reverse("clinic:treatment_detail", args=[treatment.pk]))
    elsewhere = StaffFactory(
        clinic=other_clinician.staff_roles.get().clinic, role="manager"
    )
    assert client.get(reverse("clinic:audit_log")).status_code == 404  # a clinician
    login(client, manager)
    assert [e.actor for e in client.get(reverse("clinic:audit_log")).context["page"]] == [
        clinician
    ]
    login(client, elsewhere.user)
    assert list(client.get(reverse("clinic:audit_log")).context["page"]) == []


def test_an_urgent_entry_emails_the_on_call_address_after_commit(
    treatment, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://diary.example.org"
    treatment.clinic.on_call_email = "on-call@clinic.test"
    treatment.clinic.save()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record(treatment, 2, pain=7, warning_signs=["pus"])
    assert mail.outbox == []  # nothing before the commit
    for callback in callbacks:
        callback()
    (email,) = mail.outbox
    case = ReviewCase.objects.get()
    assert email.to == ["on-call@clinic.test"]
    assert f"https://diary.example.org/clinic/cases/{case.pk}/" in email.body
    for leaked in ("7", "pus", "Pus", treatment.patient.last_name):
        assert leaked not in email.subject and leaked not in email.body.split("\n")[0]
    assert "honey" not in email.body and "Pain" not in email.body
    assert ReviewCase.objects.get().alert_pending is False


def test_a_failed_urgent_email_is_retried_by_the_digest(
    treatment, django_capture_on_commit_callbacks, monkeypatch
):
    treatment.clinic.on_call_email = "on-call@clinic.test"
    treatment.clinic.save()

    def broken(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr("review.services.send_mail", broken)
    with django_capture_on_commit_callbacks(execute=True):
        record(treatment, 2, warning_signs=["fever"])
    assert ReviewCase.objects.get().alert_pending is True
    monkeypatch.undo()
    report = review_digest()
    assert f"{treatment.clinic.slug}: 1 open, 1/1 urgent resent" in report
    assert ReviewCase.objects.get().alert_pending is False
    assert [m.subject.split(":")[0] for m in mail.outbox] == [
        "Urgent",
        f"1 open review case(s) at {treatment.clinic.name}",
    ]


def test_case_events_cannot_be_written_by_the_wrong_clinic(treatment, other_clinician):
    record(treatment, 2, pain=6)
    case = ReviewCase.objects.get()
    with pytest.raises(ReviewCase.DoesNotExist):
        case_resolve(case_id=case.pk, user=other_clinician, outcome="treated")
    case.refresh_from_db()
    assert case.status == "open"
    assert not CaseEvent.objects.filter(kind="resolved").exists()


@pytest.mark.parametrize(
    ("status", "level", "hours", "overdue"),
    [
        ("open", "urgent", 1.9, False),
        ("open", "urgent", 2.1, True),
        ("open", "review", 23.9, False),
        ("open", "review", 24.1, True),
        ("acknowledged", "urgent", 50, False),  # someone is on it
        ("resolved", "review", 500, False),
    ],
)
def test_a_case_is_overdue_after_its_clinics_limit_for_its_level(
    status, level, hours, overdue
):
    from review.models import case_is_overdue

    now = timezone.now()
    assert (
        case_is_overdue(
            status=status,
            level=level,
            opened_at=now - timedelta(hours=hours),
            now=now,
            urgent_hours=2,
            review_hours=24,
        )
        is overdue
    )


@pytest.mark.parametrize("days", [2, 12])
def test_the_case_page_runs_the_same_queries_however_long_the_diary(
    client, treatment, clinician, django_assert_num_queries, days
):
    treatment.performed_at -= timedelta(days=12)
    treatment.save()
    for day in range(days):
        record(treatment, day, redness=0, bruising=0, peeling=0, pain=6 if day == 1 else 0)
    case = ReviewCase.objects.get()
    login(client, clinician)
    # user, the account (roles, languages, authenticator, the session's second-factor
    # device; clinic.account), the case (with its treatment and clinic), the patient
    # and practitioner, the course version, the audit row, the case events, the
    # entries, their flags, their photos, open cases for the navigation. The session
    # comes from the cache.
    with django_assert_num_queries(11):
        response = client.get(reverse("review:case_detail", args=[case.pk]))
    assert [d.day for d in response.context["timeline"] if d.flags] == [1]
    assert [f["level"] for f in response.context["flags"]] == ["review"]


def test_the_case_page_shows_each_day_with_its_flags_note_and_photos(
    client, treatment, clinician
):
    from diary.models import Photo
    from diary.photos import prepare_photo
    from tests.images import phone_jpeg, upload

    record(treatment, 0, redness=3, pain=5, bleeding=True)
    record(treatment, 1, warning_signs=["fever"], note="Feels hot tonight",
           photos=[prepare_photo(upload(phone_jpeg()))])  # fmt: skip
    photo = Photo.objects.get()
    login(client, clinician)
    response = client.get(reverse("review:case_detail", args=[ReviewCase.objects.get().pk]))
    day_0, day_1 = response.context["timeline"]
    assert (day_0.values, day_0.photos, day_0.flags) == ("3 · 1 · 1 · 5/10 · ●", [], [])
    assert day_1.warning_signs.startswith("Fever of 38")
    assert [level for level, _message in day_1.flags] == ["urgent"]
    assert "Feels hot tonight" in response.text
    assert '<h1 class="h3 mb-0">Aiko Tanaka</h1>' in response.text
    assert "Velvet Skin v2 · performed" in response.text
    # The clinician's text: compact and exact.
    assert day_1.flags == [
        ("urgent", "Warning sign fever (urgent) on day 1: Fever of 38 °C or more, or "
                   "chills (Velvet Skin v2)"),
    ]  # fmt: skip
    thumbnail = reverse("diary:photo_thumbnail", args=[photo.key])
    screen = reverse("diary:photo_screen", args=[photo.key])
    assert f'<a href="{screen}"><img src="{thumbnail}"' in response.text
    assert client.get(thumbnail).status_code == 200


@pytest.mark.parametrize(
    ("waited", "shown"),
    [
        (timedelta(seconds=-5), "0 minutes"),  # clocks a little apart
        (timedelta(seconds=59), "0 minutes"),
        (timedelta(minutes=1), "1 minute"),
        (timedelta(minutes=59, seconds=59), "59 minutes"),
        (timedelta(hours=1), "1 hour"),
        (timedelta(hours=25, minutes=30), "25 hours"),
        (timedelta(hours=47, minutes=59), "47 hours"),
        (timedelta(hours=48), "2 days"),
        (timedelta(days=9, hours=23), "9 days"),
    ],
)
def test_the_queue_says_waiting_times_in_the_unit_triage_uses(waited, shown):
    from review.presenters import waiting_for

    now = timezone.now()
    assert waiting_for(now - waited, now) == shown


def test_the_queue_filters_by_practitioner_named_as_on_the_treatment(
    client, clinic, clinician
):
    practitioner = StaffFactory(
        clinic=clinic, user__first_name="Yui", user__last_name="Sato"
    )
    nameless = StaffFactory(clinic=clinic, user__first_name="", user__last_name="")
    treated = TreatmentFactory(clinic=clinic, practitioner=practitioner.user)
    record(treated, 1, pain=6)
    record(TreatmentFactory(clinic=clinic), 1, pain=6)
    login(client, clinician)
    response = client.get(
        reverse("review:case_queue") + f"?practitioner={practitioner.user.pk}"
    )
    assert [row["pk"] for row in response.context["page"]] == [
        ReviewCase.objects.get(treatment=treated).pk
    ]
    assert f'<option value="{practitioner.user.pk}" selected>Yui Sato</option>' in (
        response.text
    )
    assert f'<option value="{nameless.user.pk}">{nameless.user.username}</option>' in (
        response.text
    )
