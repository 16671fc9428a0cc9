"""Web Push: notifications on a patient's phone, through their browser's push service
(Google's, Mozilla's, Apple's), signed with our VAPID key pair (settings.VAPID_*).

A message carries a title, a sentence and the path of a page in the diary, never a
symptom, a photo or the clinic's words: the page itself asks the patient to sign in.
Without both VAPID keys, push is not offered at all (`push_offered`) and every notice
goes by email (diary.reminders).
"""

import base64
import json
import logging
from dataclasses import asdict, dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.conf import settings
from django.db import transaction
from pywebpush import WebPushException, webpush

from diary.models import PushSubscription, ReminderPreference

logger = logging.getLogger(__name__)

# The push service's answers for a subscription that no longer exists (the patient
# turned notifications off in the browser, or the browser dropped it).
GONE = frozenset({404, 410})
# A notice the phone has not picked up within a day is no longer worth showing.
TIME_TO_LIVE = 24 * 3600
SEND_TIMEOUT = 10  # seconds; the task is retried later (clinic.tasks)


@dataclass(frozen=True)
class PushMessage:
    """What the service worker shows (static/js/sw.js): `url` is a path in the
    diary, opened when the notification is tapped; a newer message with the same
    `tag` replaces an older one on the phone."""

    title: str
    body: str
    url: str
    tag: str


def push_offered() -> bool:
    """Whether phone notifications are set up here: both VAPID keys are set."""
    return bool(settings.VAPID_PUBLIC_KEY and settings.VAPID_PRIVATE_KEY)


def push_subscription_save(
    *, user, endpoint: str, p256dh: str, auth: str
) -> PushSubscription:
    """Keep this browser's subscription for `user` and send their notices by push from
    now on (they asked for it with the button on Today); return the subscription.

    A browser that subscribed for another account before (a shared phone) now belongs
    to this one: one endpoint, one row, so nobody gets another person's notices."""
    with transaction.atomic():
        subscription, _created = PushSubscription.objects.update_or_create(
            endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth}
        )
        ReminderPreference.objects.update_or_create(
            user=user, defaults={"channel": ReminderPreference.Channel.PUSH}
        )
    return subscription


def push_subscription_delete(*, user, endpoint: str) -> int:
    """Forget `user`'s subscription at `endpoint` (turned off on that phone); return
    how many were deleted (0 or 1)."""
    deleted, _by_model = (
        PushSubscription.objects.for_patient(user).filter(endpoint=endpoint).delete()
    )
    return deleted


def push_send(*, subscription: PushSubscription, message: PushMessage) -> bool:
    """Hand `message` to the subscription's push service; return True once accepted.

    Returns False, and deletes the subscription, when the push service says it is
    gone (404 or 410). Raises WebPushException on any other refusal and the network's
    error when the service cannot be reached, so that the task tries again later."""
    try:
        webpush(
            subscription_info=subscription.info,
            data=json.dumps(asdict(message)),
            vapid_private_key=settings.VAPID_PRIVATE_KEY,
            # A new dict each time: pywebpush adds the audience and expiry to it.
            vapid_claims={"sub": settings.VAPID_SUBJECT},
            ttl=TIME_TO_LIVE,
            timeout=SEND_TIMEOUT,
        )
    except WebPushException as error:
        if error.status_code in GONE:
            # The endpoint is an address of the patient's browser: not logged.
            logger.info("A push subscription is gone (%s); deleted.", error.status_code)
            subscription.delete()
            return False
        raise
    return True


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def vapid_key_pair() -> tuple[str, str]:
    """A new VAPID key pair as (public, private), both base64url without padding: the
    public key as the browser's `applicationServerKey` takes it (the uncompressed
    P-256 point, 65 bytes), the private key as pywebpush reads it (the raw 32-byte
    number)."""
    key = ec.generate_private_key(ec.SECP256R1())
    public = key.public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    private = key.private_numbers().private_value.to_bytes(32, "big")
    return _b64url(public), _b64url(private)
