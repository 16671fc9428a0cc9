"""Japanese and English: the language from the browser, the switch remembered for the
user, the clinic's default, emails in the recipient's language, flag texts in both,
and times in the clinic's zone saying so."""

from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone, translation

from clinic.languages import browser_language, email_language
from clinic.models import AccountSettings
from clinic.services import treatment_create
from diary.models import Flag
from review.models import ReviewCase
from review.services import case_alert
from tests.conftest import login
from tests.factories import PatientFactory, TreatmentFactory, record

JA = {"HTTP_ACCEPT_LANGUAGE": "ja-JP,ja;q=0.9,en;q=0.5"}
EN = {"HTTP_ACCEPT_LANGUAGE": "en-GB,en;q=0.9"}
SWITCH = reverse("set_language")


def saved(user):
    return AccountSettings.objects.filter(user=user).values_list("language", flat=True)


# The browser's language.


def test_a_browser_asking_for_japanese_gets_the_login_page_in_japanese(client):
    response = client.get(reverse("login"), **JA)
    assert response["Content-Language"] == "ja"
    assert '<html lang="ja">' in response.text
    assert "<title>ログイン · ダウンタイム日記</title>" in response.text


def test_a_browser_asking_for_english_gets_english(client):
    response = client.get(reverse("login"), **EN)
    assert response["Content-Language"] == "en"
    assert "<title>Log in · Downtime Diary</title>" in response.text


def test_today_and_history_speak_japanese_to_a_japanese_browser(client, treatment):
    record(treatment, 1)
    login(client, treatment.patient)
    today = client.get(reverse("diary:today"), **JA).text
    assert "お肌の状態はいかがですか？" in today
    assert "現在のアフターケア" in today
    assert "0 · なし — 普段の肌の色" in today  # the redness scale, word and description
    history = client.get(reverse("diary:history", args=[treatment.pk]), **JA).text
    assert "Velvet Skinの経過" in history
    assert '<span class="badge status-normal">通常の経過</span>' in history


def test_the_case_page_speaks_japanese_to_a_japanese_browser(client, treatment, clinician):
    record(treatment, 1, pain=8)
    case = ReviewCase.objects.get()
    login(client, clinician)
    page = client.get(reverse("review:case_detail", args=[case.pk]), **JA).text
    assert "このケースへの対応" in page
    assert "痛み 8/10（1日目）、標準経過の上限 4（Velvet Skin v2）" in page


def test_every_page_has_the_switch_with_each_language_in_its_own_words(client, treatment):
    login(client, treatment.patient)
    page = client.get(reverse("diary:today"), **JA).text
    assert f'action="{SWITCH}"' in page
    assert 'value="en" lang="en" aria-pressed="false">English</button>' in page
    assert 'value="ja" lang="ja" aria-pressed="true">日本語</button>' in page


@pytest.mark.parametrize(
    ("header", "language"),
    [
        ("ja", "ja"),
        ("ja-JP", "ja"),
        ("fr-FR,ja;q=0.5", "ja"),  # the first the app speaks
        ("en-US,ja;q=0.5", "en"),
        ("fr-FR,de", None),  # nothing the app speaks: the clinic's or the default
        ("*", None),
        ("", None),
    ],
)
def test_the_browsers_language_is_the_first_of_its_list_the_app_speaks(
    rf, header, language
):
    assert browser_language(rf.get("/", HTTP_ACCEPT_LANGUAGE=header)) == language


# The switch, remembered for the user.


def test_the_switch_changes_the_language_of_a_visitor_who_is_not_signed_in(client):
    response = client.post(SWITCH, {"language": "ja", "next": reverse("login")}, **EN)
    assert response.status_code == 302
    assert response["Location"] == reverse("login")
    assert client.cookies["django_language"].value == "ja"
    assert "<title>ログイン" in client.get(reverse("login"), **EN).text


def test_a_signed_in_users_choice_is_saved_and_survives_logging_out_and_in(
    client, treatment
):
    patient = treatment.patient
    login(client, patient)
    response = client.post(SWITCH, {"language": "ja", "next": reverse("diary:today")})
    assert response.status_code == 302
    assert list(saved(patient)) == ["ja"]
    client.post(reverse("logout"))
    client.cookies.clear()  # another phone: nothing but the account remembers
    login(client, patient)
    page = client.get(reverse("diary:today"), **EN)
    assert page["Content-Language"] == "ja"
    assert "お肌の状態はいかがですか？" in page.text


def test_switching_back_replaces_the_saved_choice(client, treatment):
    login(client, treatment.patient)
    client.post(SWITCH, {"language": "ja"})
    client.post(SWITCH, {"language": "en"})
    assert list(saved(treatment.patient)) == ["en"]
    assert client.get(reverse("diary:today"), **JA)["Content-Language"] == "en"


def test_a_language_the_app_does_not_speak_changes_nothing(client, treatment):
    login(client, treatment.patient)
    response = client.post(SWITCH, {"language": "fr", "next": reverse("diary:today")})
    assert response.status_code == 302
    assert list(saved(treatment.patient)) == []
    assert client.get(reverse("diary:today"), **JA)["Content-Language"] == "ja"


def test_the_switch_takes_posts_only(client, treatment):
    login(client, treatment.patient)
    assert client.get(SWITCH, {"language": "ja"}).status_code == 405
    assert list(saved(treatment.patient)) == []


def test_the_switch_does_not_leave_for_another_site(client):
    response = client.post(SWITCH, {"language": "ja", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_staff_owing_their_code_can_switch_the_page_but_not_their_account(
    client, clinician
):
    client.force_login(clinician)  # password given, second factor not yet
    response = client.post(SWITCH, {"language": "ja", "next": "/accounts/two-factor/"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/two-factor/"
    assert list(saved(clinician)) == []
    assert client.cookies["django_language"].value == "ja"


# The clinic's default.


def test_the_clinics_language_applies_when_neither_user_nor_browser_says(client, treatment):
    treatment.clinic.language = "ja"
    treatment.clinic.save()
    login(client, treatment.patient)
    assert client.get(reverse("diary:today"))["Content-Language"] == "ja"
    # The browser comes before the clinic, the user's own choice before both.
    assert client.get(reverse("diary:today"), **EN)["Content-Language"] == "en"
    AccountSettings.objects.create(user=treatment.patient, language="en")
    assert client.get(reverse("diary:today"), **JA)["Content-Language"] == "en"


def test_staff_get_the_language_of_the_clinic_they_work_for(client, clinic, clinician):
    clinic.language = "ja"
    clinic.save()
    login(client, clinician)
    page = client.get(reverse("review:case_queue"))
    assert page["Content-Language"] == "ja"
    assert "確認待ち一覧" in page.text


def test_without_any_say_the_app_speaks_its_default_language(client, db):
    patient = PatientFactory()  # no clinic knows them yet
    login(client, patient)
    assert client.get(reverse("diary:today"))["Content-Language"] == "en"


# Emails in the recipient's language.


def test_a_new_patients_invitation_goes_out_in_their_clinics_language(clinic, emails_sent):
    clinic.language = "ja"
    clinic.save()
    with translation.override("en"), emails_sent():  # sent from an English page
        treatment_create(
            clinic=clinic,
            patient_name="Aiko Tanaka",
            patient_email="aiko@example.test",
            procedure=clinic.procedures.get(slug="velvet-skin"),
            performed_at=timezone.now(),
        )
    (email,) = mail.outbox
    assert email.subject == "Smart Skin：ダウンタイム日記のご案内"
    assert email.body.startswith(
        "Smart Skinより、今回の施術のダウンタイム日記をご用意しました。"
    )


def test_a_patient_who_chose_english_gets_english_from_a_japanese_clinic(
    clinic, emails_sent
):
    clinic.language = "ja"
    clinic.save()
    patient = PatientFactory(email="ben@example.test", username="ben@example.test")
    AccountSettings.objects.create(user=patient, language="en")
    with translation.override("ja"), emails_sent():
        treatment_create(
            clinic=clinic,
            patient_name="Ben",
            patient_email="ben@example.test",
            procedure=clinic.procedures.get(slug="velvet-skin"),
            performed_at=timezone.now(),
        )
    (email,) = mail.outbox
    assert email.subject == "Smart Skin: a treatment for your recovery diary"


def test_the_on_call_alert_is_in_the_clinics_language(clinic, treatment, emails_sent):
    clinic.language = "ja"
    clinic.on_call_email = "on-call@example.test"
    clinic.save()
    with translation.override("en"), emails_sent():
        record(treatment, 1, warning_signs=["fever"])
    (email,) = mail.outbox
    assert email.subject == "【至急】患者さまの日記の確認が必要です（Smart Skin）"
    assert case_alert(ReviewCase.objects.get().pk) is True  # sent once, not again
    assert len(mail.outbox) == 1


def test_the_password_reset_email_is_in_the_accounts_saved_language(client, patient):
    AccountSettings.objects.create(user=patient, language="ja")
    client.post(reverse("password_reset"), {"email": patient.email}, **EN)
    (email,) = mail.outbox
    assert email.subject == "ダウンタイム日記：パスワードの再設定"


def test_an_email_with_no_account_behind_it_is_in_the_clinics_language(clinic):
    clinic.language = "ja"
    assert email_language(clinic=clinic, email="nobody@example.test") == "ja"


# Flag texts in every language.


def test_a_flag_saved_from_an_english_page_reads_in_japanese_to_a_japanese_reader(
    client, treatment
):
    with translation.override("en"):
        record(treatment, 2, redness=4)
    flag = Flag.objects.get()
    assert flag.message == (
        "Your redness today: deep or fiery red (4 of 4). On day 2 most people are at "
        "red or less."
    )
    assert flag.translations["ja"] == {
        "message": "今日の赤みは「濃い赤、燃えるような赤（4/4）」です。"
        "2日目には、ほとんどの方が「赤い」以下です。",
        "detail": "赤み 4/4（2日目）、標準経過の上限 3（Velvet Skin v2）",
    }
    login(client, treatment.patient)
    history = client.get(reverse("diary:history", args=[treatment.pk]), **JA).text
    assert "今日の赤みは「濃い赤、燃えるような赤（4/4）」です。" in history


# Dates and times: the language's format, the clinic's zone, and its name.

# 23:30 UTC on the 24th is 08:30 on the 25th in Tokyo.
MOMENT = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "style", "shown"),
    [
        ("ja", "datetime", "2026年11月25日 08:30 JST"),
        ("ja", "short", "11月25日 08:30 JST"),
        ("ja", "time", "08:30 JST"),
        ("en", "datetime", "25 Nov 2026 08:30 JST"),
        ("en", "short", "25 Nov 08:30 JST"),
        ("en", "time", "08:30 JST"),
    ],
)
def test_clinic_time_says_the_moment_in_the_clinics_zone_and_names_it(
    language, style, shown
):
    template = Template("{% load clinic_time %}{{ moment|clinic_time:style }}")
    with translation.override(language), timezone.override("Asia/Tokyo"):
        assert template.render(Context({"moment": MOMENT, "style": style})) == shown


def test_a_zone_without_a_short_name_is_named_by_its_offset():
    template = Template("{% load clinic_time %}{{ moment|clinic_time:'time' }}")
    with timezone.override("Asia/Dubai"):
        assert template.render(Context({"moment": MOMENT})) == "03:30 UTC+04"


@time_machine.travel(MOMENT, tick=False)
def test_the_treatment_page_dates_it_in_japanese_in_the_clinics_zone(
    client, clinic, clinician
):
    treatment = TreatmentFactory(clinic=clinic, performed_at=MOMENT)
    login(client, clinician)
    page = client.get(reverse("clinic:treatment_detail", args=[treatment.pk]), **JA)
    assert "2026年11月25日 08:30 JST" in page.text


@time_machine.travel(datetime(2026, 11, 25, 3, 0, tzinfo=UTC), tick=False)
def test_today_says_aftercare_times_in_japanese_with_the_zone(client, clinic, patient):
    # Treated at 10:30 in Tokyo on Wednesday the 25th (01:30 UTC); now 12:00 there.
    treatment = TreatmentFactory(
        clinic=clinic,
        patient=patient,
        performed_at=datetime(2026, 11, 25, 1, 30, tzinfo=UTC),
    )
    login(client, patient)
    page = client.get(reverse("diary:entry_day", args=[treatment.pk, 0]), **JA).text
    assert "2026年11月25日（水）" in page
    assert "メイク・スキンケア:</strong>" in page
    assert "今日 22:30 JSTから可能" in page


def test_the_charts_labels_are_japanese_and_measured_with_a_japanese_font(
    client, treatment, recwarn
):
    record(treatment, 1)
    login(client, treatment.patient)
    url = reverse("diary:chart", args=[treatment.pk, "redness"])
    svg = client.get(url, **JA).content.decode()
    assert ">赤み<" in svg and ">術後日数<" in svg and ">この日の通常の範囲<" in svg
    assert "'IPAexGothic'" in svg and "sans-serif" in svg  # the phone's font draws it
    assert [str(w.message) for w in recwarn if "missing from font" in str(w.message)] == []
