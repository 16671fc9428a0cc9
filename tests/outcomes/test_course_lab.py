"""The course lab: managers tune their clinic's courses from their own diaries."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from clinic.models import AuditEntry, CourseVersion, Procedure
from clinic.services import course_version_create, treatment_create
from outcomes.lab import Diary, ResolvedCases, course_replay
from recovery.course import VELVET_SKIN_V1, VELVET_SKIN_V2, course_from_dict
from recovery.judge import Observation
from review.models import ReviewCase
from tests.conftest import login
from tests.factories import ClinicFactory, StaffFactory, TreatmentFactory, record

REDNESS_DAYS_4_TO_7 = 3  # the band's index in VELVET_SKIN_V2's redness bands


@pytest.fixture
def manager(clinic):
    return StaffFactory(clinic=clinic, role="manager").user


@pytest.fixture
def in_force(clinic):
    """Velvet Skin's version in force: version 2 as shipped, whatever the number."""
    procedure = clinic.procedures.get(slug="velvet-skin")
    return course_version_create(procedure=procedure, definition=VELVET_SKIN_V2, note="v2")


@pytest.fixture
def lab_url(in_force):
    return reverse("outcomes:course_lab", args=[in_force.procedure_id])


class _Inputs(HTMLParser):
    """The values a browser would send for the page's form (no button pressed)."""

    def __init__(self):
        super().__init__()
        self.data = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag != "input" or attrs.get("type") == "submit" or "name" not in attrs:
            return
        if attrs.get("type") == "checkbox" and "checked" not in attrs:
            return
        self.data[attrs["name"]] = attrs.get("value") or ""


def page_form(response, **changes) -> dict:
    """The lab's form as the page filled it in, with `changes` (field names with
    "__" for "-", as in redness__3__upper)."""
    parser = _Inputs()
    parser.feed(response.text)
    parser.data.pop("csrfmiddlewaretoken", None)
    return parser.data | {name.replace("__", "-"): str(v) for name, v in changes.items()}


# The draft the replay tests try: redness on days 4-7 usually up to 2, limit 2
# (version 2 has 3 and 3).
TIGHTER = {"redness__3__typical_high": 2, "redness__3__upper": 2}


def snapshot() -> dict[str, int]:
    ours = ("clinic", "review", "diary", "outcomes", "auth", "sessions")
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in ours
    }


def writes(queries) -> list[str]:
    return [q["sql"] for q in queries if re.match(r"\s*(INSERT|UPDATE|DELETE)", q["sql"])]


# The list.


def test_the_list_shows_the_managers_procedures_with_the_version_in_force(
    client, clinic, manager, in_force, django_assert_num_queries
):
    ClinicFactory(name="Rival Skin")  # its procedures are not listed
    login(client, manager)
    # user, the account (roles, languages, authenticator, the session's second-factor
    # device; clinic.account), the navigation's open-case count, the procedures with
    # their versions in force (one query). The session comes from the cache.
    with django_assert_num_queries(4):
        response = client.get(reverse("outcomes:course_list"))
    rows = [(p.name, p.clinic.name, p.version) for p in response.context["procedures"]]
    assert rows == [
        ("Dermapen", "Smart Skin", 2),
        ("Velvet Skin", "Smart Skin", in_force.version),
    ]
    assert reverse("outcomes:course_lab", args=[in_force.procedure_id]) in response.text
    assert 'href="/clinic/courses/">Courses</a>' in response.text  # in the navigation


def test_the_list_is_a_404_for_clinicians_and_patients(client, clinician, patient):
    for user in (clinician, patient):
        login(client, user)
        assert client.get(reverse("outcomes:course_list")).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login(client, lab_url):
    for url in (reverse("outcomes:course_list"), lab_url):
        response = client.get(url)
        assert response.status_code == 302
        assert response.headers["Location"].startswith(reverse("login"))


# Who reaches the lab.


@pytest.mark.parametrize("who", ["clinician", "other_manager", "patient"])
def test_only_the_clinics_managers_reach_the_lab_and_denied_requests_change_nothing(
    client, clinic, in_force, lab_url, who, clinician, patient
):
    people = {
        "clinician": clinician,
        "other_manager": StaffFactory(clinic=ClinicFactory(), role="manager").user,
        "patient": patient,
    }
    login(client, people[who])
    before = snapshot()
    assert client.get(lab_url).status_code == 404
    publish = {"action": "publish", "based_on": in_force.version, "publish-note": "x"}
    assert client.post(lab_url, publish).status_code == 404
    assert snapshot() == before


def test_a_procedure_that_does_not_exist_is_a_404(client, manager, in_force):
    login(client, manager)
    missing = Procedure.objects.order_by("-pk").first().pk + 1
    assert client.get(reverse("outcomes:course_lab", args=[missing])).status_code == 404


def test_a_procedure_without_a_course_is_a_404(client, clinic, manager):
    procedure = Procedure.objects.create(clinic=clinic, name="New Peel", slug="new-peel")
    login(client, manager)
    assert (
        client.get(reverse("outcomes:course_lab", args=[procedure.pk])).status_code == 404
    )


def test_the_lab_takes_get_and_post_only(client, manager, lab_url):
    login(client, manager)
    assert client.put(lab_url).status_code == 405
    assert client.post(reverse("outcomes:course_list")).status_code == 405


# The draft.


def test_the_draft_starts_from_the_version_in_force(client, manager, in_force, lab_url):
    login(client, manager)
    response = client.get(lab_url)
    draft = response.context["draft"]
    redness = [form.initial for form in draft.bands["redness"]]
    assert redness[REDNESS_DAYS_4_TO_7] == {
        "first_day": 4, "last_day": 7, "typical_low": 0, "typical_high": 3, "upper": 3,
    }  # fmt: skip
    assert len(redness) == 7
    assert (draft.rules["rebound_rise"].value(), draft.rules["reaches_pain"].value()) == (
        2,
        4,
    )
    assert draft.rules["pain_lowest_since_day"].value() == 1
    assert draft.rules["peak_peeling"].value() is None
    assert f"Version {in_force.version} is in force" in response.text
    assert response.text.count('<img class="chart" src="data:image/svg+xml;base64,') == 4
    assert response.context["replay"] is None
    # sent back unchanged, it is the same course
    again = client.post(lab_url, page_form(response) | {"action": "try"})
    assert again.context["draft"].definition() == VELVET_SKIN_V2


def test_an_invalid_band_says_so_at_that_band_and_keeps_what_was_typed(
    client, manager, lab_url
):
    login(client, manager)
    data = page_form(client.get(lab_url), redness__3__typical_high=3, redness__3__upper=2)
    before = snapshot()
    response = client.post(lab_url, data | {"action": "try"})
    form = response.context["draft"].bands["redness"].forms[REDNESS_DAYS_4_TO_7]
    assert form.errors == {
        "upper": ["Day 4–7: the usual range must end at or below the limit."]
    }
    row = _band_row(response.text, "redness", REDNESS_DAYS_4_TO_7)
    assert "Day 4–7: the usual range must end at or below the limit." in row
    assert 'name="redness-3-upper" value="2"' in row
    assert 'name="redness-3-typical_high" value="3"' in row
    assert response.context["replay"] is None
    assert (
        "Your draft has errors, so the charts show the version in force." in response.text
    )
    assert snapshot() == before


def _band_row(html: str, code: str, index: int) -> str:
    """The band's table row and the row of its messages, if any."""
    start = html.index(f'name="{code}-{index}-first_day"')
    end = html.find(f'name="{code}-{index + 1}-first_day"', start)
    return html[start : end if end > 0 else html.index("</table>", start)]


def test_bands_with_a_gap_say_so_at_the_symptom(client, manager, lab_url):
    login(client, manager)
    data = page_form(client.get(lab_url), bruising__3__last_day=6)  # day 7 uncovered
    response = client.post(lab_url, data | {"action": "try"})
    assert response.context["draft"].bands["bruising"].non_form_errors() == [
        "Bruising: the days must follow each other without gaps, from day 0, the last one "
        "open-ended. Nothing covers the days between Day 4–6 and Day 8–10."
    ]
    assert 'name="bruising-3-last_day" value="6"' in response.text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"pain__0__upper": 11}, ("pain", 0, "upper"), "Pain is rated from 0 to 10."),
        ({"peeling__6__first_day": 15, "peeling__6__last_day": 14},
         ("peeling", 6, "last_day"), "Day 15–14: the last day comes before the first."),
        ({"redness__2__typical_low": 3, "redness__2__typical_high": 2},
         ("redness", 2, "typical_high"),
         "Day 2–3: the usual range must start at or below where it ends."),
        ({"rules__pain_lowest_since_day": 3}, ("rules", "pain_lowest_since_day"),
         "Pain alarm: the lowest pain is looked for before the rising pain alarm starts "
         "(day 3), so from day 2 at the latest."),
        ({"rules__pain_rising_from_day": 0}, ("rules", "pain_rising_from_day"),
         "Pain alarm: a rise needs earlier days, so the rising pain alarm starts on day 1 "
         "or later."),
        ({"rules__peak_redness": ""}, ("rules", "reaches_redness"),
         "Redness: rising again is counted after the peak day; give a peak day or leave "
         "this empty."),
        ({"rules__downtime_longest": 5}, ("rules", "downtime_longest"),
         "Downtime: the longest must be at least the shortest (7 days)."),
    ],
)  # fmt: skip
def test_each_mistake_is_told_in_plain_words_where_it_was_made(
    client, manager, lab_url, changes, field, message
):
    login(client, manager)
    data = page_form(client.get(lab_url), **changes)
    response = client.post(lab_url, data | {"action": "try"})
    draft = response.context["draft"]
    if field[0] == "rules":
        errors = draft.rules.errors[field[1]]
    else:
        code, index, name = field
        errors = draft.bands[code].forms[index].errors[name]
    assert errors == [message]
    assert message.replace("'", "&#x27;") in response.text


def test_add_a_band_gives_the_symptom_one_more_row_and_keeps_the_rest(
    client, manager, lab_url
):
    login(client, manager)
    data = page_form(client.get(lab_url), pain__6__upper=3)
    response = client.post(lab_url, data | {"add": "pain"})
    bands = response.context["draft"].bands["pain"]
    assert len(bands.forms) == 8
    assert 'name="pain-6-upper" value="3"' in response.text
    assert 'name="pain-7-first_day"' in response.text
    # splitting day 14+ into 14-20 and 21+ in the new row makes a valid course
    data = page_form(
        response, pain__6__last_day=20, pain__7__first_day=21, pain__7__typical_low=0,
        pain__7__typical_high=0, pain__7__upper=1,
    )  # fmt: skip
    response = client.post(lab_url, data | {"action": "try"})
    assert response.context["draft"].definition()["symptoms"]["pain"]["bands"][-2:] == [
        {"from": 14, "to": 20, "typical": [0, 0], "upper": 3},
        {"from": 21, "to": None, "typical": [0, 0], "upper": 1},
    ]


def test_a_removed_band_leaves_the_draft(client, manager, lab_url):
    login(client, manager)
    # remove days 11-13 and let days 8-10 run on to day 13
    data = page_form(client.get(lab_url), redness__4__last_day=13, redness__5__DELETE="on")
    response = client.post(lab_url, data | {"action": "try"})
    bands = response.context["draft"].definition()["symptoms"]["redness"]["bands"]
    assert [(b["from"], b["to"]) for b in bands] == [
        (0, 0), (1, 1), (2, 3), (4, 7), (8, 13), (14, None),
    ]  # fmt: skip


# The replay.


@pytest.fixture
def diaries(clinic, in_force):
    """Three diaries of Velvet Skin 20 days ago (quiet values unless said):
    1. redness 2 on day 3 and 3 on day 4 (within version 2's days 4-7 limit of 3);
    2. redness 4 on day 5 (above the limit) and 3 on day 6; its case resolved as
       treated (it needed care);
    3. pain 6 on day 3 (the pain alarm); its case resolved as expected variation.
    And what must not count: another procedure's diary and another clinic's."""
    ago = timezone.now() - timedelta(days=20)
    made = [TreatmentFactory(clinic=clinic, performed_at=ago) for _n in range(3)]
    first, second, third = made
    record(first, 0)
    record(first, 3, redness=2)
    record(first, 4, redness=3)
    record(first, 5)
    record(second, 0)
    record(second, 5, redness=4)
    record(second, 6, redness=3)
    record(third, 0)
    record(third, 3, pain=6)
    for treatment, outcome in ((second, "treated"), (third, "expected_variation")):
        ReviewCase.objects.filter(treatment=treatment).update(
            status="resolved", outcome=outcome, resolved_at=timezone.now()
        )
    dermapen = clinic.procedures.get(slug="dermapen")
    record(
        TreatmentFactory(clinic=clinic, procedure=dermapen, performed_at=ago), 5, redness=4
    )
    record(TreatmentFactory(performed_at=ago), 5, redness=4)  # another clinic
    return made


def _replay(client, lab_url, **changes):
    data = page_form(client.get(lab_url), **changes)
    return client.post(lab_url, data | {"action": "try"})


def test_try_it_replays_the_diaries_under_the_draft_and_the_version_in_force(
    client, manager, lab_url, diaries
):
    login(client, manager)
    data = page_form(client.get(lab_url), **TIGHTER) | {"action": "try"}
    before = snapshot()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(lab_url, data)
    assert writes(queries.captured_queries) == []
    entry_reads = [q for q in queries.captured_queries if 'FROM "diary_entry"' in q["sql"]]
    assert len(entry_reads) == 1  # the entries are read once, for the charts and replay
    assert snapshot() == before
    replay = response.context["replay"]
    now, draft = replay.in_force, replay.draft
    assert (now.entries, now.entries_flagged, now.entries_urgent) == (9, 2, 1)
    assert (draft.entries, draft.entries_flagged, draft.entries_urgent) == (9, 4, 1)
    assert (now.patients, now.patients_flagged, draft.patients_flagged) == (3, 2, 3)
    assert (replay.needed_care, now.needed_care_flagged, draft.needed_care_flagged) == (
        1,
        1,
        1,
    )
    assert (replay.no_care, now.no_care_flagged, draft.no_care_flagged) == (1, 1, 1)
    rules = [(r.label, r.in_force, r.draft) for r in replay.rule_rows()]
    assert rules == [("Above the limit", 1, 3), ("Pain alarm", 1, 1)]
    days = [(r.label, r.total, r.in_force, r.draft) for r in replay.day_rows()]
    assert days == [
        ("0", 3, 0, 0), ("3", 2, 1, 1), ("4", 1, 0, 1), ("5", 2, 1, 1), ("6", 1, 0, 1),
    ]  # fmt: skip
    text = response.text
    assert "<td>2 (22%)</td><td>4 (44%)</td>" in text  # entries flagged
    assert "<td>2 (67%)</td><td>3 (100%)</td>" in text  # patients flagged


def test_a_looser_draft_shows_which_patients_who_needed_care_it_would_miss(
    client, manager, lab_url, diaries
):
    login(client, manager)
    response = _replay(client, lab_url, redness__3__upper=4)
    replay = response.context["replay"]
    assert (replay.in_force.needed_care_flagged, replay.draft.needed_care_flagged) == (1, 0)
    assert (replay.in_force.entries_flagged, replay.draft.entries_flagged) == (2, 1)


def test_the_charts_draw_the_clinics_median_and_middle_half(
    client, manager, lab_url, diaries
):
    login(client, manager)
    response = client.get(lab_url)
    assert (response.context["diaries"], response.context["entries"]) == (3, 9)


def test_course_replay_counts_a_treatment_once_however_many_entries_are_flagged():
    quiet = {"redness": 1, "bruising": 1, "peeling": 0, "pain": 1}
    diary = Diary(7, tuple(Observation(day=d, **quiet | {"redness": 4}) for d in (4, 5, 6)))
    course = course_from_dict(VELVET_SKIN_V2, procedure="Velvet Skin", version=2)
    replay = course_replay(
        diaries=[diary], in_force=course, draft=course,
        cases=ResolvedCases(needed_care=frozenset({7}), no_care=frozenset()),
    )  # fmt: skip
    assert (replay.draft.entries_flagged, replay.draft.patients_flagged) == (3, 1)
    assert replay.draft.needed_care_flagged == 1


# Publishing.


def test_publishing_creates_the_next_version_audits_it_and_new_treatments_get_it(
    client, clinic, manager, in_force, lab_url
):
    login(client, manager)
    data = page_form(
        client.get(lab_url), **TIGHTER, publish__note="Redness limit 2 on days 4-7"
    )
    response = client.post(lab_url, data | {"action": "publish"})
    assert response.status_code == 302
    assert response.headers["Location"] == reverse("outcomes:course_list")
    published = in_force.procedure.current_course()
    assert published.version == in_force.version + 1
    assert (published.note, published.created_by) == (
        "Redness limit 2 on days 4-7",
        manager,
    )
    band = published.definition["symptoms"]["redness"]["bands"][REDNESS_DAYS_4_TO_7]
    assert band == {"from": 4, "to": 7, "typical": [0, 2], "upper": 2}
    assert published.definition["aftercare"] == VELVET_SKIN_V2["aftercare"]
    audit = AuditEntry.objects.get()
    assert (audit.clinic, audit.actor, audit.clinic_patient, audit.action) == (
        clinic, manager, None, AuditEntry.Action.PUBLISH_COURSE,
    )  # fmt: skip
    assert audit.target == f"Velvet Skin v{published.version}: Redness limit 2 on days 4-7"
    assert audit.address == "127.0.0.1"
    treatment = treatment_create(
        clinic=clinic, patient_name="Rin Sato", patient_email="rin@example.test",
        procedure=in_force.procedure, performed_at=timezone.now(), notify=False,
    )  # fmt: skip
    assert treatment.course_version == published
    message = (
        f"Velvet Skin version {published.version} is now in force: new treatments get it."
    )
    assert message in client.get(response.headers["Location"]).text


def test_publishing_needs_a_note_and_keeps_the_draft(client, manager, in_force, lab_url):
    login(client, manager)
    data = page_form(client.get(lab_url), **TIGHTER)
    before = snapshot()
    response = client.post(lab_url, data | {"action": "publish"})
    assert response.context["draft"].publish.errors == {
        "note": ["Say what changed, in a sentence."]
    }
    assert 'name="redness-3-upper" value="2"' in response.text
    assert snapshot() == before


def test_an_unchanged_draft_is_not_published(client, manager, in_force, lab_url):
    login(client, manager)
    data = page_form(client.get(lab_url), publish__note="Nothing really")
    before = snapshot()
    response = client.post(lab_url, data | {"action": "publish"})
    assert response.context["draft"].publish.non_field_errors() == [
        f"The draft is the same as version {in_force.version}, the version in force: "
        "change something first."
    ]
    assert snapshot() == before


def test_a_version_published_meanwhile_is_not_overwritten(
    client, clinic, manager, in_force, lab_url
):
    login(client, manager)
    data = page_form(client.get(lab_url), **TIGHTER, publish__note="Tighter")
    newer = course_version_create(
        procedure=in_force.procedure, definition=VELVET_SKIN_V2, note="meanwhile"
    )
    before = snapshot()
    response = client.post(lab_url, data | {"action": "publish"})
    assert response.context["draft"].publish.non_field_errors() == [
        f"Version {newer.version} was published while you were editing. Try your draft "
        "against it, then publish again."
    ]
    assert snapshot() == before
    assert f'name="based_on" value="{newer.version}"' in response.text
    # publishing again, now that the manager has seen it, goes through
    again = page_form(response) | {"action": "publish"}
    assert client.post(lab_url, again).status_code == 302
    assert in_force.procedure.current_course().version == newer.version + 1


def test_a_version_1_course_gets_the_current_rules_in_its_draft(client, clinic, manager):
    procedure = Procedure.objects.create(clinic=clinic, name="Old Peel", slug="old-peel")
    CourseVersion.objects.create(procedure=procedure, version=1, definition=VELVET_SKIN_V1)
    url = reverse("outcomes:course_lab", args=[procedure.pk])
    login(client, manager)
    response = client.get(url)
    assert "uses the first version's rules" in response.text
    data = page_form(response, publish__note="The current rules")
    assert client.post(url, data | {"action": "publish"}).status_code == 302
    published = procedure.current_course()
    assert "worsening" not in published.definition
    assert published.definition["rules"] == VELVET_SKIN_V2["rules"]
    assert published.course.pain_alarm.at == 6
