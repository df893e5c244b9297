"""What is stamped on a photo: the place's code, the hospital's local time and who took it."""

from datetime import datetime

from app.common.time import to_local
from app.photos.pipeline import Watermark


def watermark_for(location, person, at: datetime) -> Watermark:
    """The stamp for a photo of `location` taken by `person` at `at` (UTC), to the minute."""
    return Watermark(location.code, to_local(at).strftime("%Y-%m-%d %H:%M"), person.full_name)
