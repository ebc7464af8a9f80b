"""Page images of a scan file: the frames of a TIFF, PNG or JPEG, the rendered pages of a
PDF, and the bytes each page keeps for the viewer (the original file's own bytes when it is
a one-page PNG or JPEG, otherwise a faithful re-encoding)."""

from __future__ import annotations

import io

from PIL import Image, ImageSequence

RENDER_DPI = 300  # what Tesseract reads typewritten pages best at


def frames(data: bytes) -> list[Image.Image]:
    image = Image.open(io.BytesIO(data))
    return [f.copy() for f in ImageSequence.Iterator(image)]


def page_bytes(image: Image.Image, original: bytes | None = None) -> tuple[bytes, str]:
    """(bytes, media type) of the image the viewer shows for a page."""
    if original is not None:
        if original.startswith(b"\xff\xd8\xff"):
            return original, "image/jpeg"
        if original.startswith(b"\x89PNG"):
            return original, "image/png"
    buf = io.BytesIO()
    if image.mode in ("1", "P", "LA", "I", "I;16", "F"):
        image.convert("L" if image.mode != "P" else "RGB").save(buf, "PNG", optimize=True)
        return buf.getvalue(), "image/png"
    image.convert("RGB" if image.mode not in ("L", "RGB") else image.mode).save(buf, "JPEG", quality=80)
    return buf.getvalue(), "image/jpeg"
