"""How a signed-in user is read on each request (settings.AUTHENTICATION_BACKENDS)."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied

# Django's ModelBackend reads each request's user through the ORM's `get()`, whose
# building cost 0.3 ms of the 0.9 ms a signed-in hello-world takes (bench/pages.py);
# the same row read by a raw query (with the ORM's own conversions) costs 0.05 ms.
USER_BY_ID = "SELECT * FROM {table} WHERE {pk} = %s"


class AccountBackend(ModelBackend):
    """Django's ModelBackend (passwords, permissions, inactive users refused), with the
    signed-in user read by one plain query.

    Sessions signed in before this backend name Django's ModelBackend, which stays
    listed after it so that they stay signed in. A wrong password therefore ends the
    search here (PermissionDenied, which `authenticate()` treats as a failed login,
    as before): the password is not hashed a second time by the backend behind."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username, password, **kwargs)
        if user is None and username is not None and password is not None:
            raise PermissionDenied
        return user

    def get_user(self, user_id):
        model = get_user_model()
        sql = USER_BY_ID.format(table=model._meta.db_table, pk=model._meta.pk.column)
        user = next(iter(model._default_manager.raw(sql, [user_id])), None)
        return user if user is not None and self.user_can_authenticate(user) else None
