"""Drawn stand-ins for the demo's before- and after-photos, through the real pipeline."""

import io
import random

from flask import current_app
from PIL import Image, ImageDraw

from app.common.time import to_local
from app.inspections.models import Photo
from app.photos import storage
from app.photos.pipeline import Watermark, cjk_font, process

BEFORE, AFTER = "before", "after"
_SCENES = {
    BEFORE: ((120, 60, 50), "整改前  before", (230, 80, 60)),
    AFTER: ((40, 90, 70), "整改后  after", (90, 200, 120)),
}


def demo_photo(which: str, location, uploader, at, rng: random.Random) -> Photo:
    """A watermarked photo of `location` at `at`, stored on disk; its row is not yet added."""
    background, caption, accent = _SCENES[which]
    image = Image.new("RGB", (800, 600), background)
    draw = ImageDraw.Draw(image)
    x, y = rng.randint(80, 360), rng.randint(60, 220)
    draw.rounded_rectangle((x, y, x + 360, y + 260), radius=24, outline=accent, width=14)
    draw.text((60, 500), f"{caption}  {location.code}", font=cjk_font(40), fill="white")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    processed = process(buffer.getvalue(), Watermark(
        location.code, to_local(at).strftime("%Y-%m-%d %H:%M"), uploader.full_name))
    folder = current_app.config["PHOTO_DIR"]
    storage.store(folder, processed.image, processed.sha256)
    storage.store(folder, processed.thumbnail, processed.thumb_sha256)
    return Photo(sha256=processed.sha256, thumb_sha256=processed.thumb_sha256,
                 width=processed.width, height=processed.height,
                 size_bytes=processed.size_bytes, taken_at=at, uploaded_by=uploader,
                 uploaded_at=at)
