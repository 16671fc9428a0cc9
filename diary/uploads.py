from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class PhotoSizeLimitUploadHandler(FileUploadHandler):
    """Stop keeping an uploaded file as soon as it passes PHOTO_MAX_BYTES.

    Django would otherwise write the whole file to a temporary file before the form
    could look at its size. The names of the files dropped are left on the request
    (`photos_too_large`) so the form can say which photo was too large.
    """

    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, file_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.PHOTO_MAX_BYTES:
            dropped = getattr(self.request, "photos_too_large", [])
            self.request.photos_too_large = [*dropped, self.file_name]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None
