"""A look at what the pipeline asks Pillow to do."""

from types import SimpleNamespace

import pytest
from PIL import Image

from app.photos import pipeline


@pytest.fixture
def decoding(monkeypatch):
    """Records the sizes the pipeline decodes pixels at (`sizes`) and the Pillow readers files
    are opened with (`readers`: a tuple of formats, or None for every reader Pillow has)."""
    seen = SimpleNamespace(sizes=[], readers=[])
    load, open_ = pipeline._load, Image.open

    def spy_load(image):
        seen.sizes.append(image.size)
        return load(image)

    def spy_open(fp, mode="r", formats=None):
        seen.readers.append(None if formats is None else tuple(formats))
        return open_(fp, mode, formats)

    monkeypatch.setattr(pipeline, "_load", spy_load)
    monkeypatch.setattr(Image, "open", spy_open)
    return seen
