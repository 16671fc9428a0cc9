"""Images made in memory with Pillow: no binary fixtures in the repository."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003


def image_bytes(fmt="JPEG", size=(64, 48), color=(220, 150, 140), **save) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **save)
    return buffer.getvalue()


def phone_jpeg(size=(80, 60)) -> bytes:
    """A landscape-stored JPEG that a phone marks 'rotate 90°', with GPS and a date."""
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "PhoneMaker"  # Make
    exif.get_ifd(GPS_IFD).update(
        {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    )
    exif.get_ifd(EXIF_IFD)[DATE_TIME_ORIGINAL] = "2026:11:22 09:15:00"
    return image_bytes("JPEG", size=size, exif=exif.tobytes())


def upload(
    content: bytes, name="photo.jpg", content_type="image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)
