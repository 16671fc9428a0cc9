"""Handing a photo file to the viewer once the view has checked who is asking."""

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpResponse, HttpResponseRedirect


def photo_response(name: str) -> HttpResponse:
    """Return the response that delivers the stored JPEG `name`, by PHOTO_SERVING."""
    if settings.PHOTO_SERVING == "redirect":
        # Object storage: a signed URL that expires after a few minutes.
        response = HttpResponseRedirect(default_storage.url(name))
    elif settings.PHOTO_SERVING == "x-accel":
        # nginx sends the file from an `internal` location: no Python streaming.
        response = HttpResponse(content_type="image/jpeg")
        response["X-Accel-Redirect"] = settings.PHOTO_X_ACCEL_PREFIX + name
    else:
        response = FileResponse(default_storage.open(name), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=300"
    response["X-Content-Type-Options"] = "nosniff"
    return response
