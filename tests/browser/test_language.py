"""The language in a real browser: the browser's by default, the switch at the foot of
every page, the choice kept on the account and so on another device; and a keyboard
user's first Tab reaching the skip link."""

import pytest

from clinic.models import AccountSettings
from tests.browser.conftest import PASSWORD


@pytest.mark.django_db(transaction=True)
def test_the_switch_turns_the_pages_japanese_and_the_account_keeps_the_choice(
    new_session, diary_with_case
):
    patient = diary_with_case.patient
    laptop = new_session("desktop", "patient")
    laptop.sign_in(patient.email, PASSWORD)
    page = laptop.look("today-en")  # an English browser: English pages
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className").startswith("skip-link")

    page.locator(".language-switch button[lang=ja]").click()
    page.wait_for_load_state()
    laptop.language = "ja"
    page = laptop.look("today-ja")
    assert page.url == f"{laptop.base_url}/today/"
    assert page.locator(".navbar").inner_text().split()[:3] == [
        "ダウンタイム日記",
        "今日",
        "経過",
    ]
    assert AccountSettings.objects.get(user=patient).language == "ja"

    # Another English browser, signed in: the account's choice wins.
    other = new_session("desktop", "patient-elsewhere")
    other.sign_in(patient.email, PASSWORD)  # the login page in English
    other.language = "ja"
    other.look("today-ja")
