"""What every signed-in request asks about its user, read together once per request:
where they work and in which role (clinic.access), their saved language and their
clinic's (clinic.languages), and whether they have an authenticator app
(clinic.two_factor).

One query in plain SQL. Asked through the ORM these were three queries on every
signed-in request, and building them cost far more than running them: 1.3 ms of CPU
of a signed-in hello-world's 2.7 ms on SQLite, against 0.03 ms now (bench/pages.py's
"signed in" figure; clinic.middleware and clinic.access read it from here).
"""

from dataclasses import dataclass

from django.db import connection

# The staff rows (none for a patient) joined to one row per user, so that the scalar
# facts come back even for a patient. The clinic's language is where they work (the
# first clinic they joined), else the clinic of their latest treatment.
ACCOUNT_SQL = """
SELECT staff.clinic_id, staff.role, works_at.language,
       (SELECT language FROM clinic_accountsettings WHERE user_id = account.id),
       (SELECT treated_at.language
          FROM clinic_treatment
          JOIN clinic_clinic treated_at ON treated_at.id = clinic_treatment.clinic_id
         WHERE clinic_treatment.patient_id = account.id
         ORDER BY clinic_treatment.performed_at DESC
         LIMIT 1),
       EXISTS (SELECT 1 FROM otp_totp_totpdevice
                WHERE otp_totp_totpdevice.user_id = account.id
                  AND otp_totp_totpdevice.confirmed)
  FROM auth_user account
  LEFT JOIN clinic_staffmember staff ON staff.user_id = account.id
  LEFT JOIN clinic_clinic works_at ON works_at.id = staff.clinic_id
 WHERE account.id = %s
 ORDER BY staff.id
"""


@dataclass(frozen=True)
class Account:
    staff: tuple[tuple[int, str], ...]  # (clinic id, role), in the order they joined
    saved_language: str | None
    clinic_language: str | None
    has_totp: bool  # a confirmed authenticator app


NOBODY = Account(staff=(), saved_language=None, clinic_language=None, has_totp=False)


def account_of(request) -> Account:
    """The facts about `request`'s user (NOBODY when not signed in), asked once per
    request and user: a login within the request asks again."""
    user = request.user
    if not user.is_authenticated:
        return NOBODY
    cached = getattr(request, "_account", None)
    if cached is None or cached[0] != user.pk:
        cached = (user.pk, _load(user.pk))
        request._account = cached
    return cached[1]


def _load(user_id: int) -> Account:
    with connection.cursor() as cursor:
        cursor.execute(ACCOUNT_SQL, [user_id])
        rows = cursor.fetchall()
    if not rows:  # the user was deleted since the session was read
        return NOBODY
    _clinic, _role, works_at, saved, treated_at, has_totp = rows[0]
    return Account(
        staff=tuple((clinic, role) for clinic, role, *_rest in rows if clinic is not None),
        saved_language=saved,
        clinic_language=works_at or treated_at,
        has_totp=bool(has_totp),
    )
