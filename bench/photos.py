"""How much the photo pipeline costs over the least any pipeline must do.

For a 12 MP phone JPEG (portrait, EXIF orientation 6, with GPS) and a 12 MP HEIC,
time `prepare_photo` (decode, turn upright, sRGB, re-encode full size, derive the
1600 px and 320 px copies, quality check, redness index) against the floor: one full
decode plus one full-size JPEG encode of the same image, measured in the same run.
Prints the absolute times (wall clock and CPU), then `jpeg_ratio=<x>` and
`heic_ratio=<x>`, the wall-clock ratios: what a patient waits for. Goal: a JPEG ratio
of 1.5 or less.

Then the same for a 60 MP JPEG (8944 x 6708, the most pixels accepted), which is
stored at 4096 px and decoded at half scale, so it costs less than that floor:
`jpeg_60mp_ratio=<x>`; and the peak memory (maximum resident set) of a fresh process
that prepares it: `jpeg_60mp_peak_mb=<n>`, the figure that says whether a worker
survives the largest upload. Goal: under 200.

Run: `make bench`, or `SECRET_KEY=x .venv/bin/python bench/photos.py`.
"""

import io
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _setup  # noqa: F401 (first: sets up Django)
import pillow_heif
from PIL import Image, ImageDraw, ImageFilter

from diary.photos import JPEG_QUALITY, prepare_photo

ROUNDS = 9
ROUNDS_60MP = 5
SIZE = (4032, 3024)  # 12 MP, as a phone stores it (landscape sensor, portrait flag)
SIZE_60MP = (8944, 6708)  # 59.996 MP, 4:3


def made_up_photo(size: tuple[int, int] = SIZE) -> Image.Image:
    """Skin-like texture with detail everywhere, so the encoders do real work."""
    noise = Image.effect_noise(size, 28).convert("RGB")
    base = Image.new("RGB", size, (214, 168, 150))
    draw = ImageDraw.Draw(base)
    scale = size[0] / SIZE[0]  # the same picture at any size
    for i in range(0, size[0], round(96 * scale)):
        box = (i, i // 2, i + round(900 * scale), i // 2 + round(700 * scale))
        draw.ellipse(box, fill=(200 - i % 40, 140, 130))
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


def measure(data: bytes, rounds: int = ROUNDS) -> dict[str, tuple[float, float]]:
    """Median (wall, CPU) of the floor and the pipeline, run in alternation so both
    meet the same machine conditions."""
    runs = {"floor": [], "pipeline": []}
    for _round in range(rounds):
        runs["floor"].append(timed(floor, data))
        runs["pipeline"].append(timed(pipeline, data))
    return {
        name: (statistics.median(r[0] for r in rs), statistics.median(r[1] for r in rs))
        for name, rs in runs.items()
    }


def in_child(*args: str) -> str:
    """Run this script in a fresh process with `args`; return what it printed. The
    kernel carries a process's peak memory over into a child it starts, so children
    are started before this process builds any large image."""
    command = [sys.executable, __file__, *args]
    finished = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    return finished.stdout


def write_60mp_jpeg(path: str) -> None:
    Path(path).write_bytes(phone_jpeg(made_up_photo(SIZE_60MP)))


def peak_memory_mb(path: str) -> None:
    """Print the peak resident memory of this process, in MB, before and after it
    prepares the photo at `path` (Pillow's pixels live outside Python's allocator, so
    this is read from the kernel, not from tracemalloc)."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux
    with open(path, "rb") as photo:
        prepare_photo(photo)
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(before // 1024, after // 1024)


def report(kind: str, data: bytes, rounds: int = ROUNDS) -> float:
    """Print the absolute times of `data` and return the wall-clock ratio."""
    pipeline(data)  # warm up decoders and colour transforms
    medians = measure(data, rounds)
    (floor_s, floor_cpu), (pipeline_s, pipeline_cpu) = (
        medians["floor"],
        medians["pipeline"],
    )
    print(
        f"{kind}: {len(data) / 1e6:.1f} MB, floor {floor_s * 1000:.0f} ms, "
        f"pipeline {pipeline_s * 1000:.0f} ms wall (median of {rounds}); "
        f"CPU {floor_cpu * 1000:.0f} ms vs {pipeline_cpu * 1000:.0f} ms: the full-size "
        f"encode overlaps the small copies on a second core"
    )
    return pipeline_s / floor_s


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = f"{folder}/60mp.jpg"
        in_child("--write-60mp", path)
        before, after = in_child("--peak-memory", path).split()
        large = Path(path).read_bytes()
    image = made_up_photo()
    ratios = {
        "jpeg": report("jpeg", phone_jpeg(image)),
        "heic": report("heic", phone_heic(image)),
        "jpeg_60mp": report("jpeg 60 MP", large, ROUNDS_60MP),
    }
    print(f"jpeg 60 MP: peak memory {after} MB, of which {before} MB before the photo")
    for kind, ratio in ratios.items():
        print(f"{kind}_ratio={ratio:.2f}")
    print(f"jpeg_60mp_peak_mb={after}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--write-60mp"]:
        write_60mp_jpeg(sys.argv[2])
    elif sys.argv[1:2] == ["--peak-memory"]:
        peak_memory_mb(sys.argv[2])
    else:
        main()
