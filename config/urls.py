from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from django.views.generic import RedirectView
from django_otp.admin import OTPAdminSite

from clinic import auth_views as account_views
from clinic.auth_forms import EmailLoginForm
from config.health import healthz
from diary.views import home


class InvitationView(auth_views.PasswordResetConfirmView):
    """The patient's one-time link: set a password, then go straight to Today."""

    template_name = "registration/invitation.html"
    post_reset_login = True
    post_reset_login_backend = "clinic.backends.AccountBackend"
    success_url = reverse_lazy("home")


# The admin also refuses a session that has not given its second factor.
admin.site.__class__ = OTPAdminSite

urlpatterns = [
    path("", home, name="home"),
    # For a load balancer: database, storage and queue; no sign-in, no health data.
    path("healthz", healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=EmailLoginForm),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", InvitationView.as_view(), name="invitation"),
    path("accounts/two-factor/", account_views.two_factor_verify, name="two_factor_verify"),
    path(
        "accounts/two-factor/setup/",
        account_views.two_factor_enrol,
        name="two_factor_enrol",
    ),
    path(
        "accounts/two-factor/recovery-codes/",
        account_views.two_factor_recovery_codes,
        name="two_factor_recovery_codes",
    ),
    path(
        "accounts/two-factor/recovery-codes/new/",
        account_views.recovery_codes_new,
        name="recovery_codes_new",
    ),
    path("accounts/security/", account_views.account_security, name="account_security"),
    # Django's i18n/setlang/, which also saves a signed-in user's choice.
    path("i18n/setlang/", account_views.language_set, name="set_language"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "accounts/password/reset/",
        account_views.PasswordResetView.as_view(),
        name="password_reset",
    ),
    path(
        "accounts/password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    # The admin signs in through the pages above (email, password, second factor).
    path(
        "admin/login/",
        RedirectView.as_view(pattern_name="login", query_string=True),
        name="admin_login",
    ),
    path("admin/", admin.site.urls),
    # Staff pages keep their /clinic/... paths (emailed links and bookmarks exist).
    path("clinic/", include("clinic.urls")),
    path("clinic/", include("review.urls")),
    path("clinic/", include("outcomes.urls")),
    path("", include("diary.urls")),
]
