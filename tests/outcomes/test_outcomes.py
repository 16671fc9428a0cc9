import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEntry
from outcomes.cohorts import pseudonym
from tests.conftest import login
from tests.factories import StaffFactory, TreatmentFactory, record


@pytest.fixture
def manager(clinic):
    return StaffFactory(clinic=clinic, role="manager").user


def cohort(clinic, count, *, resolved_on, depth="0.50", note=""):
    """`count` treatments 20 days ago whose redness is 3 until `resolved_on`, then 0."""
    treatments = []
    for _n in range(count):
        treatment = TreatmentFactory(
            clinic=clinic,
            performed_at=timezone.now() - timedelta(days=20),
            needle_depth_mm=Decimal(depth),
        )
        for day in range(11):
            record(treatment, day, redness=3 if day < resolved_on else 0, bruising=0,
                   peeling=0, pain=0, note=note)  # fmt: skip
        treatments.append(treatment)
    return treatments


def test_managers_see_adherence_flag_rates_and_time_to_resolution(client, clinic, manager):
    cohort(clinic, 6, resolved_on=4)
    login(client, manager)
    response = client.get(reverse("outcomes:outcomes"))
    (summary,) = response.context["cohorts"]
    assert (summary.treatments, summary.adherence, summary.adherent_patients) == (
        6,
        1.0,
        1.0,
    )
    redness = summary.resolution["redness"]
    assert (redness.median, redness.q1, redness.q3) == (4, 4, 4)
    # redness 3 up to day 3 stays within the band (upper 3 on days 1-3): no flags
    assert summary.review_share == 0.0
    assert len(response.context["charts"]) == 4
    # each cohort form offers the course versions by name
    assert response.text.count(">Velvet Skin v1</option>") == 3


def test_two_cohorts_are_compared_with_a_log_rank_test(client, clinic, manager):
    cohort(clinic, 6, resolved_on=2, depth="0.50")
    cohort(clinic, 6, resolved_on=10, depth="1.00")
    login(client, manager)
    response = client.get(
        reverse("outcomes:outcomes") + "?a-needle_depth_mm=0.5&b-needle_depth_mm=1.0"
    )
    fast, slow = response.context["cohorts"]
    assert (fast.label, slow.label) == ("0.5 mm", "1.0 mm")
    assert (fast.resolution["redness"].median, slow.resolution["redness"].median) == (2, 10)
    assert slow.review_share == 1.0  # redness 3 is above the band from day 8
    assert response.context["tests"]["redness"].p_value < 0.01


def test_a_cohort_under_5_treatments_shows_counts_only(client, clinic, manager):
    cohort(clinic, 4, resolved_on=3)
    login(client, manager)
    response = client.get(reverse("outcomes:outcomes"))
    (summary,) = response.context["cohorts"]
    assert (summary.treatments, summary.small, summary.resolution) == (4, True, {})
    assert response.context["charts"] == []


def test_a_large_cohort_leaving_the_band_suggests_reviewing_the_course(
    client, clinic, manager
):
    cohort(clinic, 20, resolved_on=9)
    login(client, manager)
    velvet = clinic.procedures.get(slug="velvet-skin")
    response = client.get(reverse("outcomes:outcomes") + f"?a-procedure={velvet.pk}")
    suggestions = response.context["cohorts"][0].suggestions
    assert suggestions[0].startswith(
        "Day 8: 100% of this cohort reported redness above 2, the course's upper limit"
    )


def test_only_managers_see_outcomes(client, clinic, clinician, treatment):
    login(client, clinician)
    assert client.get(reverse("outcomes:outcomes")).status_code == 404
    assert client.get(reverse("outcomes:outcomes_export")).status_code == 404
    assert client.get(reverse("outcomes:outcomes_summary_export")).status_code == 404
    client.force_login(treatment.patient)
    assert client.get(reverse("outcomes:outcomes")).status_code == 404
    client.logout()
    assert client.get(reverse("outcomes:outcomes")).status_code == 302


def test_another_clinics_manager_sees_none_of_these_treatments(
    client, clinic, other_clinician
):
    cohort(clinic, 6, resolved_on=3)
    elsewhere = StaffFactory(
        clinic=other_clinician.staff_roles.get().clinic, role="manager"
    )
    login(client, elsewhere.user)
    assert client.get(reverse("outcomes:outcomes")).context["cohorts"][0].treatments == 0
    export = client.get(reverse("outcomes:outcomes_export") + "?cohort=a")
    assert len(export.content.decode().splitlines()) == 1  # the header only
    summary = client.get(reverse("outcomes:outcomes_summary_export")).content.decode()
    assert "treatments,0\r\n" in summary


def test_the_export_is_pseudonymous_without_names_or_notes_and_audited(
    client, clinic, manager
):
    (treatment,) = cohort(clinic, 1, resolved_on=3, note="My neighbour Hana saw it")
    login(client, manager)
    response = client.get(reverse("outcomes:outcomes_export") + "?cohort=a")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 11
    assert rows[0]["treatment"] == pseudonym(treatment.pk) != str(treatment.pk)
    assert (rows[3]["day"], rows[3]["redness"], rows[3]["status"]) == ("3", "0", "normal")
    for private in (treatment.patient.first_name, treatment.patient.last_name,
                    treatment.patient.email, "Hana", "neighbour"):  # fmt: skip
        assert private not in text
    audit = AuditEntry.objects.get(action="export")
    assert (audit.actor, audit.clinic_patient, audit.clinic) == (manager, None, clinic)


def test_an_unknown_cohort_or_bad_filter_does_not_break_the_page(client, clinic, manager):
    login(client, manager)
    assert client.get(reverse("outcomes:outcomes_export") + "?cohort=z").status_code == 404
    response = client.get(reverse("outcomes:outcomes") + "?a-needle_depth_mm=banana")
    assert response.status_code == 200
    assert "needle_depth_mm" in response.context["forms"][0].errors
    summary = client.get(
        reverse("outcomes:outcomes_summary_export") + "?a-needle_depth_mm=x"
    )
    assert summary.status_code == 200  # the bad filter is left out, as on the page
    assert summary.content.decode().startswith("measure,All treatments\r\n")


def test_a_symptom_settled_on_day_0_shows_day_0_not_not_reached(client, clinic, manager):
    cohort(clinic, 5, resolved_on=0)
    login(client, manager)
    response = client.get(reverse("outcomes:outcomes"))
    assert response.context["cohorts"][0].resolution["redness"].median == 0
    assert "<td>0 (0–0)</td>" in response.text


def test_day_14_answers_are_summarised_per_cohort(client, clinic, manager):
    from diary.models import DowntimeReport

    for n, treatment in enumerate(cohort(clinic, 6, resolved_on=3)):
        DowntimeReport.objects.create(
            treatment=treatment,
            back_to_work_day=n,
            makeup_day=None if n else 4,
            satisfaction=9,
        )
    login(client, manager)
    response = client.get(reverse("outcomes:outcomes"))
    (summary,) = response.context["cohorts"]
    assert (summary.reports, summary.back_to_work_day, summary.makeup_day) == (6, 2.5, 4)
    assert summary.satisfaction == 9
    # A median of an even count is shown as 9, not 9.0, and 2.5 as it is
    assert "(median)</th><td>2.5</td>" in response.text
    assert "0-10 (median)</th><td>9</td>" in response.text


def test_recent_treatments_expect_only_the_days_they_have_had_in_the_clinics_zone(
    clinic,
):
    from zoneinfo import ZoneInfo

    from clinic.models import Treatment
    from outcomes.cohorts import cohort_summary

    tokyo = ZoneInfo("Asia/Tokyo")
    now = datetime(2026, 11, 24, 0, 30, tzinfo=tokyo)
    # Late last night in Tokyo: an hour ago, but already day 1, so days 0 and 1 count.
    late = TreatmentFactory(clinic=clinic, performed_at=now - timedelta(hours=1))
    record(late, 0)
    TreatmentFactory(clinic=clinic, performed_at=now + timedelta(days=2))  # booked
    old = TreatmentFactory(clinic=clinic, performed_at=now - timedelta(days=30))
    for day in range(7):
        record(old, day)
    summary = cohort_summary(Treatment.objects.all(), label="all", course=None, now=now)
    assert summary.treatments == 3
    assert summary.adherence == (1 + 7) / (2 + 0 + 11)
    assert summary.adherent_patients == 1.0  # only the old one has had days 0-10


def test_the_summary_table_exports_as_csv_with_counts_only_for_small_cohorts(
    client, clinic, manager
):
    fast = cohort(clinic, 6, resolved_on=2, depth="0.50")
    cohort(clinic, 3, resolved_on=8, depth="1.00")
    cohort(clinic, 6, resolved_on=8, depth="1.50")
    login(client, manager)
    query = "?a-needle_depth_mm=0.5&b-needle_depth_mm=1.0&c-needle_depth_mm=1.5"
    page = client.get(reverse("outcomes:outcomes") + query)
    assert (
        reverse("outcomes:outcomes_summary_export") + query.replace("&", "&amp;")
        in page.text
    )
    response = client.get(reverse("outcomes:outcomes_summary_export") + query)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = response.content.decode()
    table = {row[0]: row[1:] for row in csv.reader(io.StringIO(text))}
    assert table["measure"] == ["0.5 mm", "1.0 mm", "1.5 mm"]
    assert table["treatments"] == ["6", "3", "6"]
    assert table["adherence"] == ["1", "1", "1"]
    # the 3-treatment cohort gives counts only
    assert table["redness days to 1 or less median"] == ["2", "", "8"]
    assert table["satisfaction median"] == ["", "", ""]  # nobody answered on day 14
    # log-rank between the first two cohorts large enough to show: 0.5 and 1.5 mm
    assert float(table["redness log-rank p"][0]) < 0.01
    assert fast[0].patient.last_name not in text
    audit = AuditEntry.objects.get(action="export")
    assert (audit.target, audit.clinic_patient) == ("outcomes summary export", None)
