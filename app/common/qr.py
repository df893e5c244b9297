"""QR codes: location labels with the code and names under them (PNG, SVG), and bare codes."""

import io
from xml.sax.saxutils import escape

import qrcode
from PIL import Image, ImageDraw

from app.common.fonts import cjk_font

# Error correction M survives a scuffed or partly dirty label; border 4 is the full quiet zone.
ERROR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
QUIET_ZONE = 4


def qr_matrix(url: str) -> list[list[bool]]:
    """The modules of the QR code for `url`, quiet zone included."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECTION, border=QUIET_ZONE)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def _modules_path(matrix) -> str:
    # One horizontal run of dark modules per path segment keeps the SVG small.
    parts = []
    for y, row in enumerate(matrix):
        x = 0
        while x < len(row):
            if row[x]:
                start = x
                while x < len(row) and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return "".join(parts)


def qr_svg(url: str, label: str = "") -> str:
    """Just the code, as SVG scaled to its box (for printed cards that link to a live page)."""
    matrix = qr_matrix(url)
    size = len(matrix)
    name = escape(label or url, {'"': "&quot;"})
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" role="img" '
        f'aria-label="{name}"><rect width="{size}" height="{size}" fill="#fff"/>'
        f'<path d="{_modules_path(matrix)}" fill="#000" shape-rendering="crispEdges"/></svg>'
    )


def label_svg(url: str, code: str, name_zh: str, name_en: str) -> str:
    """A label as SVG, 1 unit per module; text sits under the code inside the label."""
    matrix = qr_matrix(url)
    size = len(matrix)
    text_height = size * 0.42
    height = size + text_height
    font = "'Noto Sans CJK SC','Noto Sans SC','PingFang SC','Microsoft YaHei',sans-serif"
    lines = [
        (size + text_height * 0.22, size * 0.085, 700, code),
        (size + text_height * 0.52, size * 0.075, 600, name_zh),
        (size + text_height * 0.78, size * 0.055, 400, name_en),
    ]
    texts = "".join(
        f'<text x="{size / 2:.2f}" y="{y:.2f}" font-size="{fs:.2f}" font-weight="{weight}" '
        f'text-anchor="middle" font-family="{font}">{escape(text)}</text>'
        for y, fs, weight, text in lines
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height:.2f}" '
        f'role="img" aria-label="{escape(code)}">'
        f'<rect width="{size}" height="{height:.2f}" fill="#fff"/>'
        f'<path d="{_modules_path(matrix)}" fill="#000" shape-rendering="crispEdges"/>'
        f"{texts}</svg>"
    )


def label_png(url: str, code: str, name_zh: str, name_en: str, module_px: int = 10) -> bytes:
    """A label as PNG: the code at `module_px` pixels per module, with the text drawn under it."""
    matrix = qr_matrix(url)
    size = len(matrix) * module_px
    image = Image.new("L", (size, int(size * 1.42)), 255)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                draw.rectangle((x * module_px, y * module_px, (x + 1) * module_px - 1,
                                (y + 1) * module_px - 1), fill=0)
    y = size
    for text, scale in ((code, 0.085), (name_zh, 0.075), (name_en, 0.055)):
        font_size = max(10, int(size * scale))
        font = cjk_font(font_size)
        width = draw.textlength(text, font=font)
        if width > size * 0.96:  # long names shrink to fit the label
            font_size = int(font_size * size * 0.96 / width)
            font = cjk_font(font_size)
            width = draw.textlength(text, font=font)
        draw.text(((size - width) / 2, y), text, font=font, fill=0)
        y += int(font_size * 1.35)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
