from datetime import timedelta

import pytest
from django.urls import reverse

from diary.photos import prepare_photo
from tests.conftest import login
from tests.factories import record
from tests.images import phone_jpeg, upload


def history_url(treatment) -> str:
    return reverse("diary:history", args=[treatment.pk])


def test_history_lists_each_day_with_status_flags_and_thumbnails(client, treatment):
    record(treatment, 0, redness=3, pain=5, photos=[prepare_photo(upload(phone_jpeg()))])
    record(treatment, 1, pain=6)
    client.force_login(treatment.patient)
    response = client.get(history_url(treatment))
    assert response.status_code == 200
    assert [(e.day, e.status) for e in response.context["entries"]] == [
        (0, "normal"),
        (1, "review"),
    ]
    assert "Your pain today: 6 out of 10. On day 1 most people" in response.text
    photo = response.context["entries"][0].photos.all()[0]
    assert reverse("diary:photo_thumbnail", args=[photo.key]) in response.text
    for symptom in ("redness", "bruising", "peeling", "pain"):
        assert reverse("diary:chart", args=[treatment.pk, symptom]) in response.text


def test_staff_of_the_clinic_see_the_history_but_not_staff_elsewhere(
    client, treatment, clinician, other_clinician
):
    login(client, clinician)
    assert client.get(history_url(treatment)).status_code == 200
    login(client, other_clinician)
    assert client.get(history_url(treatment)).status_code == 404


def test_other_patients_get_404_and_anonymous_visitors_log_in(
    client, treatment, other_patient
):
    client.force_login(other_patient)
    assert client.get(history_url(treatment)).status_code == 404
    client.logout()
    assert client.get(history_url(treatment)).status_code == 302


def test_history_answers_only_get(client, treatment):
    client.force_login(treatment.patient)
    assert client.post(history_url(treatment)).status_code == 405


@pytest.mark.parametrize("entries", [1, 30])
def test_history_runs_the_same_queries_for_1_or_30_entries(
    client, treatment, django_assert_num_queries, entries
):
    treatment.performed_at -= timedelta(days=30)
    treatment.save()
    photo = prepare_photo(upload(phone_jpeg()))
    for day in range(entries):
        record(treatment, day, pain=6 if day % 3 else 1, photos=[photo])
    client.force_login(treatment.patient)
    # session, user, authenticator check, the account's language, treatment (with clinic,
    # procedure, course, patient), entries, their flags, their photos, the clinic's
    # replies, staff check for the navigation
    with django_assert_num_queries(10):
        assert client.get(history_url(treatment)).status_code == 200


def test_the_chart_draws_the_band_and_the_patients_values_as_svg(client, treatment):
    record(treatment, 0, redness=3)
    record(treatment, 2, redness=4)  # above day 2's upper limit of 3: flagged
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:chart", args=[treatment.pk, "redness"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    svg = response.content.decode()
    assert svg.startswith("<?xml") and "<svg" in svg
    for text in ("Redness", "Day after treatment", "entries", "flagged"):
        assert text in svg


def test_the_chart_rings_only_the_days_flagged_for_its_own_symptom(client, treatment):
    record(treatment, 1, redness=1, pain=6)  # pain is flagged, redness is not
    client.force_login(treatment.patient)
    redness = client.get(reverse("diary:chart", args=[treatment.pk, "redness"])).content
    pain = client.get(reverse("diary:chart", args=[treatment.pk, "pain"])).content
    ring = b"stroke: #c2410c"
    assert ring not in redness
    assert ring in pain


def test_the_chart_is_redrawn_when_an_entry_changes(client, treatment):
    client.force_login(treatment.patient)
    url = reverse("diary:chart", args=[treatment.pk, "pain"])
    empty = client.get(url).content
    record(treatment, 1, pain=6)
    assert client.get(url).content != empty


def test_charts_are_private_and_only_for_known_symptoms(client, treatment, other_patient):
    client.force_login(other_patient)
    assert (
        client.get(reverse("diary:chart", args=[treatment.pk, "pain"])).status_code == 404
    )
    client.force_login(treatment.patient)
    assert (
        client.get(reverse("diary:chart", args=[treatment.pk, "itch"])).status_code == 404
    )


def test_a_patient_sees_a_list_of_their_own_treatments_only(
    client, treatment, other_patient
):
    client.force_login(treatment.patient)
    response = client.get(reverse("diary:treatment_list"))
    assert list(response.context["treatments"]) == [treatment]
    assert client.post(reverse("diary:treatment_list")).status_code == 405
    client.force_login(other_patient)
    assert (
        treatment not in client.get(reverse("diary:treatment_list")).context["treatments"]
    )


def test_home_sends_each_person_to_their_start_page(client, treatment, clinician):
    assert client.get("/")["Location"] == reverse("login")
    client.force_login(treatment.patient)
    assert client.get("/")["Location"] == reverse("diary:today")
    login(client, clinician)
    assert client.get("/")["Location"] == reverse("review:case_queue")


def test_a_not_found_page_is_friendly(client, patient):
    client.force_login(patient)
    response = client.get("/treatments/999999/history/")
    assert response.status_code == 404
    assert "This page is not here" in response.text


def test_from_day_14_the_patient_answers_two_questions(client, treatment):
    from diary.models import DowntimeReport

    treatment.performed_at -= timedelta(days=13)
    treatment.save()  # now day 15
    client.force_login(treatment.patient)
    assert (
        "Two short questions about your downtime" in client.get(reverse("diary:today")).text
    )
    url = reverse("diary:downtime_report", args=[treatment.pk])
    bad = client.post(
        url, {"back_to_work_day": "99", "makeup_day": "2", "satisfaction": "8"}
    )
    assert "back_to_work_day" in bad.context["report_form"].errors
    assert 'value="2"' in bad.text  # what was typed is kept
    assert not DowntimeReport.objects.exists()
    client.post(url, {"back_to_work_day": "3", "makeup_day": "", "satisfaction": "8"})
    report = DowntimeReport.objects.get()
    assert (report.back_to_work_day, report.makeup_day, report.satisfaction) == (3, None, 8)
    assert "Two short questions" not in client.get(reverse("diary:today")).text


def test_the_questions_are_not_open_before_day_14_nor_to_others(
    client, treatment, other_patient
):
    url = reverse("diary:downtime_report", args=[treatment.pk])
    client.force_login(treatment.patient)
    assert client.post(url, {"satisfaction": "5"}).status_code == 404  # day 2
    treatment.performed_at -= timedelta(days=20)
    treatment.save()
    client.force_login(other_patient)
    assert client.post(url, {"satisfaction": "5"}).status_code == 404
    assert client.get(url).status_code == 405
