"""The patient's side in a real browser, on a phone in Japanese: logging today with a
photo, the verdict, History and a photo opened inside the app, Compare with its
overlay; an entry saved without a connection kept on the phone and stored once when
the connection returns; the installable app (manifest, icons, service worker). Every
page is checked by `Session.look`."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from diary.models import Entry, Photo, PushSubscription
from diary.push import vapid_key_pair
from tests.browser.conftest import PASSWORD, photo, skin_jpeg
from tests.factories import ClinicFactory, PatientFactory, TreatmentFactory, record

# The outbox's IndexedDB store (static/js/outbox.js): how many entries wait there.
KEPT = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open("downtime-diary", 1);
  open.onupgradeneeded = () => open.result.createObjectStore("outbox", {keyPath: "id"});
  open.onsuccess = () => {
    const count = open.result.transaction("outbox").objectStore("outbox").count();
    count.onsuccess = () => { open.result.close(); resolve(count.result); };
    count.onerror = () => reject(count.error);
  };
  open.onerror = () => reject(open.error);
})"""


def ja(text: str, **values) -> str:
    with translation.override("ja"):
        return translation.gettext(text) % values if values else translation.gettext(text)


@pytest.fixture
def diary(transactional_db):
    """A patient of a Tokyo clinic on day 2 after treatment, with a photo on day 0 and
    nothing logged since."""
    clinic = ClinicFactory(name="Smart Skin", time_zone="Asia/Tokyo")
    patient = PatientFactory(first_name="Aiko", last_name="Tanaka")
    # Noon in Tokyo two days ago: day 2 today, whatever the hour of the test.
    now = timezone.now().astimezone(clinic.zone)
    performed = (now - timedelta(days=2)).replace(hour=12, minute=0, second=0)
    treatment = TreatmentFactory(clinic=clinic, patient=patient, performed_at=performed)
    record(treatment, 0, redness=3, pain=5, photos=[photo(color=(225, 150, 140))])
    # Of the face from the front, the view today's form offers first.
    Photo.objects.update(view=Photo.View.FRONT)
    return treatment


def fill_in_today(page, *, photo_color=(215, 170, 160)) -> None:
    """Answer today's questions with one tap each (redness 2, bruising 1, peeling 0,
    pain 3, no bleeding) and choose a photo, as a patient does on the phone."""
    for field, choice in (("redness", 2), ("bruising", 1), ("peeling", 0), ("pain", 3)):
        page.locator(f"label[for=id_{field}_{choice}]").click()
    page.locator("label[for=id_bleeding_0]").click()
    page.locator("#id_photos").set_input_files(
        files=[{"name": "today.jpg", "mimeType": "image/jpeg",
                "buffer": skin_jpeg(photo_color)}]
    )  # fmt: skip
    page.locator("[data-photo-previews=id_photos] img").wait_for()


@pytest.mark.django_db(transaction=True)
def test_a_patient_logs_today_with_a_photo_in_japanese_then_reads_history_and_compares(
    phone, diary
):
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.look("today-empty")
    assert page.url == f"{phone.base_url}/today/"
    # An empty day starts with its form, its first question on the first screen.
    assert page.locator("[data-entry-form] legend").first.bounding_box()["y"] < 844

    fill_in_today(page)
    phone.look("today-filled")
    page.locator("#entry-save").click()
    verdict = page.locator("section.verdict")
    verdict.wait_for()
    page = phone.look("today-saved")
    phone.shot_for_readme("today-phone-ja.png", width=390)
    assert verdict.locator("h2").inner_text() == ja("Usual for day %(day)s", day=2)
    # After saving, the verdict first and the form folded.
    assert not page.locator("details#entry-fold").evaluate("d => d.open")
    entry = Entry.objects.get(day=2)
    assert (entry.redness, entry.bruising, entry.peeling, entry.pain, entry.bleeding) == (
        2, 1, 0, 3, False,
    )  # fmt: skip
    assert entry.photos.count() == 1

    page.locator(".navbar a", has_text=ja("History")).click()
    page = phone.look("history")
    # Newest day first, today's photo among its thumbnails (tests/browser/
    # test_history_compare.py opens the photos and checks the charts).
    assert page.locator("article.entry h3").all_inner_texts() == ["2日目", "0日目"]
    assert page.locator("article.entry").first.locator(".thumbnails img").count() == 1

    page.locator("main a", has_text=ja("Compare photos")).click()
    page = phone.look("compare")
    assert page.locator(".redness-index").count() == 0  # for staff only
    page.locator("[data-mode=overlay]").click()
    page.locator("input[data-overlay]").fill("30")
    # Today's photo over day 0's, uncovered from the left up to the slider.
    assert page.locator(".compare-pair.is-overlay").count() == 1
    second = page.locator(".compare-cell + .compare-cell img")
    assert second.evaluate("i => getComputedStyle(i).clipPath") == "inset(0px 0px 0px 30%)"
    phone.look("compare-overlay")

    # Remove asks first; "No" keeps the photo, "Yes" removes it.
    page = phone.open("/today/")
    page.locator("[data-remove-ask]").click()
    question = page.locator("[data-remove-confirm]")
    assert question.is_visible()
    assert page.evaluate("document.activeElement.hasAttribute('data-remove-no')")
    phone.look("today-remove-asks")
    page.locator("[data-remove-no]").click()
    assert question.is_hidden()
    page.locator("[data-remove-ask]").click()
    page.locator("[data-remove-yes]").click()
    page.wait_for_load_state()
    page = phone.look("today-removed")
    assert page.locator("[data-saved-photo]").count() == 0
    assert list(Photo.objects.values_list("entry__day", flat=True)) == [0]


@pytest.mark.django_db(transaction=True)
def test_a_save_with_questions_unanswered_comes_back_with_the_errors_first_focused(
    phone, diary
):
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.page
    page.locator("label[for=id_redness_2]").click()
    page.locator("#entry-save").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    page = phone.look("today-errors")
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.locator("li").count() == 4  # bruising, peeling, pain, bleeding
    assert summary.bounding_box()["y"] < 844  # on the first screen
    assert Entry.objects.filter(day=2).count() == 0


@pytest.mark.django_db(transaction=True)
def test_after_the_downtime_today_says_the_recovery_is_complete_and_asks_three_questions(
    phone, diary
):
    diary.performed_at -= timedelta(days=13)  # day 15 today
    diary.save(update_fields=["performed_at"])
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.look("today-complete")
    card = page.locator("#recovery-complete")
    assert card.locator("h2").first.inner_text() == ja("Your recovery is complete")
    report = card.locator("#downtime-report")
    assert report.locator("h2").inner_text() == ja(
        "Three short questions about your downtime"
    )
    assert report.locator("legend, label.form-label").count() == 3
    # The day's form is folded below, for a late entry.
    assert not page.locator("details#entry-fold").evaluate("d => d.open")


@pytest.mark.django_db(transaction=True)
def test_an_entry_saved_offline_is_kept_on_the_phone_and_stored_once_back_online(
    phone, diary
):
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.page
    fill_in_today(page)

    phone.context.set_offline(True)
    page.locator("#entry-save").click()
    state = page.locator("#save-state[data-save-state=queued]")
    state.wait_for()
    said = page.locator("script[data-outbox]").get_attribute("data-text-queued")
    assert state.inner_text() == said
    assert said.startswith("この端末に保存しました。")  # "Saved on this phone."
    phone.look("offline-kept")
    assert page.evaluate(KEPT) == 1
    assert Entry.objects.filter(day=2).count() == 0

    phone.context.set_offline(False)  # the `online` event sends what was kept
    page.locator("section.verdict").wait_for()
    phone.look("back-online")
    assert page.evaluate(KEPT) == 0
    entry = Entry.objects.get(day=2)
    assert entry.pain == 3
    assert Photo.objects.filter(entry=entry).count() == 1
    assert Photo.objects.count() == 2  # day 0's and today's


@pytest.mark.django_db(transaction=True)
def test_the_phone_app_is_installable_and_its_service_worker_runs(phone, diary):
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.look("today")
    scope = page.evaluate(
        "() => navigator.serviceWorker.ready.then(r => r.active.scriptURL)"
    )
    assert scope == f"{phone.base_url}/sw.js"

    # Fetched by the page, as the browser does, in the browser's language.
    response = page.evaluate("""() => fetch(document.querySelector("link[rel=manifest]").href)
      .then(r => r.json().then(body => [r.status, r.headers.get("Content-Type"), body]))""")
    status, content_type, manifest = response
    assert (status, content_type) == (200, "application/manifest+json")
    assert (manifest["name"], manifest["start_url"], manifest["display"]) == (
        ja("Downtime Diary"),
        "/today/",
        "standalone",
    )
    sizes = set()
    for icon in manifest["icons"]:
        image = page.request.get(phone.base_url + icon["src"])
        assert (image.ok, image.headers["content-type"]) == (True, "image/png")
        sizes.add(icon["sizes"])
    assert {"192x192", "512x512"} <= sizes


@pytest.mark.django_db(transaction=True)
def test_an_entry_whose_answer_was_lost_is_sent_again_and_stored_once(phone, diary):
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.page
    fill_in_today(page)
    lost = []

    def lose_the_first_answer(route):
        if route.request.method == "POST" and not lost:
            lost.append(route.fetch().status)  # the diary stores the entry, but
            route.abort("internetdisconnected")  # the phone never hears back
        else:
            route.fallback()

    page.route("**/treatments/*/day/*/", lose_the_first_answer)
    page.locator("#entry-save").click()
    page.locator("#save-state[data-save-state=queued]").wait_for()
    assert lost == [200]
    assert Entry.objects.filter(day=2).count() == 1

    # As when the connection returns: the phone sends it again, with its one-time key.
    page.evaluate("() => window.dispatchEvent(new Event('online'))")
    page.locator("section.verdict").wait_for()
    phone.look("sent-again")
    assert page.evaluate(KEPT) == 0
    entry = Entry.objects.get(day=2)
    assert Photo.objects.filter(entry=entry).count() == 1
    assert Photo.objects.count() == 2


# The browsers' push services are out of reach here: this stands in for Chromium's
# answer from one (a subscription with its endpoint and keys); all else is real.
PUSH_SERVICE = """
const ENDPOINT = "https://push.example.test/send/phone-1";
const KEYS = {
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
};
let subscribed = null;
PushManager.prototype.subscribe = function () {
  subscribed = {
    endpoint: ENDPOINT,
    toJSON: () => ({endpoint: ENDPOINT, keys: KEYS}),
    unsubscribe: () => { subscribed = null; return Promise.resolve(true); },
  };
  return Promise.resolve(subscribed);
};
PushManager.prototype.getSubscription = function () { return Promise.resolve(subscribed); };
"""


@pytest.mark.django_db(transaction=True)
def test_notifications_turn_on_from_today_with_one_tap_else_reminders_stay_email(
    new_session, diary, settings
):
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = vapid_key_pair()
    phone = new_session("phone", "patient")
    phone.context.grant_permissions(["notifications"])
    phone.context.add_init_script(PUSH_SERVICE)
    phone.sign_in(diary.patient.email, PASSWORD)
    page = phone.page
    box = page.locator("[data-push]")
    assert box.get_attribute("data-push-state") == "off"
    page.locator("#push-on").click()
    page.locator("[data-push][data-push-state=on]").wait_for()
    phone.look("today-push-on")
    assert list(PushSubscription.objects.values_list("user", "endpoint")) == [
        (diary.patient.pk, "https://push.example.test/send/phone-1")
    ]

    # Chromium itself, with no push service to reach: it says so, and email it is.
    other = new_session("phone", "patient-no-push")
    other.context.grant_permissions(["notifications"])
    other.sign_in(diary.patient.email, PASSWORD)
    page = other.page
    page.locator("#push-on").click()
    page.locator("[data-push][data-push-state=failed]").wait_for()
    other.look("today-push-failed")
    assert page.locator("[data-push-email] a").is_visible()
    assert PushSubscription.objects.count() == 1
