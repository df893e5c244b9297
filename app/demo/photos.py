"""Drawn stand-ins for the demo's before- and after-photos, through the real pipeline."""

import io
import random

from PIL import Image, ImageDraw

from app.common.fonts import cjk_font
from app.photos.models import Photo
from app.photos.pipeline import process
from app.photos.store import photo_store
from app.photos.watermark import watermark_for

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
    processed = process(buffer.getvalue(), watermark_for(location, uploader, at))
    photo_store().save_processed(processed)
    return Photo(sha256=processed.sha256, thumb_sha256=processed.thumb_sha256,
                 width=processed.width, height=processed.height,
                 size_bytes=processed.size_bytes, taken_at=at, uploaded_by=uploader,
                 uploaded_at=at)
