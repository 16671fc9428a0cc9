"""Which language a person reads the app and its emails in (README, "Languages").

Pages: the signed-in user's saved choice (AccountSettings), else what their browser
says (the switch's cookie, then Accept-Language), else their clinic's language
(Clinic.language), else settings.LANGUAGE_CODE. Emails: the recipient's saved choice,
else their clinic's: an email is read later, away from the browser that caused it.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils.translation import get_supported_language_variant

# Django's own parser of the header (LocaleMiddleware uses it too); it is not part of
# the public translation API, but has kept its name and result since Django 1.x.
from django.utils.translation.trans_real import parse_accept_lang_header

from clinic.account import account_of
from clinic.models import AccountSettings, Clinic, language_codes


def saved_language(user) -> str | None:
    """The language `user` chose for their account, or None if they have not."""
    if not user.is_authenticated:
        return None
    return (
        AccountSettings.objects.filter(user=user).values_list("language", flat=True).first()
    )


def browser_language(request) -> str | None:
    """The language this browser asks for: the switch's cookie (a choice made before
    signing in), else the first of the Accept-Language header's that the app speaks;
    None if it says nothing the app speaks."""
    asked = [request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")]
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    asked += [code for code, _quality in parse_accept_lang_header(header) if code != "*"]
    for code in filter(None, asked):
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def request_language(request) -> str:
    """The language of the pages for `request`'s signed-in user (see the module's
    docstring)."""
    account = account_of(request)
    return (
        account.saved_language
        or browser_language(request)
        or account.clinic_language
        or settings.LANGUAGE_CODE
    )


def email_language(*, clinic: Clinic, user=None, email: str = "") -> str:
    """The language to write to a recipient of `clinic` in: the saved choice of `user`
    (or of the account with `email`, when the address is all we have, as for the
    on-call address), else the clinic's language."""
    if user is None and email:
        user = get_user_model().objects.filter(email__iexact=email).first()
    if user is not None:
        saved = saved_language(user)
        if saved:
            return saved
    return clinic.language


def account_language_set(*, user, language: str) -> AccountSettings:
    """Save `language` as `user`'s choice; raise ValueError for a language the app
    does not speak."""
    if language not in language_codes():
        raise ValueError(f"not one of LANGUAGES: {language!r}")
    account, _created = AccountSettings.objects.update_or_create(
        user=user, defaults={"language": language}
    )
    return account
