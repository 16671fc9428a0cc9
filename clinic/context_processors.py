from django.utils.functional import SimpleLazyObject

from clinic.access import is_clinic_staff


def role(request) -> dict:
    """`is_clinic_staff` for the navigation; asked of the database only when used."""
    return {"is_clinic_staff": SimpleLazyObject(lambda: is_clinic_staff(request))}
