from django.utils.functional import SimpleLazyObject

from clinic.access import is_clinic_manager, is_clinic_staff
from clinic.models import Level


def role(request) -> dict:
    """The staff navigation's facts, each asked of the database only when used, and
    the levels, so templates compare with `Level.URGENT` rather than a string."""
    return {
        "Level": Level,
        "is_clinic_staff": SimpleLazyObject(lambda: is_clinic_staff(request)),
        "is_clinic_manager": SimpleLazyObject(lambda: is_clinic_manager(request)),
    }
