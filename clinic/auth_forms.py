"""Forms of the login pages: email and password, then the second factor's code."""

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, UsernameField
from django.utils import translation
from django.utils.translation import gettext_lazy

from clinic.languages import saved_language


def login_username(email: str) -> str:
    """The username of the account with this email, typed in any case: accounts are
    named by their email. An unknown email comes back lower-cased, so that the
    lockout counts `Aiko@…` and `aiko@…` as one."""
    email = email.strip()
    names = list(
        get_user_model()
        .objects.filter(username__iexact=email)
        .values_list("username", flat=True)[:2]
    )
    return names[0] if len(names) == 1 else email.lower()


class EmailLoginForm(AuthenticationForm):
    username = UsernameField(
        label=gettext_lazy("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = AuthenticationForm.error_messages | {
        "invalid_login": gettext_lazy(
            "That email and password do not match an account. "
            "The password is case-sensitive."
        ),
    }

    def clean_username(self) -> str:
        return login_username(self.cleaned_data["username"])


class CodeForm(forms.Form):
    """A 6-digit code from the authenticator app, or a recovery code."""

    code = forms.CharField(
        label=gettext_lazy("Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )


class LanguagePasswordResetForm(PasswordResetForm):
    """The reset email in the account's saved language, else in the language of the
    page it was asked from (the person asking is reading that one now)."""

    def send_mail(
        self, subject_template_name, email_template_name, context, *args, **kwargs
    ):
        language = saved_language(context["user"]) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name, email_template_name, context, *args, **kwargs
            )
