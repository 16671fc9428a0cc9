"""Every access check: who may see which clinic's treatments, in one place.

Staff reach a clinic's data only through the ids of the clinics they work for, read
once per request (`staff_clinics`); patients reach only the treatments that joined
their diary (`Treatment.patient`). Views fetch objects through these querysets, so a
treatment of another clinic is a 404 exactly like one that does not exist.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404

from clinic.account import account_of
from clinic.models import StaffMember, Treatment


def clinics_of(user) -> list[tuple[int, str]]:
    """(clinic id, role) of each place `user` works (none for patients)."""
    if not user.is_authenticated:
        return []
    return list(StaffMember.objects.filter(user=user).values_list("clinic_id", "role"))


def _staff(request) -> tuple[tuple[int, str], ...]:
    """`clinics_of` the request's user, asked once per request with the other facts
    every request needs (clinic.account). Staff pages filter by these ids rather than
    by a subquery of the user's roles: PostgreSQL planned that subquery's join longer
    than it ran the page's queries."""
    return account_of(request).staff


def staff_roles(request) -> frozenset[str]:
    """The roles the request's user holds in any clinic."""
    return frozenset(role for _clinic, role in _staff(request))


def staff_clinics(request) -> list[int]:
    """The clinics the request's user works for, in any role."""
    return sorted({clinic for clinic, _role in _staff(request)})


def managed_clinics(request) -> list[int]:
    """The clinics the request's user manages."""
    return sorted({c for c, role in _staff(request) if role == StaffMember.Role.MANAGER})


def is_clinic_staff(request) -> bool:
    return bool(_staff(request))


def is_clinic_manager(request) -> bool:
    return bool(managed_clinics(request))


def staff_treatments(request):
    """The treatments of the clinics the request's user works for."""
    return Treatment.objects.filter(clinic__in=staff_clinics(request))


def patient_treatments(user):
    """The treatments in `user`'s own diary (joined; a pending one is not theirs yet)."""
    if not user.is_authenticated:
        return Treatment.objects.none()
    return Treatment.objects.filter(patient=user)


def visible_treatments(request):
    """The patient's own treatments and those of the clinics the user works for."""
    user = request.user
    if not user.is_authenticated:
        return Treatment.objects.none()
    clinics = staff_clinics(request)
    if not clinics:  # a patient: the same rows, without the OR the ORM then builds
        return Treatment.objects.filter(patient=user)
    return Treatment.objects.filter(Q(patient=user) | Q(clinic__in=clinics))


def may_see(request, *, patient_id: int, clinic_id: int) -> bool:
    """Whether the request's user may see a treatment read as plain values (its
    patient and clinic): the rule of `visible_treatments`, for the chart and photo
    views, which read one row by its key and check it here. Filtering that row by the
    visible treatments took as long as the rest of those views (bench/pages.py)."""
    user = request.user
    if not user.is_authenticated:
        return False
    return patient_id == user.pk or clinic_id in staff_clinics(request)


def staff_required(view):
    """Clinic staff only; anyone else gets a 404, so staff pages are not even hinted at."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_clinic_staff(request):
            raise Http404("Not a staff page for this user.")
        return view(request, *args, **kwargs)

    return wrapped


def manager_required(view):
    """Clinic managers only (404 for everyone else, clinicians included)."""

    @staff_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not is_clinic_manager(request):
            raise Http404("Only clinic managers see this page.")
        return view(request, *args, **kwargs)

    return wrapped
