from clinic.models import StaffMember


def is_clinic_staff(request) -> bool:
    """Whether the request's user works for any clinic; asked once per request."""
    if not hasattr(request, "_is_clinic_staff"):
        user = request.user
        request._is_clinic_staff = (
            user.is_authenticated and StaffMember.objects.filter(user=user).exists()
        )
    return request._is_clinic_staff
