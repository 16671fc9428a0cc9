"""The demo `make run` loads: two fenced clinics on version 2 with a case for review
and an urgent one, and staff who can sign in with the printed authenticator key."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from clinic.models import Clinic
from clinic.two_factor import totp_code
from outcomes.demo import DEMO_PASSWORD
from review.models import ReviewCase


@pytest.fixture
def printed(db, media) -> str:
    out = io.StringIO()
    call_command("demo", stdout=out)
    return out.getvalue()


def test_the_demo_has_two_fenced_clinics_with_cases_and_staff_keys(client, printed):
    assert Clinic.objects.count() == 2
    waiting = ReviewCase.objects.exclude(status="resolved").select_related(
        "treatment__clinic", "treatment__course_version"
    )
    cases = {(c.treatment.clinic.slug, c.level) for c in waiting}
    assert cases == {("smart-skin-demo", "urgent"), ("aoyama-skin-demo", "review")}
    assert {c.treatment.course_version.version for c in waiting} == {2}
    for email in ("clinician2@demo.test", "manager2@demo.test"):
        assert email in printed
    # (One test: loading the demo takes seconds.) A clinician signs in with the key.
    line = next(row for row in printed.splitlines() if "clinician@demo.test" in row)
    key = line.split("key ")[1].strip()
    client.post(
        reverse("login"), {"username": "clinician@demo.test", "password": DEMO_PASSWORD}
    )
    response = client.post(
        reverse("two_factor_verify"), {"code": totp_code(key)}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("review:case_queue")
