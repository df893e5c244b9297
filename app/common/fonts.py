"""Fonts for drawing text on pictures: a Simplified Chinese one if installed (photo stamps,
QR labels), else Pillow's default."""

import functools
import os
import shutil
import subprocess

from PIL import ImageFont

# Debian's fonts-noto-cjk first (set-up installs it); fc-list finds the others.
KNOWN_CJK_FONTS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
)


def load_font(font_path: str | None, size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The font at `font_path` (its Simplified Chinese face) at `size` pixels, or Pillow's
    default when there is none or it cannot be read."""
    if font_path:
        try:
            return ImageFont.truetype(font_path, size, index=_face_index(font_path))
        except OSError:
            pass
    # Without a CJK font Chinese shows as boxes, but the text is still drawn.
    return ImageFont.load_default(size)


def cjk_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The Simplified Chinese font at `size` pixels (Pillow's default font if none is found)."""
    return load_font(find_cjk_font(), size)


@functools.cache
def _face_index(path: str) -> int:
    """In a font collection, the Simplified Chinese face (Noto lists Japanese first); else 0."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    for index in range(32):
        try:
            family = ImageFont.truetype(path, 10, index=index).getname()[0] or ""
        except OSError:
            break
        if family.endswith(" SC"):
            return index
    return 0


@functools.cache
def find_cjk_font() -> str | None:
    """The path of an installed font with Chinese glyphs (a regular sans face first), or None."""
    for path in KNOWN_CJK_FONTS:
        if os.path.isfile(path):
            return path
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return None
    try:
        listing = subprocess.run([fc_list, ":lang=zh", "file"], capture_output=True, text=True,
                                 timeout=10, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    paths = {line.strip().rstrip(":") for line in listing.splitlines() if line.strip()}
    preferred = sorted(paths, key=lambda p: ("Sans" not in p, "Bold" in p, "Serif" in p, p))
    return preferred[0] if preferred else None
