"""App icons drawn with Pillow into static/icons/: run `python -m app.pwa.icons` at set-up.

The shield and check follow static/icons/favicon.svg. A maskable icon keeps the drawing inside
the central 80 % circle, since a launcher may crop it to any shape.
"""

import sys
from pathlib import Path

from PIL import Image, ImageDraw

ICON_DIR = Path(__file__).resolve().parents[2] / "static" / "icons"
BRAND = (11, 83, 148)  # #0b5394, the theme colour
WHITE = (255, 255, 255)
SCALE = 4  # drawn large, then shrunk: smooth edges without an SVG renderer

# name: (size, maskable)
ICONS = {
    "icon-192.png": (192, False),
    "icon-512.png": (512, False),
    "maskable-192.png": (192, True),
    "maskable-512.png": (512, True),
    "apple-touch-icon.png": (180, True),  # iOS rounds the corners itself: no transparency
}
# What a browser asks for at /favicon.ico when a page names no icon (or cannot show SVG).
FAVICON = "favicon.ico"
FAVICON_SIZES = [(16, 16), (32, 32), (48, 48)]


def _cubic(a, b, c, d, p, steps=16):
    """Points along a cubic Bézier curve from a to d, mapped through p."""
    points = []
    for i in range(steps + 1):
        t = i / steps
        u = 1 - t
        x = u**3 * a[0] + 3 * u * u * t * b[0] + 3 * u * t * t * c[0] + t**3 * d[0]
        y = u**3 * a[1] + 3 * u * u * t * b[1] + 3 * u * t * t * c[1] + t**3 * d[1]
        points.append(p(x, y))
    return points


def _shield(draw: ImageDraw.ImageDraw, box: float, offset: float) -> None:
    """The favicon's shield and check, in its 64-unit grid scaled to `box`, shifted by offset."""
    def p(x, y):
        return (offset + x * box / 64, offset + y * box / 64)

    # "M32 10l18 7v13c0 12-8 20-18 24-10-4-18-12-18-24V17z": two cubic curves make the point.
    outline = [p(32, 10), p(50, 17)]
    outline += _cubic((50, 30), (50, 42), (42, 50), (32, 54), p)
    outline += _cubic((32, 54), (22, 50), (14, 42), (14, 30), p)[1:]
    outline.append(p(14, 17))
    draw.polygon(outline, fill=WHITE)
    width = round(5 * box / 64)
    check = [p(24, 33), p(30, 39), p(41, 26)]
    draw.line(check, fill=BRAND, width=width, joint="curve")
    for x, y in (check[0], check[-1]):
        r = width / 2
        draw.ellipse((x - r, y - r, x + r, y + r), fill=BRAND)


def draw_icon(size: int, *, maskable: bool) -> Image.Image:
    big = size * SCALE
    if maskable:
        image = Image.new("RGB", (big, big), BRAND)
        draw = ImageDraw.Draw(image)
        # The shield's farthest corner is 23.4 of 64 units from the centre: at 95 % it stays
        # inside the safe circle (radius 40 %).
        box = big * 0.95
        _shield(draw, box, (big - box) / 2)
    else:
        image = Image.new("RGBA", (big, big), (0, 0, 0, 0))
        draw = ImageDraw.Draw(image)
        draw.rounded_rectangle((0, 0, big - 1, big - 1), radius=big * 14 / 64, fill=BRAND)
        _shield(draw, big, 0)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def _palette(image: Image.Image) -> Image.Image:
    # Two colours and their edges: 32 palette entries look the same at a quarter of the bytes.
    method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
    return image.quantize(colors=32, method=method)


def main(argv: list[str] | None = None) -> int:
    """Draw the icons that are missing (all of them with --force); quiet when none are."""
    force = "--force" in (argv if argv is not None else sys.argv[1:])
    ICON_DIR.mkdir(parents=True, exist_ok=True)
    made = []
    for name, (size, maskable) in ICONS.items():
        path = ICON_DIR / name
        if force or not path.exists():
            _palette(draw_icon(size, maskable=maskable)).save(path, optimize=True)
            made.append(name)
    favicon = ICON_DIR / FAVICON
    if force or not favicon.exists():
        draw_icon(48, maskable=False).save(favicon, sizes=FAVICON_SIZES)
        made.append(FAVICON)
    if made:
        print(f"Drew app icons: {', '.join(made)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
