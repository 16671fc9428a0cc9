"""Turning an uploaded phone photo into images that are safe to store and show.

Pillow only, no ORM. The type is decided from the bytes, never from the file name or
the browser's content type; the image is fully decoded (so truncated and corrupt
files are caught), turned upright by its EXIF orientation, converted to sRGB with its
embedded colour profile, and re-encoded without any metadata: no EXIF (GPS, device),
no XMP, no colour profile, no comment, no text copied from the upload. Ghostscript and
other external converters are never reachable, because only the four decoders below
are ever asked to open a file.

The full size is stored at most FULL_PIXELS on the long side, and a large JPEG is
decoded at a reduced scale, so a 60 MP photo neither fills the worker's memory nor
costs a full-size decode and encode. The full size is decoded once; the screen size
and the thumbnail are derived from it, and the quality check and the redness index
are measured on those small copies. Pillow releases the GIL while it transposes,
resamples and encodes, so the full-size image is turned and encoded in a worker
thread while the small copies are made: the patient waits for the longer of the two,
not their sum.
"""

import io
import math
import warnings
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import pillow_heif
from django.utils.translation import gettext as _
from PIL import Image, ImageCms, ImageFilter, ImageStat, UnidentifiedImageError

pillow_heif.register_heif_opener()

MAX_PIXELS = 60_000_000  # a 48 MP iPhone photo passes
# Long side of the stored full size, at most: a 12 MP phone photo (4032 px) keeps its size.
FULL_PIXELS = 4096
# A larger JPEG is decoded at 1/2, 1/4 or 1/8 scale when that leaves at least this many
# px on the long side: 48-50 MP phone photos (8000-8192 px) come out at 4000-4096 px.
DRAFT_PIXELS = 3584
SCREEN_PIXELS = 1600  # at most; see _box_reduce
THUMBNAIL_PIXELS = 320
JPEG_QUALITY = 90
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
EXIF_IFD = 0x8769
DATE_TIME_ORIGINAL = 0x9003
ORIENTATION = 0x0112

SRGB = ImageCms.createProfile("sRGB")
SRGB_TO_LAB = ImageCms.buildTransform(SRGB, ImageCms.createProfile("LAB"), "RGB", "LAB")

# Quality thresholds, on 0-255 luminance: a photo whose mean is outside these is too
# dark or too bright to judge redness; edges weaker than BLUR_EDGE_VARIANCE (variance
# of a Laplacian filter at screen size) mean the photo is out of focus or shaken.
TOO_DARK, TOO_BRIGHT, BLUR_EDGE_VARIANCE = 50, 225, 12.0
LAPLACIAN = ImageFilter.Kernel((3, 3), [0, 1, 0, 1, -4, 1, 0, 1, 0], scale=1, offset=128)
# EXIF orientation -> the transposition that makes the photo upright.
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}
# What the stored JPEGs carry besides pixels: nothing. Pillow's JPEG encoder falls back
# to im.info["comment"], which the decoders fill from a JPEG COM segment or a PNG
# "comment" text chunk, so each key is given as "none" rather than left out.
NO_METADATA = {"comment": b"", "exif": b"", "icc_profile": None, "xmp": None}
_FULL_SIZE_ENCODER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="photo-encode")


class PhotoError(ValueError):
    """The upload is not a photo we accept; the message is meant for the patient."""


@dataclass(frozen=True, slots=True)
class PreparedPhoto:
    image: bytes
    screen: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None  # naive, as the camera's clock read
    quality_issues: tuple[str, ...]  # "dark", "bright", "blurred"
    redness_index: float  # mean CIELAB a* over the central region


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
    """Return the cleaned photo, its display sizes and measures; raise PhotoError
    with a message for the patient when the upload is not a usable photo."""
    upload.seek(0)
    kind = sniff(upload.read(16))
    upload.seek(0)
    if kind is None:
        raise PhotoError(
            _(
                "This file is not a photo we can use: choose a JPEG, PNG, HEIC or WebP photo."
            )
        )
    decoded, exif = _decode(upload, kind)
    turn = UPRIGHT.get(exif.get(ORIENTATION, 1))
    full = _FULL_SIZE_ENCODER.submit(_upright_jpeg, decoded, turn)
    screen = _upright(_box_reduce(decoded, SCREEN_PIXELS), turn)
    thumbnail = _fit(screen, THUMBNAIL_PIXELS)
    small = {
        "screen": _jpeg(screen),
        "thumbnail": _jpeg(thumbnail),
        "quality_issues": quality_issues(screen),
        "redness_index": redness_index(thumbnail),
    }
    image, (width, height) = full.result()
    return PreparedPhoto(
        image=image, width=width, height=height, taken_at=_taken_at(exif), **small
    )


def _decode(upload, kind: str) -> tuple[Image.Image, Image.Exif]:
    """Return the photo in sRGB, at most FULL_PIXELS on the long side, not yet turned
    upright, and its EXIF; raise PhotoError when it has too many pixels or cannot be
    decoded."""
    too_large = _("This photo has too many pixels (more than 60 megapixels).")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[kind]) as original:
                if original.width * original.height > MAX_PIXELS:
                    raise PhotoError(too_large)
                exif = original.getexif()
                icc = original.info.get("icc_profile")
                if kind == "JPEG" and max(original.size) > FULL_PIXELS:
                    _draft(original, DRAFT_PIXELS)
                original.load()
                image = _flatten(original)
    except PhotoError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise PhotoError(too_large) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as error:
        raise PhotoError(
            _("This photo could not be read: it may be damaged or incomplete.")
        ) from error
    del original  # so each copy below is freed as soon as the next one is made
    if max(image.size) > FULL_PIXELS:
        # Memory trick: the height, then the width, as two resizes. One resize holds
        # the source, its half-done copy and the result at once: for a 60 MP JPEG
        # that made `jpeg_60mp_peak_mb` in bench/photos.py 213, this way 166.
        width, height = _fitted_size(image.size, FULL_PIXELS)
        image = image.resize((image.width, height), Image.Resampling.BICUBIC)
        image = image.resize((width, height), Image.Resampling.BICUBIC)
    return _to_srgb(image, icc), exif


def _draft(jpeg: Image.Image, at_least: int) -> None:
    """Have the JPEG decoder scale by 1/2, 1/4 or 1/8 while decoding: the most that
    leaves at least `at_least` px on the long side (Pillow's `draft` picks the scale).

    Speed and memory trick: a 60 MP JPEG (8944 x 6708) is decoded as 15 MP, which
    (with the two-pass resize in `_decode`) takes the peak memory of a process that
    prepares it from 540 MB to 166 MB and its CPU time from about 650 ms to 420 ms
    (`bench/photos.py`: `jpeg_60mp_peak_mb` and the 60 MP CPU times). Only for JPEG:
    pillow-heif's `draft` would swap in an embedded thumbnail instead, whose content
    need not be the photo's.
    """
    scale = at_least / max(jpeg.size)
    jpeg.draft("RGB", (math.ceil(jpeg.width * scale), math.ceil(jpeg.height * scale)))


def quality_issues(image: Image.Image) -> tuple[str, ...]:
    """Return what makes `image` hard to compare: "dark", "bright" and/or "blurred".

    Measured on the central half, where the treated skin is.
    """
    width, height = image.size
    gray = image.crop((width // 4, height // 4, width * 3 // 4, height * 3 // 4)).convert(
        "L"
    )
    issues = []
    brightness = ImageStat.Stat(gray).mean[0]
    if brightness < TOO_DARK:
        issues.append("dark")
    elif brightness > TOO_BRIGHT:
        issues.append("bright")
    edges = gray.filter(LAPLACIAN)
    # The filter copies the outermost pixels unfiltered: leave them out.
    edges = edges.crop((1, 1, edges.width - 1, edges.height - 1))
    if ImageStat.Stat(edges).var[0] < BLUR_EDGE_VARIANCE:
        issues.append("blurred")
    return tuple(issues)


def redness_index(image: Image.Image) -> float:
    """Return the mean CIELAB a* (green - to red +) over the central half of `image`.

    Indicative only: lighting and camera differ between photos.
    """
    width, height = image.size
    centre = image.crop((width // 4, height // 4, width * 3 // 4, height * 3 // 4))
    lab = ImageCms.applyTransform(centre, SRGB_TO_LAB)
    return round(ImageStat.Stat(lab.getchannel(1)).mean[0] - 128, 2)


def _upright(image: Image.Image, turn: Image.Transpose | None) -> Image.Image:
    return image if turn is None else image.transpose(turn)


def _upright_jpeg(image: Image.Image, turn: Image.Transpose | None) -> tuple[bytes, tuple]:
    upright = _upright(image, turn)
    return _jpeg(upright), upright.size


def _box_reduce(image: Image.Image, longest: int) -> Image.Image:
    """Average whole blocks of pixels so the long side is at most `longest` (a 12 MP
    photo gives 1344 px): as good as resampling for downscaling, and a few times
    faster on a full-size photo."""
    factor = math.ceil(max(image.size) / longest)
    return image if factor <= 1 else image.reduce(factor)


def _fit(image: Image.Image, longest: int) -> Image.Image:
    """Scale down to `longest` px on the long side: a box reduction by a whole factor
    first (cheap), then bilinear for the rest."""
    if max(image.size) <= longest:
        return image
    size = _fitted_size(image.size, longest)
    return image.resize(size, Image.Resampling.BILINEAR, reducing_gap=1.0)


def _fitted_size(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """Return `size` scaled so that its long side is `longest` px."""
    scale = longest / max(size)
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def _taken_at(exif: Image.Exif) -> datetime | None:
    raw = exif.get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL)
    try:
        return datetime.strptime(str(raw).strip("\x00 "), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _flatten(image: Image.Image) -> Image.Image:
    """Return `image` in RGB, CMYK or L (the modes its colour profile can describe),
    transparency laid on white."""
    if image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info:
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if image.mode not in ("RGB", "CMYK", "L"):
        return image.convert("RGB")
    return image


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """Return `image` (from `_flatten`) in sRGB, read through its colour profile."""
    if icc and not _is_srgb(icc):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            return ImageCms.profileToProfile(image, source, SRGB, outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass  # a broken profile: read the pixels as sRGB
    return image if image.mode == "RGB" else image.convert("RGB")


def _is_srgb(icc: bytes) -> bool:
    """An embedded sRGB profile needs no conversion (most Android and camera JPEGs)."""
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return "srgb" in ImageCms.getProfileDescription(profile).lower()
    except (ImageCms.PyCMSError, OSError, ValueError):
        return False


def _jpeg(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY, **NO_METADATA)
    return buffer.getvalue()
