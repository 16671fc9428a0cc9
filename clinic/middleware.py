from django.utils import timezone


class ClinicTimezoneMiddleware:
    """Start every request in UTC; views switch to the clinic's zone once they know it.

    Without the reset, a zone activated for one request would leak into the next
    request served by the same thread.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
