"""What a clinician notices on the staff pages: the patient's phone and email on the
case page, the actions before the diary, the waiting cases in the default queue,
patient search, dates in the clinic's zone (the admin's too), labelled filters and
p-values in plain words."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import escape

from clinic.models import ClinicPatient, CourseVersion, StaffMember
from clinic.services import staff_member_add
from diary.erasure import erased_email
from outcomes.templatetags.outcomes_tags import p_value_words
from review.models import ReviewCase
from review.services import case_acknowledge
from tests.conftest import login
from tests.factories import PatientFactory, StaffFactory, TreatmentFactory, record

TOKYO = ZoneInfo("Asia/Tokyo")


def open_case(treatment) -> ReviewCase:
    record(treatment, 1, pain=6)
    return ReviewCase.objects.get(treatment=treatment)


def case_page(client, case):
    return client.get(reverse("review:case_detail", args=[case.pk]))


# The case page


def test_the_case_page_gives_the_patients_phone_and_email_as_labelled_links(
    client, treatment, clinician
):
    ClinicPatient.objects.filter(pk=treatment.clinic_patient_id).update(
        phone="+81 90-1234-5678"
    )
    case = open_case(treatment)
    login(client, clinician)
    text = case_page(client, case).text
    email = treatment.clinic_patient.email
    assert (
        '<div><dt>Phone</dt><dd><a href="tel:+819012345678">+81 90-1234-5678</a></dd></div>'
        in text
    )
    assert f'<div><dt>Email</dt><dd><a href="mailto:{email}">{email}</a></dd></div>' in text


def test_a_patient_without_a_phone_has_no_empty_phone_link(client, treatment, clinician):
    case = open_case(treatment)
    login(client, clinician)
    text = case_page(client, case).text
    assert (
        '<dt>Phone</dt><dd><span class="text-body-secondary">not recorded</span></dd>'
        in text
    )
    assert 'href="tel:' not in text


def test_an_erased_patient_has_no_mail_link_to_the_placeholder_address(
    client, treatment, clinician
):
    case = open_case(treatment)
    ClinicPatient.objects.filter(pk=treatment.clinic_patient_id).update(
        name="Erased patient", email=erased_email(treatment.clinic_patient_id),
        phone="", erased_at=timezone.now(),
    )  # fmt: skip
    login(client, clinician)
    text = case_page(client, case).text
    assert "mailto:" not in text
    assert "@invalid" not in text
    assert text.count("not recorded") == 2


def test_the_case_actions_come_before_the_diary(client, treatment, clinician):
    """On a phone the page is one column in the order of the HTML, so the actions
    come first; diary.css puts them beside the diary from 992 px."""
    case = open_case(treatment)
    login(client, clinician)
    text = case_page(client, case).text
    order = [
        text.index('<h2 class="h5">Flags</h2>'),
        text.index("Acknowledge: I am looking at it"),
        text.index("/contact/"),
        text.index("/resolve/"),
        text.index("/note/"),
        text.index('class="chart"'),
        text.index("Diary, day by day"),
    ]
    assert order == sorted(order)


def test_the_wide_case_page_puts_the_actions_in_a_column_beside_the_diary(settings):
    css = (settings.BASE_DIR / "static/css/diary.css").read_text()
    wide = css[css.index("@media (min-width: 992px) {\n  .case-layout") :]
    assert 'grid-template-areas: "flags actions" "diary actions";' in wide
    assert ".case-actions { grid-area: actions; }" in wide


# The queue


def test_an_acknowledged_case_stays_in_the_default_queue_and_the_badge_matches(
    client, clinic, clinician
):
    looked_at, untouched = (TreatmentFactory(clinic=clinic) for _n in range(2))
    acknowledged = open_case(looked_at)
    still_open = open_case(untouched)
    case_acknowledge(case_id=acknowledged.pk, user=clinician)
    login(client, clinician)
    response = client.get(reverse("review:case_queue"))
    assert sorted(row["pk"] for row in response.context["page"]) == sorted(
        [acknowledged.pk, still_open.pk]
    )
    assert response.context["open_case_count"] == 2
    assert (
        '<span class="badge text-bg-warning">2<span class="visually-hidden"> cases '
        "waiting</span></span>" in response.text
    )
    assert (
        '<a class="nav-link active" aria-current="page" href="?status=waiting">'
        'Waiting (open or acknowledged) <span class="badge text-bg-light">2</span></a>'
        in response.text
    )
    assert '<input type="hidden" name="status" value="waiting">' in response.text
    for status, expected in (("open", still_open), ("acknowledged", acknowledged)):
        page = client.get(reverse("review:case_queue") + f"?status={status}")
        assert [row["pk"] for row in page.context["page"]] == [expected.pk]


def test_the_default_queue_counts_its_pages_from_the_counts_by_status(
    client, clinic, clinician
):
    cases = [open_case(TreatmentFactory(clinic=clinic)) for _n in range(27)]
    for case in cases[:3]:
        case_acknowledge(case_id=case.pk, user=clinician)
    ReviewCase.objects.filter(pk=cases[3].pk).update(status="resolved", outcome="treated")
    login(client, clinician)
    first = client.get(reverse("review:case_queue"))
    assert (first.context["page"].paginator.count, len(first.context["page"])) == (26, 25)
    second = client.get(reverse("review:case_queue") + "?page=2")
    assert len(second.context["page"]) == 1
    assert second.context["open_case_count"] == 26


def test_the_queue_filters_have_visible_labels(client, clinic, clinician):
    login(client, clinician)
    text = client.get(reverse("review:case_queue")).text
    for name, label in (
        ("level", "Level"), ("procedure", "Procedure"), ("practitioner", "Practitioner")
    ):  # fmt: skip
        assert (
            f'<label class="form-label small mb-1" for="id_{name}">{label}</label>'
            f'<select name="{name}" class="form-select form-select-sm" id="id_{name}">'
        ) in text


# The treatment list: search and dates


def search(client, text: str):
    return client.get(reverse("clinic:treatment_list"), {"q": text})


def listed(response) -> list[str]:
    return [t.clinic_patient.name for t in response.context["page"]]


@pytest.fixture
def patients(clinic):
    """Three patients of the clinic, and one of another clinic's with a similar name."""
    for first, last, phone in (
        ("Aiko", "Tanaka", "03-1111-2222"),
        ("Hana", "Sato", "+81 90 3333 4444"),
        ("Ren", "Tanabe", ""),
    ):
        person = PatientFactory(first_name=first, last_name=last,
                                email=f"{first.lower()}@mail.test")  # fmt: skip
        TreatmentFactory(clinic=clinic, patient=person)
        ClinicPatient.objects.filter(clinic=clinic, email=person.email).update(phone=phone)
    TreatmentFactory(patient=PatientFactory(first_name="Yuki", last_name="Tanaka"))


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("tanaka", ["Aiko Tanaka"]),  # not the other clinic's Yuki Tanaka
        ("TANA", ["Aiko Tanaka", "Ren Tanabe"]),
        ("  hana@MAIL ", ["Hana Sato"]),
        ("0311112222", ["Aiko Tanaka"]),
        ("1111 2222", ["Aiko Tanaka"]),
        ("９０-３３３３", ["Hana Sato"]),  # typed on a Japanese keyboard
        ("+81 90 3333", ["Hana Sato"]),
        ("nobody", []),
    ],
)
def test_staff_find_their_clinics_patients_by_name_email_or_phone(
    client, clinician, patients, text, found
):
    login(client, clinician)
    assert sorted(listed(search(client, text))) == found


def test_a_search_says_how_many_treatments_it_found(client, clinician, patients):
    login(client, clinician)
    response = search(client, "tana")
    assert '<p role="status">2 treatments found for “tana”.' in response.text
    assert 'value="tana"' in response.text
    assert '<label class="form-label" for="patient-search">Find a patient</label>' in (
        response.text
    )
    one = search(client, "aiko")
    assert '<p role="status">1 treatment found for “aiko”.' in one.text
    none = search(client, "nobody")
    assert "No patient matches this search." in none.text


def test_a_search_runs_as_many_queries_as_the_plain_list(client, clinician, patients):
    login(client, clinician)
    client.get(reverse("clinic:treatment_list"))  # the session's first write
    with CaptureQueriesContext(connection) as plain:
        client.get(reverse("clinic:treatment_list"))
    with CaptureQueriesContext(connection) as searched:
        search(client, "03-1111")
    assert len(searched) == len(plain)


def test_the_next_page_of_a_search_keeps_the_search(client, clinic, clinician):
    for _n in range(51):
        TreatmentFactory(clinic=clinic, patient=PatientFactory(last_name="Mori"))
    login(client, clinician)
    response = search(client, "mori")
    assert 'href="?q=mori&amp;page=2">Older</a>' in response.text
    assert len(response.context["page"]) == 50


def test_the_treatment_list_dates_a_treatment_in_its_clinics_zone(
    client, clinic, clinician
):
    # 08:00 on 25 November in Tokyo is 23:00 on the 24th in UTC.
    TreatmentFactory(clinic=clinic, performed_at=datetime(2026, 11, 25, 8, 0, tzinfo=TOKYO))
    login(client, clinician)
    text = client.get(reverse("clinic:treatment_list")).text
    assert "<td>25 Nov 2026</td>" in text
    assert "24 Nov 2026" not in text


# The admin


def course_version_made_at(clinic, moment: datetime) -> None:
    version = clinic.procedures.get(slug="velvet-skin").current_course()
    CourseVersion.objects.filter(pk=version.pk).update(created_at=moment)


def admin_cell(moment: datetime) -> str:
    """A changelist's cell for the naive local `moment`, as the admin formats it."""
    return (
        f'<td class="field-created_at nowrap">{date_format(moment, "DATETIME_FORMAT")}</td>'
    )


def test_the_admin_shows_a_managers_times_in_their_clinics_zone(client, clinic):
    manager = PatientFactory()
    staff_member_add(clinic=clinic, user=manager, role=StaffMember.Role.MANAGER)
    course_version_made_at(clinic, datetime(2026, 11, 25, 8, 0, tzinfo=TOKYO))
    login(client, manager)
    text = client.get(reverse("admin:clinic_courseversion_changelist")).text
    assert admin_cell(datetime(2026, 11, 25, 8, 0)) in text
    assert admin_cell(datetime(2026, 11, 24, 23, 0)) not in text


def test_an_admin_user_of_no_clinic_reads_utc(client, clinic):
    operator = get_user_model().objects.create_superuser("operator", "op@example.test")
    course_version_made_at(clinic, datetime(2026, 11, 25, 8, 0, tzinfo=TOKYO))
    login(client, operator)
    text = client.get(reverse("admin:clinic_courseversion_changelist")).text
    assert admin_cell(datetime(2026, 11, 24, 23, 0)) in text


def test_the_admins_zone_does_not_outlast_its_request(client, clinic):
    manager = PatientFactory()
    staff_member_add(clinic=clinic, user=manager, role=StaffMember.Role.MANAGER)
    login(client, manager)
    assert client.get(reverse("admin:index")).status_code == 200
    assert timezone.get_current_timezone_name() == "UTC"


# Outcomes


def test_every_cohort_filter_has_a_visible_label(client, clinic):
    manager = StaffFactory(clinic=clinic, role="manager").user
    login(client, manager)
    text = client.get(reverse("outcomes:outcomes")).text
    for prefix in "abc":
        for name, label in (
            ("procedure", "Procedure"), ("course_version", "Course version"),
            ("needle_depth_mm", "Needle depth (mm)"), ("anaesthesia", "Anaesthesia"),
            ("practitioner", "Practitioner"), ("performed_from", "Performed from"),
            ("performed_to", "Performed until"),
        ):  # fmt: skip
            assert (
                f'<label class="form-label small mb-0" for="id_{prefix}-{name}">'
                f"{label}</label>"
            ) in text


@pytest.mark.parametrize(
    ("p", "words"),
    [
        (0.0004, "p < 0.001: a difference this large would very rarely happen by chance "
                 "(less than 1 in 1,000)"),
        (0.003, "p = 0.003: a difference this large would rarely happen by chance "
                "(less than 1 in 100)"),
        (0.0312, "p = 0.031: a difference this large would seldom happen by chance "
                 "(less than 1 in 20)"),
        (0.05, "p = 0.05: could well be chance"),
        (0.4, "p = 0.4: could well be chance"),
        (1.0, "p = 1: could well be chance"),
    ],
)  # fmt: skip
def test_a_p_value_comes_with_plain_words(p, words):
    assert p_value_words(p) == words


def test_the_outcomes_page_explains_its_log_rank_p_values(client, clinic):
    from tests.outcomes.test_outcomes import cohort

    manager = StaffFactory(clinic=clinic, role="manager").user
    cohort(clinic, 6, resolved_on=2, depth="0.50")
    cohort(clinic, 6, resolved_on=10, depth="1.00")
    login(client, manager)
    response = client.get(
        reverse("outcomes:outcomes") + "?a-needle_depth_mm=0.5&b-needle_depth_mm=1.0"
    )
    p = response.context["tests"]["redness"].p_value
    assert escape(p_value_words(p)) in response.text
    assert "The p-value is how often chance alone would make two cohorts differ" in (
        response.text
    )
