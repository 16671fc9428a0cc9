from dataclasses import dataclass

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


@dataclass(frozen=True, slots=True)
class DroppedFile:
    """An uploaded file that was not kept, and the limit it passed."""

    name: str
    limit: str  # "photo": PHOTO_MAX_BYTES alone; "request": PHOTO_MAX_REQUEST_BYTES


class PhotoSizeLimitUploadHandler(FileUploadHandler):
    """Stop keeping an uploaded file as soon as it passes PHOTO_MAX_BYTES, or as soon
    as it and the files kept before it in the same request pass PHOTO_MAX_REQUEST_BYTES.

    Django would otherwise write every file to a temporary file before the form could
    look at their sizes. The files dropped are left on the request
    (`photos_too_large`, a list of DroppedFile) so the form can say which photo was
    not kept and which limit it passed; a dropped file does not count towards the
    request's total, so a smaller photo after it may still be kept.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.kept = 0  # bytes of the files kept so far in this request

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.PHOTO_MAX_BYTES:
            self._drop("photo")
        if self.kept + self.received > settings.PHOTO_MAX_REQUEST_BYTES:
            self._drop("request")
        return raw_data

    def file_complete(self, file_size):
        self.kept += file_size
        return None  # the next handler keeps the file

    def _drop(self, limit: str):
        dropped = getattr(self.request, "photos_too_large", [])
        self.request.photos_too_large = [*dropped, DroppedFile(self.file_name, limit)]
        raise SkipFile
