"""QR codes as SVG data: URIs for an <img> (the Content-Security-Policy allows data:
images, not inline markup styles)."""

import base64

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    """An SVG QR code of `text` (a link), as a data: URI."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage)
    svg = image.to_string(encoding="utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
