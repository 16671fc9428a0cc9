"""Phone notifications (Web Push): the keys, the subscription endpoints, the channel
and its fall back to email, the patient's choice."""

import base64
import json
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from cryptography.hazmat.primitives import serialization
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from py_vapid import Vapid
from pywebpush import WebPushException

from diary import reminders
from diary.models import PushSubscription, ReminderPreference
from diary.push import TIME_TO_LIVE, push_offered, vapid_key_pair
from diary.reminders import CLINIC_REPLY, REMINDER, WebPushChannel
from tests.conftest import login
from tests.factories import PatientFactory

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"
P256DH = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"
SUBSCRIPTION = {"endpoint": ENDPOINT, "keys": {"p256dh": P256DH, "auth": AUTH}}


@pytest.fixture
def keys(settings):
    """Push set up, as `manage.py vapid` would give it."""
    public, private = vapid_key_pair()
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = public, private
    settings.VAPID_SUBJECT = "mailto:diary@smart-skin.example"
    return public, private


@pytest.fixture
def subscribed(treatment, keys):
    return PushSubscription.objects.create(
        user=treatment.patient, endpoint=ENDPOINT, p256dh=P256DH, auth=AUTH
    )


def gone(status: int) -> WebPushException:
    return WebPushException("Push failed", response=mock.Mock(status_code=status))


def subscribe(client, body, **extra):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(reverse("diary:push_subscribe"), data,
                       content_type="application/json", **extra)  # fmt: skip


# The keys


def test_the_vapid_command_prints_a_key_pair_pywebpush_and_browsers_take():
    out = StringIO()
    call_command("vapid", "--subject", "mailto:diary@smart-skin.example", stdout=out)
    lines = dict(line.split("=", 1) for line in out.getvalue().splitlines())
    assert list(lines) == ["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"]
    assert lines["VAPID_SUBJECT"] == "mailto:diary@smart-skin.example"
    vapid = Vapid.from_string(lines["VAPID_PRIVATE_KEY"])  # as pywebpush reads it
    point = vapid.public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    assert (
        base64.urlsafe_b64encode(point).rstrip(b"=").decode() == lines["VAPID_PUBLIC_KEY"]
    )
    assert len(point) == 65  # what applicationServerKey takes


def test_without_keys_push_is_not_offered(client, treatment, settings):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    assert push_offered() is False
    PushSubscription.objects.create(user=treatment.patient, endpoint=ENDPOINT,
                                    p256dh=P256DH, auth=AUTH)  # fmt: skip
    assert WebPushChannel().available_for(treatment.patient) is False
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    assert "data-push" not in html and "push.js" not in html
    response = subscribe(client, SUBSCRIPTION)
    assert response.status_code == 404
    assert response.json() == {"error": "Phone notifications are not set up on this site."}
    page = client.get(reverse("diary:reminders"))
    assert "channel" not in page.context["form"].fields


def test_with_keys_today_offers_the_button_hidden_until_the_browser_can(
    client, treatment, keys
):
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:today")).text
    assert (
        '<section class="push-optin card mb-3" id="push" aria-labelledby="push-title" '
        'data-push hidden data-push-state="off"' in html
    )
    assert f'data-push-key="{keys[0]}"' in html
    assert 'data-push-subscribe="/push/subscribe/"' in html
    assert '<script src="/static/js/push.js" defer></script>' in html
    assert keys[1] not in html  # the private key stays on the server


def test_the_button_is_on_today_only(client, treatment, keys):
    client.force_login(treatment.patient)
    html = client.get(reverse("diary:entry_day", args=[treatment.pk, 1])).text
    assert "data-push" not in html


# The endpoints


def test_a_patient_subscribes_this_phone(client, treatment, keys):
    client.force_login(treatment.patient)
    response = subscribe(client, SUBSCRIPTION | {"expirationTime": None})
    assert response.status_code == 201
    assert response.json() == {"subscribed": True}
    row = PushSubscription.objects.get()
    assert (row.user, row.endpoint, row.p256dh, row.auth) == (
        treatment.patient, ENDPOINT, P256DH, AUTH,
    )  # fmt: skip
    assert ReminderPreference.objects.get(user=treatment.patient).channel == "push"


def test_subscribing_again_keeps_one_row_and_a_shared_phone_changes_hands(
    client, treatment, keys
):
    client.force_login(treatment.patient)
    subscribe(client, SUBSCRIPTION)
    subscribe(client, SUBSCRIPTION)
    assert PushSubscription.objects.count() == 1
    someone_else = PatientFactory()
    client.force_login(someone_else)
    assert subscribe(client, SUBSCRIPTION).status_code == 201
    assert list(PushSubscription.objects.values_list("user", flat=True)) == [
        someone_else.pk
    ]


def test_anonymous_visitors_and_staff_cannot_subscribe(client, treatment, clinician, keys):
    response = subscribe(client, SUBSCRIPTION)
    assert (response.status_code, response.json()) == (
        401,
        {"error": "Please sign in first."},
    )
    login(client, clinician)
    response = subscribe(client, SUBSCRIPTION)
    assert (response.status_code, response.json()) == (
        403, {"error": "Phone notifications are for patients."},
    )  # fmt: skip
    assert not PushSubscription.objects.exists()
    assert not ReminderPreference.objects.exists()


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ("not json", "This is not a push subscription: expected JSON with an endpoint "
                     "and its keys."),
        ("[1, 2]", "This is not a push subscription: expected JSON with an endpoint "
                   "and its keys."),
        ({"endpoint": ENDPOINT}, "This is not a push subscription: expected JSON with an "
                                 "endpoint and its keys."),
        ({"endpoint": "http://push.example/x", "keys": {"p256dh": P256DH, "auth": AUTH}},
         "This push subscription is not valid."),
        ({"endpoint": ENDPOINT, "keys": {"p256dh": "short", "auth": AUTH}},
         "This push subscription is not valid."),
    ],
)  # fmt: skip
def test_what_is_not_a_subscription_is_refused_clearly(
    client, treatment, keys, body, error
):
    client.force_login(treatment.patient)
    response = subscribe(client, body)
    assert response.status_code == 400
    assert response.json()["error"] == error
    assert not PushSubscription.objects.exists()


def test_the_reasons_name_the_fields(client, treatment, keys):
    client.force_login(treatment.patient)
    body = {"endpoint": "http://push.example/x", "keys": {"p256dh": P256DH, "auth": "!"}}
    assert subscribe(client, body).json()["fields"] == {
        "endpoint": ["The push service's address must be HTTPS."],
        "auth": ["Enter a valid value."],
    }


def test_the_endpoints_need_the_csrf_token(treatment, keys):
    client = Client(enforce_csrf_checks=True)
    client.force_login(treatment.patient)
    assert subscribe(client, SUBSCRIPTION).status_code == 403
    assert not PushSubscription.objects.exists()
    client.get(reverse("diary:today"))  # sets the CSRF cookie, as the page does
    token = client.cookies["csrftoken"].value
    assert subscribe(client, SUBSCRIPTION, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_the_endpoints_answer_only_post(client, treatment, keys):
    client.force_login(treatment.patient)
    assert client.get(reverse("diary:push_subscribe")).status_code == 405
    assert client.get(reverse("diary:push_unsubscribe")).status_code == 405


def test_a_patient_turns_notifications_off_on_this_phone(client, subscribed, other_patient):
    mine = reverse("diary:push_unsubscribe")
    client.force_login(other_patient)  # not theirs to forget
    response = client.post(mine, {"endpoint": ENDPOINT}, content_type="application/json")
    assert response.json() == {"subscribed": False, "deleted": 0}
    assert PushSubscription.objects.count() == 1
    client.force_login(subscribed.user)
    response = client.post(mine, {"endpoint": ENDPOINT}, content_type="application/json")
    assert response.json() == {"subscribed": False, "deleted": 1}
    assert not PushSubscription.objects.exists()
    response = client.post(mine, "{}", content_type="application/json")
    assert (response.status_code, response.json()) == (
        400, {"error": "Expected JSON with the endpoint to forget."},
    )  # fmt: skip


# The channel


@pytest.fixture
def webpush():
    with mock.patch("diary.push.webpush") as sent:
        yield sent


def test_a_reminder_goes_to_the_phone_with_no_health_data(subscribed, treatment, webpush):
    WebPushChannel().send(user=treatment.patient, treatment=treatment, day=2, kind=REMINDER)
    (call,) = webpush.call_args_list
    assert call.kwargs["subscription_info"] == {
        "endpoint": ENDPOINT, "keys": {"p256dh": P256DH, "auth": AUTH},
    }  # fmt: skip
    assert call.kwargs["vapid_claims"] == {"sub": "mailto:diary@smart-skin.example"}
    assert call.kwargs["ttl"] == TIME_TO_LIVE == 86400
    assert json.loads(call.kwargs["data"]) == {
        "title": "How is your skin today?",
        "body": "Day 2 after your treatment has no entry yet. It takes a minute.",
        "url": f"/treatments/{treatment.pk}/day/2/",
        "tag": f"reminder-{treatment.pk}-2",
    }


def test_the_message_is_signed_with_the_private_key_from_settings(
    subscribed, treatment, webpush, keys
):
    WebPushChannel().send(user=treatment.patient, treatment=treatment, day=2, kind=REMINDER)
    assert webpush.call_args.kwargs["vapid_private_key"] == keys[1]


def test_the_clinics_reply_is_announced_without_its_words(subscribed, treatment, webpush):
    WebPushChannel().send(user=treatment.patient, treatment=treatment, day=None,
                          kind=CLINIC_REPLY)  # fmt: skip
    assert json.loads(webpush.call_args.kwargs["data"]) == {
        "title": "Your clinic has replied",
        "body": "Open your diary to read their message.",
        "url": f"/treatments/{treatment.pk}/history/",
        "tag": f"reply-{treatment.pk}",
    }


def test_the_notice_is_in_the_patients_language(subscribed, treatment, webpush):
    treatment.clinic.language = "ja"
    treatment.clinic.save()
    WebPushChannel().send(user=treatment.patient, treatment=treatment, day=3, kind=REMINDER)
    data = json.loads(webpush.call_args.kwargs["data"])
    assert data["title"] == "今日のお肌の調子はいかがですか？"
    assert data["body"] == "施術後3日目の記録がまだありません。1分ほどで記録できます。"


def test_a_patient_with_push_gets_push_not_email(subscribed, treatment, webpush):
    assert reminders.patient_notice.call(treatment.pk, REMINDER, 2) == "done"
    assert webpush.call_count == 1
    assert mail.outbox == []


def test_a_subscription_the_push_service_says_is_gone_is_deleted_and_email_goes(
    subscribed, treatment, webpush
):
    webpush.side_effect = gone(410)
    assert reminders.patient_notice.call(treatment.pk, REMINDER, 2) == "done"
    assert not PushSubscription.objects.exists()
    (email,) = mail.outbox  # at once, not after a retry
    assert email.to == [treatment.patient.email]


def test_a_404_deletes_it_too(subscribed, treatment, webpush):
    webpush.side_effect = gone(404)
    reminders.patient_notice.call(treatment.pk, CLINIC_REPLY)
    assert not PushSubscription.objects.exists()
    assert len(mail.outbox) == 1


def test_a_push_service_in_trouble_is_tried_again_later(subscribed, treatment, webpush):
    webpush.side_effect = gone(503)
    with pytest.raises(WebPushException):
        WebPushChannel().send(user=treatment.patient, treatment=treatment, day=2,
                              kind=REMINDER)  # fmt: skip
    assert PushSubscription.objects.count() == 1  # kept for the next try
    assert mail.outbox == []


def test_one_phone_that_took_it_is_enough(subscribed, treatment, webpush):
    PushSubscription.objects.create(user=treatment.patient, endpoint=ENDPOINT + "-old",
                                    p256dh=P256DH, auth=AUTH)  # fmt: skip
    webpush.side_effect = [gone(503), None]
    WebPushChannel().send(user=treatment.patient, treatment=treatment, day=2, kind=REMINDER)
    assert webpush.call_count == 2


def test_a_patient_who_chose_email_gets_email(client, subscribed, treatment, webpush):
    login(client, treatment.patient)
    page = client.get(reverse("diary:reminders"))
    assert [c[0] for c in page.context["form"].fields["channel"].choices] == [
        "push",
        "email",
    ]
    client.post(
        reverse("diary:reminders"), {"enabled": "on", "hour": "20", "channel": "email"}
    )
    assert ReminderPreference.objects.get().channel == "email"
    reminders.patient_notice.call(treatment.pk, REMINDER, 2)
    assert webpush.call_count == 0
    assert len(mail.outbox) == 1


def test_a_patient_without_a_subscription_gets_email(treatment, keys, webpush):
    assert WebPushChannel().available_for(treatment.patient) is False
    reminders.patient_notice.call(treatment.pk, REMINDER, 2)
    assert webpush.call_count == 0
    assert len(mail.outbox) == 1


def test_a_reminder_from_the_scheduler_reaches_the_phone(subscribed, treatment, webpush,
                                                         emails_sent):  # fmt: skip
    from datetime import UTC, datetime

    import time_machine

    from diary.reminders import reminders_enqueue

    # 21:00 in Tokyo, past the default 20:00 reminder hour, on day 2 with no entry
    # (a fixed clock: with the real one this depended on the hour the tests ran).
    now = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
    treatment.performed_at = now - timedelta(days=2)
    treatment.save()
    with time_machine.travel(now, tick=False), emails_sent():
        reminders_enqueue(now=now)
    assert webpush.call_count == 1
    assert mail.outbox == []


def test_the_keys_sign_and_encrypt_a_real_message(keys, tmp_path, monkeypatch):
    """pywebpush itself, without the network (`curl=True` returns the request it
    would send): our private key signs, the browser's key encrypts."""
    monkeypatch.chdir(tmp_path)  # curl=True writes the body to ./encrypted.data
    from cryptography.hazmat.primitives.asymmetric import ec
    from pywebpush import webpush as real_webpush

    browser = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )
    subscription = {"endpoint": ENDPOINT, "keys": {
        "p256dh": base64.urlsafe_b64encode(browser).rstrip(b"=").decode(), "auth": AUTH,
    }}  # fmt: skip
    request = real_webpush(subscription, data='{"title": "t"}', curl=True, ttl=60,
                           vapid_private_key=keys[1], vapid_claims={"sub": "mailto:a@b.c"})  # fmt: skip
    assert "vapid t=" in request and f"k={keys[0]}" in request
    assert "content-encoding: aes128gcm" in request.lower()
