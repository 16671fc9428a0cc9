from clinic.models import StaffMember


def staff_roles(request) -> frozenset[str]:
    """The roles the request's user holds in any clinic; asked once per request."""
    if not hasattr(request, "_staff_roles"):
        user = request.user
        request._staff_roles = frozenset(
            StaffMember.objects.filter(user=user).values_list("role", flat=True)
            if user.is_authenticated
            else ()
        )
    return request._staff_roles


def is_clinic_staff(request) -> bool:
    return bool(staff_roles(request))


def is_clinic_manager(request) -> bool:
    return StaffMember.Role.MANAGER in staff_roles(request)
