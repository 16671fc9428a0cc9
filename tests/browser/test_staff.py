"""The clinic's side in a real browser: a clinician signs in with a password and a
code from an authenticator app, works a case from the queue to its resolution with a
message, and the patient reads that message on their phone; a manager opens the
patient list, the outcomes and the course lab. Each staff journey runs on a desktop in
English and on a phone in Japanese; every page is checked by `Session.look`."""

import pytest

from clinic.models import StaffMember
from review.models import ReviewCase
from tests.browser.conftest import PASSWORD

REPLY = "2日目の赤みと軽い痛みは、この施術ではよくある経過です。保湿を続けてください。"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_clinician_resolves_a_case_with_a_message_that_the_patient_then_reads(
    device, new_session, diary_with_case, staff_member
):
    diary = diary_with_case
    clinician, code = staff_member(diary.clinic)
    staff = new_session(device, "clinician")
    staff.sign_in(clinician.email, PASSWORD, code=code())

    page = staff.look("queue")  # staff land on the queue
    assert page.url == f"{staff.base_url}/clinic/cases/"
    row = page.locator("a.case-row")
    assert row.count() == 1
    assert "Aiko Tanaka" in row.inner_text()
    assert page.locator(".navbar .badge").first.inner_text().split()[0] == "1"

    row.click()
    page = staff.look("case")
    if device == "desktop":
        staff.shot_for_readme("case-desktop.png", width=960)
    assert page.url == f"{staff.base_url}/clinic/cases/{diary.case.pk}/"
    assert page.locator("h1").inner_text() == "Aiko Tanaka"
    email = page.locator(".case-contact a[href^='mailto:']")
    assert email.get_attribute("href") == f"mailto:{diary.patient.email}"
    phone = page.locator(".case-contact a[href^='tel:']")
    assert phone.get_attribute("href") == "tel:+819012345678"
    assert phone.inner_text() == "+81 90-1234-5678"
    assert page.locator(".timeline img.case-thumb").count() == 2
    assert "JST" in page.locator("main").inner_text()  # times in the clinic's zone
    actions = page.locator(".case-actions").bounding_box()
    diary_top = page.locator(".case-diary").bounding_box()["y"]
    if device == "phone":  # one column: what to do comes before the diary
        assert actions["y"] < diary_top
    else:  # two columns: the actions beside the flags and the diary
        assert actions["x"] > page.locator(".case-diary").bounding_box()["x"]

    page.locator(f"a[href='/treatments/{diary.treatment.pk}/compare/']").click()
    page = staff.look("compare")
    assert page.locator("main img[src*='/photos/']").count() == 2  # day 0 and today
    page.go_back()

    page.locator("form[action$='/acknowledge/'] [type=submit]").click()
    page.wait_for_url(f"**/clinic/cases/{diary.case.pk}/")
    staff.look("acknowledged")
    assert ReviewCase.objects.get().status == ReviewCase.Status.ACKNOWLEDGED
    # Still in the default queue, as the badge still counts it.
    page.locator(".navbar a[href='/clinic/cases/']").click()
    page = staff.look("queue-acknowledged")
    assert page.locator("a.case-row").count() == 1
    assert page.locator(".navbar .badge").first.inner_text().split()[0] == "1"
    page.locator("a.case-row").click()
    page.wait_for_url(f"**/clinic/cases/{diary.case.pk}/")

    resolve = page.locator("form[action$='/resolve/']")
    resolve.locator("select[name=outcome]").select_option("expected_variation")
    resolve.locator("textarea[name=message]").fill(REPLY)
    resolve.locator("[type=submit]").click()
    page.wait_for_url(f"**/clinic/cases/{diary.case.pk}/")
    page = staff.look("resolved")
    assert (
        page.locator("main [role=status]").inner_text()
        == {"en": "Saved.", "ja": "保存しました。"}[staff.language]
    )
    assert page.locator("form[action$='/resolve/']").count() == 0
    case = ReviewCase.objects.get()
    assert (case.status, case.outcome, case.message_to_patient) == (
        ReviewCase.Status.RESOLVED,
        ReviewCase.Outcome.EXPECTED_VARIATION,
        REPLY,
    )

    patient = new_session("phone", "patient-reply")
    patient.sign_in(diary.patient.email, PASSWORD)
    page = patient.look("today")
    assert page.url == f"{patient.base_url}/today/"
    reply = page.locator("main section.alert", has_text=REPLY)
    assert reply.inner_text().startswith("クリニックからのお返事：")

    page.locator(".navbar a", has_text="経過").click()
    page = patient.look("history")
    assert page.url == f"{patient.base_url}/treatments/{diary.treatment.pk}/history/"
    reply = page.locator("main section.alert", has_text=REPLY)
    assert reply.inner_text().startswith("クリニックからのお返事：")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_manager_finds_a_patient_and_opens_the_outcomes_and_the_course_lab(
    device, new_session, diary_with_case, staff_member
):
    diary = diary_with_case
    manager, code = staff_member(diary.clinic, StaffMember.Role.MANAGER)
    staff = new_session(device, "manager")
    staff.sign_in(manager.email, PASSWORD, code=code())
    page = staff.look("queue")

    page.locator(".navbar a[href='/clinic/']").click()
    page.locator("#patient-search").fill("tanaka")
    page.locator("#patient-search").press("Enter")
    page.wait_for_url("**/clinic/?q=tanaka")
    page = staff.look("patients")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1
    assert "Aiko Tanaka" in rows.inner_text()

    page.locator(".navbar a[href='/clinic/outcomes/']").click()
    page = staff.look("outcomes")
    treatments = page.locator("main table tbody tr").first.locator("td")
    assert treatments.inner_text() == "1"  # the one treatment, in cohort A

    page.locator(".navbar a[href='/clinic/courses/']").click()
    page = staff.look("courses")
    procedure = diary.treatment.procedure
    page.locator(f"a[href='/clinic/courses/{procedure.pk}/lab/']").click()
    page = staff.look("course-lab")
    page.locator("main form button.btn[value=try]").click()
    page.wait_for_selector("#replay")
    page = staff.look("course-lab-replay")
    assert page.locator("#replay").is_visible()
