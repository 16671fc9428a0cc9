from django.utils.functional import SimpleLazyObject

from clinic.access import is_clinic_manager, is_clinic_staff


def role(request) -> dict:
    """The staff navigation's facts; each asked of the database only when used."""
    return {
        "is_clinic_staff": SimpleLazyObject(lambda: is_clinic_staff(request)),
        "is_clinic_manager": SimpleLazyObject(lambda: is_clinic_manager(request)),
    }
