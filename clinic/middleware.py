from functools import partial
from urllib.parse import urlencode

import django_otp.middleware
from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.functional import SimpleLazyObject
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.models import Device

from clinic.account import account_of
from clinic.languages import request_language
from clinic.models import StaffMember
from clinic.two_factor import is_staff_user, second_factor_step


class ClinicTimezoneMiddleware:
    """Start every request in UTC; views switch to the clinic's zone once they know it.
    The admin knows no clinic, so it shows a staff user's times in their clinic's zone
    (the first clinic they joined, if several): a treatment at 08:00 in Tokyo reads
    08:00 on the day it happened, not 23:00 the day before.

    Without the reset, a zone activated for one request would leak into the next
    request served by the same thread.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.resolver_match.app_name == "admin" and request.user.is_authenticated:
            zone = staff_zone(request.user)
            if zone:
                timezone.activate(zone)


def staff_zone(user) -> str | None:
    """The time zone of the first clinic `user` joined as staff; None for anyone else."""
    return (
        StaffMember.objects.filter(user=user)
        .order_by("pk")
        .values_list("clinic__time_zone", flat=True)
        .first()
    )


class OTPMiddleware(django_otp.middleware.OTPMiddleware):
    """django-otp's middleware (`request.user.otp_device`, `is_verified()`), with the
    session's device checked by the account query (clinic.account) rather than read by
    a query of its own on every staff request: 0.25 ms of CPU of each (bench/pages.py).
    The device itself is read only if something asks for more than whether there is
    one."""

    def _verify_user_sync(self, request, user):
        self._init_user_fields(user)
        if user.is_authenticated and DEVICE_ID_SESSION_KEY in request.session:
            if account_of(request, user).session_device:
                persistent_id = self._normalize_persistent_id(
                    request.session[DEVICE_ID_SESSION_KEY]
                )
                user.otp_device = SimpleLazyObject(
                    partial(Device.from_persistent_id, persistent_id)
                )
            else:  # deleted, unconfirmed or someone else's: the code no longer counts
                del request.session[DEVICE_ID_SESSION_KEY]
        return user


class TwoFactorMiddleware:
    """Send a signed-in user who owes a second factor to the code page (or, staff
    without an authenticator, to setting one up) before any other page, the admin
    included. Must come after OTPMiddleware, which says whether this session has given
    a code.
    """

    # The pages needed to log in, out, give a code or reset a forgotten password.
    OPEN = frozenset(
        {
            "login",
            "logout",
            "two_factor_verify",
            "two_factor_enrol",
            "password_reset",
            "password_reset_done",
            "password_reset_confirm",
            "password_reset_complete",
            "set_language",  # the switch works on the code page too
        }
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if (
            match.namespace == "" and match.url_name in self.OPEN
        ) or request.path.startswith(settings.STATIC_URL):
            return None
        step = second_factor_step(request)
        if step is None:
            return None
        back = request.get_full_path() if request.method == "GET" else reverse("home")
        page = "two_factor_verify" if step == "verify" else "two_factor_enrol"
        return redirect(f"{reverse(page)}?{urlencode({'next': back})}")


STAFF_SEEN = "staff_seen"


def staff_session_refresh(session) -> None:
    """Give a staff session STAFF_SESSION_IDLE_SECONDS more from now. Written at most
    once a minute (a session write per page would cost three queries on every staff
    page), so a staff session ends 29 to 30 minutes after its last request."""
    now = int(timezone.now().timestamp())
    seen = session.get(STAFF_SEEN)
    idle = settings.STAFF_SESSION_IDLE_SECONDS
    if seen is None or now - seen >= 60 or session.get("_session_expiry") != idle:
        session.set_expiry(idle)
        session[STAFF_SEEN] = now


class SessionLifetimeMiddleware:
    """Staff sessions end after STAFF_SESSION_IDLE_SECONDS without a request: each
    staff request moves the end on. Patients keep SESSION_COOKIE_AGE (90 days), so
    they stay signed in on their phone.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # After the view: a staff login gets its short lifetime from its first response.
        if request.user.is_authenticated and is_staff_user(request):
            staff_session_refresh(request.session)
        return response


class PrivateCacheMiddleware:
    """`Cache-Control: no-store, private` on every response to a signed-in user:
    pages, CSV exports, charts and photos hold health data, which no browser or proxy
    cache should keep. A response that already says no-store keeps its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(settings.STATIC_URL):
            return response
        directives = response.get("Cache-Control", "").replace(" ", "").lower().split(",")
        if request.user.is_authenticated and "no-store" not in directives:
            response["Cache-Control"] = "no-store, private"
        return response


class LanguageMiddleware:
    """Speak a signed-in user's language: their saved choice, else their browser's,
    else their clinic's (clinic.languages.request_language). LocaleMiddleware runs
    before the user is known, so it has chosen from the browser alone, which stands for
    visitors who are not signed in. Must come after AuthenticationMiddleware.

    Reads the saved choice and the clinic's from clinic.account, the one query about
    the user that every signed-in request makes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            language = request_language(request)
            translation.activate(language)
            request.LANGUAGE_CODE = language
        return self.get_response(request)
