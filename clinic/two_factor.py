"""The second factor at login (django-otp): a code from an authenticator app (TOTP),
or one of ten single-use recovery codes (django-otp's static device).

Staff must have one: clinicians and managers (any StaffMember row) and admin users.
Patients may turn it on from their account page; once they have, they are asked too.
"""

import base64
import re
from binascii import unhexlify

from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.oath import TOTP, totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from clinic.access import is_clinic_staff
from clinic.account import account_of
from clinic.qr import qr_data_uri

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


class TwoFactorError(Exception):
    """A code was refused; the message says why, for the form."""


def is_staff_user(request) -> bool:
    """Whether the signed-in user works for a clinic or may use the admin."""
    user = request.user
    return user.is_staff or user.is_superuser or is_clinic_staff(request)


def has_totp(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def second_factor_step(request) -> str | None:
    """What a signed-in user who has not given a code this session must do first:
    "verify" (they have an authenticator), "enrol" (staff without one), or None."""
    if account_of(request).has_totp:
        return "verify"
    if is_staff_user(request):
        return "enrol"
    return None


def new_secret_hex() -> str:
    """A new 20-byte TOTP secret, hex-encoded as django-otp stores it."""
    return random_hex(20)


def secret_base32(secret_hex: str) -> str:
    """The secret as authenticator apps take it when typed in."""
    return base64.b32encode(unhexlify(secret_hex)).decode("ascii")


def qr_code_data_uri(user, secret_hex: str) -> str:
    """An SVG QR code of the otpauth:// link, as a data: URI for an <img>."""
    device = TOTPDevice(user=user, key=secret_hex)  # unsaved: only for its link
    return qr_data_uri(device.config_url)


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The 6-digit code an authenticator app shows for the base32 `secret` at Unix
    time `at` (now by default); for tests and the demo."""
    key = base64.b32decode(secret)
    if at is None:
        return f"{totp(key):06d}"
    generator = TOTP(key)
    generator.time = at
    return f"{generator.token():06d}"


def totp_enrol(user, *, secret_hex: str | None = None) -> str:
    """Give `user` a confirmed TOTP device (replacing any other) with `secret_hex`
    or a new secret; return the secret in base32 (for the demo loader to print)."""
    secret_hex = secret_hex or new_secret_hex()
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        TOTPDevice.objects.create(
            user=user, name=DEVICE_NAME, key=secret_hex, confirmed=True
        )
    return secret_base32(secret_hex)


def totp_confirm(*, user, secret_hex: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Check the first code from the authenticator app the user has just set up with
    `secret_hex`; on success save the device (replacing any other) and new recovery
    codes, and return the device and the codes (to show once).

    Raises TwoFactorError if the code does not match the secret now.
    """
    code = _normalise(code)
    generator = TOTP(unhexlify(secret_hex))
    if not code.isdigit() or not generator.verify(int(code), tolerance=1):
        raise TwoFactorError(
            _(
                "That code does not match. Enter the 6-digit code the app shows now; "
                "if it still fails, check that your phone's clock is set automatically."
            )
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(
            user=user,
            name=DEVICE_NAME,
            key=secret_hex,
            confirmed=True,
            drift=generator.drift,
            last_t=generator.t(),  # this code cannot be used again
        )
        codes = recovery_codes_create(user=user)
    return device, codes


def recovery_codes_create(*, user) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones; return
    them (they are shown once)."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME)
        codes = [StaticToken.random_token() for _i in range(RECOVERY_CODE_COUNT)]
        StaticToken.objects.bulk_create(
            StaticToken(device=device, token=code) for code in codes
        )
    return codes


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def code_verify(*, user, code: str) -> TOTPDevice | StaticDevice:
    """Check a 6-digit code from the user's authenticator app, or one of their
    recovery codes (used up by this); return the device that accepted it.

    Raises TwoFactorError if neither accepts it, or while too many wrong codes in a
    row make the device wait (django-otp doubles the wait after each one).
    """
    code = _normalise(code)
    model = TOTPDevice if re.fullmatch(r"\d{6}", code) else StaticDevice
    device = model.objects.filter(user=user, confirmed=True).first()
    if device is None:
        raise TwoFactorError(_("That code is not right."))
    allowed, _details = device.verify_is_allowed()
    if not allowed:
        raise TwoFactorError(
            _("Too many wrong codes in a row. Wait a minute, then try again.")
        )
    verified = verify_token(user, device.persistent_id, code)
    if verified is None:
        raise TwoFactorError(
            _(
                "That code is not right. Enter the 6-digit code your authenticator "
                "app shows now, or one of your recovery codes."
            )
        )
    return verified


def format_recovery_code(code: str) -> str:
    """'abcd2345' as 'abcd-2345', easier to copy by hand (the dash is optional)."""
    return f"{code[:4]}-{code[4:]}"


def _normalise(code: str) -> str:
    return re.sub(r"[\s-]", "", code).lower()
