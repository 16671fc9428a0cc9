"""Turning an uploaded phone photo into images that are safe to store and show.

Pillow only, no ORM. The type is decided from the bytes, never from the file name or
the browser's content type; the image is fully decoded (so truncated and corrupt
files are caught), turned upright by its EXIF orientation, converted to sRGB with its
embedded colour profile, and re-encoded without any metadata: no GPS, no device, no
foreign bytes. Ghostscript and other external converters are never reachable,
because only the four decoders below are ever asked to open a file.
"""

import io
import warnings
from dataclasses import dataclass
from datetime import datetime

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_PIXELS = 60_000_000  # a 48 MP iPhone photo passes
THUMBNAIL_PIXELS = 320
JPEG_QUALITY = 90
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
SRGB = ImageCms.createProfile("sRGB")
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003


class PhotoError(ValueError):
    """The upload is not a photo we accept; the message is meant for the patient."""


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    image: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None  # naive, as the camera's clock read


def sniff(head: bytes) -> str | None:
    """Return the Pillow format name that the first bytes announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    if head[4:8] == b"ftyp" and head[8:12] in HEIF_BRANDS:
        return "HEIF"
    return None


def prepare_photo(upload) -> PreparedPhoto:
    """Return the cleaned photo and its thumbnail; raise PhotoError saying what is wrong."""
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise PhotoError(
            _(
                "This file is not a photo we can use: choose a JPEG, PNG, HEIC or WebP photo."
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[kind]) as original:
                if original.width * original.height > MAX_PIXELS:
                    raise PhotoError(
                        _("This photo has too many pixels (more than 60 megapixels).")
                    )
                taken_at = _taken_at(original)
                original.load()
                upright = _to_srgb(ImageOps.exif_transpose(original))
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(
            _("This photo has too many pixels (more than 60 megapixels).")
        ) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoError(
            _("This photo could not be read: it may be damaged or incomplete.")
        ) from error
    thumbnail = upright.copy()
    thumbnail.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS), reducing_gap=3.0)
    return PreparedPhoto(
        image=_jpeg(upright),
        thumbnail=_jpeg(thumbnail),
        width=upright.width,
        height=upright.height,
        taken_at=taken_at,
    )


def _taken_at(image: Image.Image) -> datetime | None:
    raw = image.getexif().get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL)
    try:
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _to_srgb(image: Image.Image) -> Image.Image:
    icc = image.info.get("icc_profile")
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        image = flat
    elif image.mode not in ("RGB", "CMYK", "L"):
        image = image.convert("RGB")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: fall back to reading the pixels as sRGB
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()
