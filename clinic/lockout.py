"""Login lockout: django-axes's database handler with one limit per set of parameters.

Axes counts failed logins for each set in AXES_LOCKOUT_PARAMETERS (an email from one
address, one address, one email) but compares them all with one AXES_FAILURE_LIMIT.
Here each set has its own limit, LOGIN_FAILURE_LIMITS, in the same order.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum


class LoginLockoutHandler(AxesDatabaseHandler):
    def get_failures(self, request, credentials: dict | None = None) -> int:
        """Return AXES_FAILURE_LIMIT (axes then refuses the login) once any set of
        parameters has reached its own limit within the cool-off time, else 0."""
        attempts = self.get_user_attempts(request, credentials)
        for queryset, limit in zip(attempts, settings.LOGIN_FAILURE_LIMITS, strict=True):
            failures = queryset.aggregate(n=Sum("failures_since_start"))["n"] or 0
            if failures >= limit:
                return settings.AXES_FAILURE_LIMIT
        return 0

    def reset_user_attempts(self, request, credentials: dict | None = None) -> int:
        """After a successful login, forget the failures against that email (from any
        address), but not the address's failures against other emails: a sprayer
        with one account of their own must not be able to reset their count."""
        username = get_client_username(request, credentials)
        count, _deleted = AccessAttempt.objects.filter(username=username).delete()
        return count
