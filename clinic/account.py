"""What every signed-in request asks about its user, read together once per request:
where they work and in which role (clinic.access), their saved language and their
clinic's (clinic.languages), whether they have an authenticator app
(clinic.two_factor), and whether the device this session gave its second factor with
is still theirs (clinic.middleware.OTPMiddleware).

One query in plain SQL. Asked through the ORM these were three queries on every
signed-in request, and building them cost far more than running them: 1.3 ms of CPU
of a signed-in hello-world's 2.7 ms on SQLite, against 0.03 ms now (bench/pages.py's
"signed in" figure; clinic.middleware and clinic.access read it from here).
"""

from dataclasses import dataclass

from django.db import connection
from django_otp import DEVICE_ID_SESSION_KEY

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
                  AND otp_totp_totpdevice.confirmed),
       EXISTS (SELECT 1 FROM otp_totp_totpdevice
                WHERE otp_totp_totpdevice.id = %s
                  AND otp_totp_totpdevice.user_id = account.id
                  AND otp_totp_totpdevice.confirmed)
       OR EXISTS (SELECT 1 FROM otp_static_staticdevice
                   WHERE otp_static_staticdevice.id = %s
                     AND otp_static_staticdevice.user_id = account.id
                     AND otp_static_staticdevice.confirmed)
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
    # The device django-otp recorded in the session is theirs and confirmed.
    session_device: bool


NOBODY = Account(
    staff=(), saved_language=None, clinic_language=None, has_totp=False,
    session_device=False,
)  # fmt: skip
DEVICE_MODELS = ("otp_totp.totpdevice", "otp_static.staticdevice")


def account_of(request, user=None) -> Account:
    """The facts about `request`'s user (NOBODY when not signed in), asked once per
    request, user and session device: a login or a code given within the request asks
    again. `user` stands for `request.user` while that is being set up."""
    user = request.user if user is None else user
    if not user.is_authenticated:
        return NOBODY
    device = _session_device(request)
    cached = getattr(request, "_account", None)
    if cached is None or cached[0] != (user.pk, device):
        cached = ((user.pk, device), _load(user.pk, device))
        request._account = cached
    return cached[1]


def _session_device(request) -> tuple[str, int] | None:
    """(model, id) of the device django-otp recorded in the session, e.g.
    ("otp_totp.totpdevice", 3); None if there is none (or not one of ours)."""
    session = getattr(request, "session", None)
    persistent_id = session.get(DEVICE_ID_SESSION_KEY) if session is not None else None
    if not persistent_id:
        return None
    model, _slash, pk = persistent_id.rpartition("/")
    model = model.lower()
    if model.count(".") > 1:  # django-otp's older form: the model's import path
        parts = model.split(".")
        model = f"{parts[-3]}.{parts[-1]}"
    return (model, int(pk)) if model in DEVICE_MODELS and pk.isdigit() else None


def _load(user_id: int, device: tuple[str, int] | None) -> Account:
    model, pk = device or ("", None)
    ids = [pk if model == name else None for name in DEVICE_MODELS]
    with connection.cursor() as cursor:
        cursor.execute(ACCOUNT_SQL, [*ids, user_id])
        rows = cursor.fetchall()
    if not rows:  # the user was deleted since the session was read
        return NOBODY
    _clinic, _role, works_at, saved, treated_at, has_totp, session_device = rows[0]
    return Account(
        staff=tuple((clinic, role) for clinic, role, *_rest in rows if clinic is not None),
        saved_language=saved,
        clinic_language=works_at or treated_at,
        has_totp=bool(has_totp),
        session_device=bool(session_device),
    )
