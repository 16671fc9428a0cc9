from clinic.models import StaffMember


def _staff(request) -> list[tuple[int, str]]:
    """(clinic id, role) of each place the request's user works; asked once per
    request. Staff pages filter by these ids rather than by a subquery of the user's
    roles: PostgreSQL planned that subquery's join longer than it ran the page's
    queries."""
    if not hasattr(request, "_staff"):
        user = request.user
        request._staff = (
            list(StaffMember.objects.filter(user=user).values_list("clinic_id", "role"))
            if user.is_authenticated
            else []
        )
    return request._staff


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
