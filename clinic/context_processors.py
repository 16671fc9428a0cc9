from django.utils.functional import SimpleLazyObject

from clinic.access import is_clinic_manager, is_clinic_staff, staff_clinics
from clinic.models import ReviewCase


def role(request) -> dict:
    """The staff navigation's facts; each asked of the database only when used."""
    return {
        "is_clinic_staff": SimpleLazyObject(lambda: is_clinic_staff(request)),
        "is_clinic_manager": SimpleLazyObject(lambda: is_clinic_manager(request)),
        "open_case_count": SimpleLazyObject(lambda: _open_cases(request)),
    }


def _open_cases(request) -> int:
    if not is_clinic_staff(request):
        return 0
    if hasattr(request, "open_case_count"):  # the review queue counted them already
        return request.open_case_count
    cases = ReviewCase.objects.in_clinics(staff_clinics(request))
    return cases.exclude(status="resolved").count()
