"""How much the photo pipeline costs over the least any pipeline must do.

For a 12 MP phone JPEG (portrait, EXIF orientation 6, with GPS) and a 12 MP HEIC,
time `prepare_photo` (decode, turn upright, sRGB, re-encode full size, derive the
1600 px and 320 px copies, quality check, redness index) against the floor: one full
decode plus one full-size JPEG encode of the same image, measured in the same run.
Prints the absolute times (wall clock and CPU), then `jpeg_ratio=<x>` and
`heic_ratio=<x>`, the wall-clock ratios: what a patient waits for. Goal: a JPEG ratio
of 1.5 or less.

Run: `make bench`, or `SECRET_KEY=x .venv/bin/python bench/photos.py`.
"""

import io
import statistics
import time

import _setup  # noqa: F401 (first: sets up Django)
import pillow_heif
from PIL import Image, ImageDraw, ImageFilter

from diary.photos import JPEG_QUALITY, prepare_photo

ROUNDS = 9
SIZE = (4032, 3024)  # 12 MP, as a phone stores it (landscape sensor, portrait flag)


def made_up_photo() -> Image.Image:
    """Skin-like texture with detail everywhere, so the encoders do real work."""
    noise = Image.effect_noise(SIZE, 28).convert("RGB")
    base = Image.new("RGB", SIZE, (214, 168, 150))
    draw = ImageDraw.Draw(base)
    for i in range(0, SIZE[0], 96):
        draw.ellipse((i, i // 2, i + 900, i // 2 + 700), fill=(200 - i % 40, 140, 130))
    return Image.blend(base, noise, 0.25).filter(ImageFilter.SMOOTH)


def phone_jpeg(image: Image.Image) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8825).update(
        {1: "N", 2: (35.0, 41.0, 22.0), 3: "E", 4: (139.0, 41.0, 30.0)}
    )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=92, exif=exif.tobytes())
    return buffer.getvalue()


def phone_heic(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    pillow_heif.from_pillow(image).save(buffer, quality=80)
    return buffer.getvalue()


def floor(data: bytes) -> None:
    with Image.open(io.BytesIO(data)) as decoded:
        decoded.load()
        decoded.convert("RGB").save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)


def pipeline(data: bytes) -> None:
    prepare_photo(io.BytesIO(data))


def timed(work, data: bytes) -> tuple[float, float]:
    """Wall-clock and CPU seconds (all threads) of one `work(data)`."""
    start, start_cpu = time.perf_counter(), time.process_time()
    work(data)
    return time.perf_counter() - start, time.process_time() - start_cpu


def measure(data: bytes) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of the floor and the pipeline, run in alternation so both
    meet the same machine conditions."""
    runs = {"floor": [], "pipeline": []}
    for _round in range(ROUNDS):
        runs["floor"].append(timed(floor, data))
        runs["pipeline"].append(timed(pipeline, data))
    return {
        name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
        for name, rs in runs.items()
    }


def main() -> None:
    image = made_up_photo()
    samples = {"jpeg": phone_jpeg(image), "heic": phone_heic(image)}
    ratios = {}
    for kind, data in samples.items():
        pipeline(data)  # warm up decoders and colour transforms
        medians = measure(data)
        (floor_s, floor_cpu), (pipeline_s, pipeline_cpu) = (
            medians["floor"],
            medians["pipeline"],
        )
        ratios[kind] = pipeline_s / floor_s
        print(
            f"{kind}: {len(data) / 1e6:.1f} MB, floor {floor_s * 1000:.0f} ms, "
            f"pipeline {pipeline_s * 1000:.0f} ms wall (median of {ROUNDS}); "
            f"CPU {floor_cpu * 1000:.0f} ms vs {pipeline_cpu * 1000:.0f} ms: the full-size "
            f"encode overlaps the small copies on a second core"
        )
    print(f"jpeg_ratio={ratios['jpeg']:.2f}")
    print(f"heic_ratio={ratios['heic']:.2f}")


if __name__ == "__main__":
    main()
