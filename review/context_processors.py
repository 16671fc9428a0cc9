from django.utils.functional import SimpleLazyObject

from clinic.access import is_clinic_staff, staff_clinics
from review.models import ReviewCase


def open_cases(request) -> dict:
    """The navigation badge: cases waiting in the user's clinics, counted when shown."""
    return {
        "open_case_count": SimpleLazyObject(lambda: _open_cases(request)),
        "CaseStatus": ReviewCase.Status,
    }


def _open_cases(request) -> int:
    if not is_clinic_staff(request):
        return 0
    if hasattr(request, "open_case_count"):  # the review queue counted them already
        return request.open_case_count
    cases = ReviewCase.objects.in_clinics(staff_clinics(request))
    return cases.exclude(status=ReviewCase.Status.RESOLVED).count()
