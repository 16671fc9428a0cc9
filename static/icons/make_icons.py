"""Draw the phone app's icons (the web app manifest's and Apple's touch icon) with
Pillow, into this folder: `python static/icons/make_icons.py`. The PNGs are committed;
run this again only to change the drawing.

A diary page with a tick, white on the buttons' blue (static/css/diary.css). The
"any" icons have rounded corners; the maskable one and Apple's fill the square, which
the phone cuts to its own shape, with the drawing inside the central safe circle (40%
of the size in radius, as the manifest's maskable icons require).
"""

from pathlib import Path

from PIL import Image, ImageDraw

HERE = Path(__file__).resolve().parent
BLUE = (10, 88, 202)  # --diary-link
PAPER = (255, 255, 255)
BAND = (207, 226, 255)  # a light blue, the page's top like a calendar's
GREEN = (39, 103, 73)  # --diary-badge-normal
RING = (8, 66, 152)  # --diary-link-hover
SIZE = 1024  # drawn large, then reduced: smooth edges at every size


def drawing(*, rounded: bool) -> Image.Image:
    image = Image.new("RGBA", (SIZE, SIZE), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    if rounded:
        draw.rounded_rectangle((0, 0, SIZE - 1, SIZE - 1), radius=224, fill=BLUE)
    else:
        draw.rectangle((0, 0, SIZE - 1, SIZE - 1), fill=BLUE)
    # The page, inside the safe circle (its corners 353 px from the centre, < 409).
    page = (300, 250, 724, 794)
    draw.rounded_rectangle(page, radius=48, fill=PAPER)
    draw.rounded_rectangle((300, 250, 724, 360), radius=48, fill=BAND)
    draw.rectangle((300, 320, 724, 360), fill=BAND)
    for x in (400, 612):
        draw.rounded_rectangle((x - 18, 206, x + 18, 300), radius=18, fill=RING)
    tick = [(404, 586), (484, 666), (632, 492)]
    draw.line(tick, fill=GREEN, width=60, joint="curve")
    for x, y in (tick[0], tick[-1]):
        draw.ellipse((x - 30, y - 30, x + 30, y + 30), fill=GREEN)
    return image


def save(image: Image.Image, name: str, size: int, *, opaque: bool = False) -> None:
    small = image.resize((size, size), Image.Resampling.LANCZOS)
    if opaque:  # Apple's touch icon has no transparency
        small = small.convert("RGB")
    small.save(HERE / name, optimize=True)


def main() -> None:
    rounded, full = drawing(rounded=True), drawing(rounded=False)
    save(rounded, "icon-192.png", 192)
    save(rounded, "icon-512.png", 512)
    save(full, "icon-maskable-512.png", 512)
    save(full, "apple-touch-icon.png", 180, opaque=True)


if __name__ == "__main__":
    main()
