from django.utils.functional import SimpleLazyObject

from clinic.models import StaffMember


def role(request) -> dict:
    """`is_clinic_staff` for the navigation; asked of the database only when used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"is_clinic_staff": False}
    return {
        "is_clinic_staff": SimpleLazyObject(
            lambda: StaffMember.objects.filter(user=user).exists()
        )
    }
