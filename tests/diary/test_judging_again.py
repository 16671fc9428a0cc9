"""Filling in or correcting an earlier day judges every later entry again, in the same
transaction: flags, cases and the diary summary follow."""

from datetime import timedelta

from django.urls import reverse

from diary.models import DiarySummary, Entry, Flag
from review.models import CaseEvent, ReviewCase
from tests.conftest import login
from tests.factories import record


def later(treatment, days: int):
    treatment.performed_at -= timedelta(days=days)
    treatment.save()


def test_a_filled_in_day_judges_the_later_days_again(treatment):
    later(treatment, 4)
    record(treatment, 1, pain=3)
    record(treatment, 5, pain=4)  # above days 4-7's limit of 3, but only 1 above day 1
    assert Entry.objects.get(day=5).status == "review"
    record(treatment, 3, pain=1)  # the missed day, filled in: pain rose 3 from it
    day_5 = Entry.objects.get(day=5)
    assert day_5.status == "urgent"
    assert list(day_5.flags.values_list("rule", flat=True)) == ["pain_alarm"]
    case = ReviewCase.objects.get()
    assert (case.level, case.status) == ("urgent", "open")
    assert DiarySummary.objects.get(treatment=treatment).urgent_flagged is True


def test_a_correction_that_clears_every_flag_closes_the_case_saying_why(treatment):
    later(treatment, 4)
    record(treatment, 4, redness=1)
    record(treatment, 6, redness=3)  # back up to red after settling: a rebound
    case = ReviewCase.objects.get()
    assert list(Flag.objects.values_list("rule", flat=True)) == ["rebound"]
    record(treatment, 4, redness=2)  # corrected: 2 -> 3 is no rebound
    assert Entry.objects.get(day=6).status == "normal"
    assert not Flag.objects.exists()
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("resolved", "flags_withdrawn")
    closed = case.events.get(kind=CaseEvent.Kind.CLOSED)
    assert "No entry of this diary is flagged any more" in closed.text
    assert DiarySummary.objects.get(treatment=treatment).review_flagged is False


def test_judging_again_leaves_unchanged_entries_and_their_cases_alone(treatment):
    later(treatment, 4)
    record(treatment, 4, redness=1)
    record(treatment, 6, redness=3)  # a rebound
    flagged_before = list(Flag.objects.values_list("pk", flat=True))
    assert len(flagged_before) == 1
    events_before = CaseEvent.objects.count()
    record(treatment, 1, redness=2)  # before the peak day: nothing later changes
    assert list(Flag.objects.values_list("pk", flat=True)) == flagged_before
    assert CaseEvent.objects.count() == events_before


def test_the_page_shows_the_later_days_judged_again(client, treatment):
    later(treatment, 4)
    record(treatment, 1, pain=3)
    record(treatment, 5, pain=4)
    login(client, treatment.patient)
    client.post(
        reverse("diary:entry_day", args=[treatment.pk, 3]),
        {"redness": "2", "bruising": "1", "peeling": "1", "pain": "0", "bleeding": "no",
         "note": "", "photo_view": "front"},
    )  # fmt: skip
    history = client.get(reverse("diary:history", args=[treatment.pk]))
    statuses = {e.day: e.status for e in history.context["entries"]}
    assert statuses == {1: "normal", 3: "normal", 5: "urgent"}
