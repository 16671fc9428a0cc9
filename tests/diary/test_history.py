import re
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
    assert f'<a href="{reverse("diary:photo_page", args=[photo.key])}">' in response.text
    for symptom in ("redness", "bruising", "peeling", "pain"):
        assert reverse("diary:chart", args=[treatment.pk, symptom]) in response.text


def day_headings(html: str) -> list[str]:
    return re.findall(r'<h3 class="h6 mb-1">([^<]*)</h3>', html)


def test_history_shows_the_newest_day_first_to_the_patient_and_to_staff(
    client, treatment, clinician
):
    for day in (0, 1, 2):
        record(treatment, day)
    client.force_login(treatment.patient)
    assert day_headings(client.get(history_url(treatment)).text) == [
        "Day 2", "Day 1", "Day 0",
    ]  # fmt: skip
    login(client, clinician)
    staff_page = client.get(reverse("clinic:treatment_detail", args=[treatment.pk])).text
    assert day_headings(staff_page) == ["Day 2", "Day 1", "Day 0"]


def answers(html: str) -> list[list[str]]:
    """The answer lines of each entry card, in page order."""
    return [
        re.findall(r"<li>([^<]*)</li>", card)
        for card in re.findall(
            r'<ul class="list-unstyled mb-1 small answers">(.*?)</ul>', html
        )
    ]


def test_entry_cards_say_the_patients_answers_in_words(client, treatment, clinician):
    record(treatment, 0, redness=3, bruising=0, peeling=4, pain=0)
    record(treatment, 1, redness=2, bruising=1, peeling=1, pain=6, bleeding=True)
    client.force_login(treatment.patient)
    page = client.get(history_url(treatment), HTTP_ACCEPT_LANGUAGE="en").text
    assert answers(page) == [
        ["Redness: clearly pink (mild, 2 of 4)",
         "Bruising: a few dark-red dots (slight, 1 of 4)",
         "Peeling: fine flakes in places (slight, 1 of 4)",
         "Pain: 6 of 10",
         "Bleeding: yes"],
        ["Redness: red (moderate, 3 of 4)",
         "Bruising: no dark-red dots or patches (none, 0 of 4)",
         "Peeling: raw or weeping areas (severe, 4 of 4)",
         "Pain: no pain (0 of 10)",
         "Bleeding: no"],
    ]  # fmt: skip
    assert "Redness 3/4" not in page  # the compact numbers are the staff's
    ja = client.get(history_url(treatment), HTTP_ACCEPT_LANGUAGE="ja").text
    assert answers(ja)[1] == [
        "赤み：赤い（中等度、3/4）",
        "内出血：赤黒い点やあざはない（なし、0/4）",
        "皮むけ：ただれている、またはじゅくじゅくしている部分がある（重度、4/4）",
        "痛み：痛みなし（0/10）",
        "出血：なし",
    ]
    assert answers(ja)[0][3:] == ["痛み：10点中6点", "出血：あり"]
    login(client, clinician)
    staff_page = client.get(history_url(treatment), HTTP_ACCEPT_LANGUAGE="en").text
    assert answers(staff_page)[1][0] == "Redness: red (moderate, 3 of 4)"
    assert "Redness 3/4 · Bruising 0/4 ·" in " ".join(staff_page.split())


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
    # user, the account (roles, languages, authenticator; clinic.account), treatment
    # (with clinic, procedure, course, patient), entries, their flags, their photos, the
    # clinic's replies. The session comes from the cache.
    with django_assert_num_queries(7):
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


def test_from_day_14_the_patient_answers_three_questions(client, treatment):
    from diary.models import DowntimeReport

    treatment.performed_at -= timedelta(days=13)
    treatment.save()  # now day 15
    client.force_login(treatment.patient)
    assert (
        "Three short questions about your downtime"
        in client.get(reverse("diary:today")).text
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
    assert "Three short questions" not in client.get(reverse("diary:today")).text


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
