"""The second factor's pages, the account page, the password reset email and the
language switch."""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login

from clinic import two_factor
from clinic.auth_forms import CodeForm, LanguagePasswordResetForm
from clinic.languages import account_language_set
from clinic.models import language_codes

SETUP_SESSION_KEY = "two_factor_setup"  # the new secret, until a code confirms it
NEW_RECOVERY_CODES = "two_factor_new_recovery_codes"


@login_required
def two_factor_verify(request):
    """Ask for the code from the authenticator app (or a recovery code)."""
    if request.user.is_verified():
        return redirect(_next(request))
    if not two_factor.has_totp(request.user):
        return redirect(_with_next(request, "two_factor_enrol"))
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor.code_verify(
                user=request.user, code=form.cleaned_data["code"]
            )
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            _verified(request, device)
            return redirect(_next(request))
    return render(
        request,
        "registration/two_factor_verify.html",
        {"form": form, "next": _next(request)},
    )


@login_required
def two_factor_enrol(request):
    """Set up an authenticator app: QR code and secret, then a first code to confirm."""
    if two_factor.has_totp(request.user):
        return redirect(
            "account_security" if request.user.is_verified() else "two_factor_verify"
        )
    secret = request.session.setdefault(SETUP_SESSION_KEY, two_factor.new_secret_hex())
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            device, codes = two_factor.totp_confirm(
                user=request.user, secret_hex=secret, code=form.cleaned_data["code"]
            )
        except two_factor.TwoFactorError as error:
            form.add_error("code", str(error))
        else:
            _verified(request, device)
            del request.session[SETUP_SESSION_KEY]
            request.session[NEW_RECOVERY_CODES] = codes
            return redirect(_with_next(request, "two_factor_recovery_codes"))
    context = {
        "form": form,
        "next": _next(request),
        "qr_code": two_factor.qr_code_data_uri(request.user, secret),
        "secret": " ".join(_groups(two_factor.secret_base32(secret), 4)),
        "is_staff_user": two_factor.is_staff_user(request),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@login_required
def two_factor_recovery_codes(request):
    """The new recovery codes, shown once."""
    codes = request.session.pop(NEW_RECOVERY_CODES, None)
    if not codes:
        return redirect("account_security")
    context = {
        "codes": [two_factor.format_recovery_code(code) for code in codes],
        "next": _next(request),
    }
    return render(request, "registration/two_factor_recovery_codes.html", context)


@login_required
@require_POST
def recovery_codes_new(request):
    """Replace the recovery codes (say, all used up) and show the new ones once."""
    if not request.user.is_verified():
        return redirect("account_security")
    codes = two_factor.recovery_codes_create(user=request.user)
    request.session[NEW_RECOVERY_CODES] = codes
    messages.success(request, _("New recovery codes made; the old ones no longer work."))
    return redirect("two_factor_recovery_codes")


@login_required
def account_security(request):
    """Password and second factor: where patients turn the second factor on."""
    context = {
        "has_totp": two_factor.has_totp(request.user),
        "recovery_codes_left": two_factor.recovery_codes_left(request.user),
        "is_staff_user": two_factor.is_staff_user(request),
    }
    return render(request, "registration/security.html", context)


class PasswordResetView(auth_views.PasswordResetView):
    """Email a reset link (and nothing else) to the account with that email, if any.
    The link starts from SITE_URL, never from the Host header of the request."""

    email_template_name = "registration/password_reset_email.txt"
    form_class = LanguagePasswordResetForm

    def form_valid(self, form):
        self.extra_email_context = {"site_url": settings.SITE_URL.rstrip("/")}
        return super().form_valid(form)


def _verified(request, device) -> None:
    """Mark the session as having given a second factor, under a new session key."""
    otp_login(request, device)
    request.session.cycle_key()


def _next(request) -> str:
    """The safe page to go on to after these pages (?next=…), else home."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("home")


def _with_next(request, page: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    return f"{reverse(page)}?{urlencode({'next': target})}" if target else reverse(page)


def _groups(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


@require_POST
def language_set(request):
    """The switch: Django's set_language (the language cookie, then back to `next`),
    and for a signed-in user the choice saved on their account, so that it follows
    them to other devices and past logging out. A session that still owes its second
    factor changes the page's language but not the account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if (
        user.is_authenticated
        and language in language_codes()
        and (user.is_verified() or two_factor.second_factor_step(request) is None)
    ):
        account_language_set(user=user, language=language)
    return response
