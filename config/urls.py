from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy

from diary.views import home


class InvitationView(auth_views.PasswordResetConfirmView):
    """The patient's one-time link: set a password, then go straight to Today."""

    template_name = "registration/invitation.html"
    post_reset_login = True
    post_reset_login_backend = "django.contrib.auth.backends.ModelBackend"
    success_url = reverse_lazy("home")


urlpatterns = [
    path("", home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("invitation/<uidb64>/<token>/", InvitationView.as_view(), name="invitation"),
    path("admin/", admin.site.urls),
    # Staff pages keep their /clinic/... paths (emailed links and bookmarks exist).
    path("clinic/", include("clinic.urls")),
    path("clinic/", include("review.urls")),
    path("clinic/", include("outcomes.urls")),
    path("", include("diary.urls")),
]
