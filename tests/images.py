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


def photo_with_metadata(fmt: str, icc: bytes, size=(80, 60), color=(200, 30, 30)) -> bytes:
    """A photo in `fmt` (JPEG, PNG, WEBP or HEIF) carrying every kind of metadata the
    format holds: EXIF (orientation 6, GPS, maker), XMP and the colour profile `icc`;
    a JPEG also a comment, a PNG also tEXt, zTXt and iTXt chunks. Every text in it
    contains "SECRET"."""
    from PIL.PngImagePlugin import PngInfo

    exif = Image.Exif()
    exif[ORIENTATION] = 6
    exif[0x010F] = "SECRET-maker"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (35.0, 41.0, 22.0)})
    metadata = {
        "exif": exif.tobytes(),
        "xmp": b'<x:xmpmeta xmlns:x="adobe:ns:meta/">SECRET-xmp</x:xmpmeta>',
        "icc_profile": icc,
    }
    if fmt == "JPEG":
        metadata["comment"] = b"SECRET-comment"
    if fmt == "PNG":
        chunks = PngInfo()
        chunks.add_text("comment", "SECRET-text")  # tEXt, read back as im.info["comment"]
        chunks.add_text("Description", "SECRET-ztxt", zip=True)  # zTXt
        chunks.add_itxt("Title", "SECRET-itxt", lang="en")  # iTXt
        chunks.add_itxt("XML:com.adobe.xmp", metadata.pop("xmp").decode())  # iTXt XMP
        metadata["pnginfo"] = chunks
    if fmt == "HEIF":
        import pillow_heif

        pillow_heif.register_heif_opener()  # so that Pillow can write HEIF
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt, **metadata)
    return buffer.getvalue()


JPEG_MARKERS = {0xD8: "SOI", 0xD9: "EOI", 0xDA: "SOS", 0xDB: "DQT", 0xC4: "DHT",
                0xDD: "DRI", 0xFE: "COM", 0xC0: "SOF0", 0xC1: "SOF1", 0xC2: "SOF2",
                **{0xE0 + n: f"APP{n}" for n in range(16)}}  # fmt: skip
ESCAPED_OR_RESTART = {0x00, *range(0xD0, 0xD8)}


def jpeg_segments(data: bytes) -> list[tuple[str, bytes]]:
    """Every marker of a JPEG file, in order, with its segment's payload (empty for
    SOI and EOI). The entropy-coded data after an SOS is skipped up to the next
    marker (0xFF00 is an escaped byte, RST0-7 sit inside the data). Raises
    AssertionError where a marker should be and is not, e.g. bytes after EOI."""
    segments, at = [], 0
    while at < len(data):
        assert data[at] == 0xFF, f"no marker at byte {at}"
        marker = data[at + 1]
        name = JPEG_MARKERS.get(marker, f"0x{marker:02X}")
        if marker in (0xD8, 0xD9):
            segments.append((name, b""))
            at += 2
            continue
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        segments.append((name, data[at + 4 : at + 2 + length]))
        at += 2 + length
        if marker == 0xDA:
            while not (data[at] == 0xFF and data[at + 1] not in ESCAPED_OR_RESTART):
                at += 1
    return segments


def upload(
    content: bytes, name="photo.jpg", content_type="image/jpeg"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that announces `width` x `height` but carries one tiny compressed row:
    a decompression bomb's shape, without the memory to build a real one."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def srgb_icc() -> bytes:
    """The sRGB profile most phones embed (Pillow's own): it needs no conversion."""
    from PIL import ImageCms

    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def swapped_primaries_icc() -> bytes:
    """An ICC v2 RGB profile like sRGB but with red and blue primaries swapped, so
    a pixel stored as (200, 30, 30) means blue. Built by hand: Pillow only creates
    sRGB, LAB and XYZ profiles, and none of those can describe RGB input."""
    import struct

    def s15(value: float) -> bytes:
        return struct.pack(">i", round(value * 65536))

    def xyz(x: float, y: float, z: float) -> bytes:
        return b"XYZ " + bytes(4) + s15(x) + s15(y) + s15(z)

    curve = b"curv" + bytes(4) + struct.pack(">IH", 1, int(2.2 * 256)) + bytes(2)
    name = b"swapped primaries\x00"
    desc = (
        b"desc" + bytes(4) + struct.pack(">I", len(name)) + name + bytes(4 + 4 + 2 + 1 + 67)
    )
    tags = [
        (b"desc", desc),
        (b"wtpt", xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", xyz(0.1431, 0.0606, 0.7141)),  # sRGB's blue
        (b"gXYZ", xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", xyz(0.4361, 0.2225, 0.0139)),  # sRGB's red
        (b"rTRC", curve),
        (b"gTRC", curve),
        (b"bTRC", curve),
    ]
    offset = 128 + 4 + 12 * len(tags)
    table, data = struct.pack(">I", len(tags)), b""
    for signature, body in tags:
        body += bytes(-len(body) % 4)
        table += signature + struct.pack(">II", offset + len(data), len(body))
        data += body
    size = offset + len(data)
    header = (
        struct.pack(">I", size) + bytes(4) + struct.pack(">I", 0x02100000)
        + b"mntrRGB XYZ " + bytes(12) + b"acsp" + bytes(4 + 4 + 4 + 4 + 8 + 4)
        + s15(0.9642) + s15(1.0) + s15(0.8249) + bytes(4 + 16 + 28)
    )  # fmt: skip
    return header + table + data
