"""Test images made on the fly: phone-like JPEGs with EXIF, and broken files."""

import io
from datetime import datetime

from PIL import Image


def jpeg(width=640, height=480, *, orientation=None, taken_at: datetime | None = None,
         color=(90, 140, 200)) -> bytes:
    """A JPEG with a red block in its top-left corner (to see rotation) and optional EXIF."""
    image = Image.new("RGB", (width, height), color)
    image.paste((220, 20, 20), (0, 0, width // 4, height // 4))
    exif = Image.Exif()
    if orientation:
        exif[0x0112] = orientation
    if taken_at:
        exif.get_ifd(0x8769)[0x9003] = taken_at.strftime("%Y:%m:%d %H:%M:%S")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85, exif=exif.tobytes())
    return buffer.getvalue()


def bomb_png() -> bytes:
    """A few KB of PNG that claims 20000 × 20000 pixels."""
    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, format="PNG")
    return buffer.getvalue()


BAD_PHOTOS = {
    "text_named_jpg": b"this is not a photo, just text",
    "truncated_jpeg": None,  # made from a real JPEG below
    "empty": b"",
    "bomb_png": None,
}


def bad_photo(name: str) -> bytes:
    if name == "truncated_jpeg":
        data = jpeg(800, 600)
        return data[: len(data) // 2]
    if name == "bomb_png":
        return bomb_png()
    return BAD_PHOTOS[name]
