"""The photo pipeline: check an upload, then make it upright, small, stripped and watermarked."""

import hashlib
import io
import math
import struct
from dataclasses import dataclass
from datetime import datetime

from PIL import Image, ImageDraw

from app.common.fonts import find_cjk_font, load_font
from app.photos import declared as declarations
from app.photos.budget import (
    ALPHA_MODES,
    MAX_BYTES,
    MAX_DECODE_BYTES,
    MAX_METADATA_BYTES,
    MAX_PARTS,
    MAX_PIXELS,
    MAX_SCANS,
    RequestBudget,
    declared_refusal,
    decode_cost,
)
from app.photos.declared import Declared

REASONS = ("empty", "too_large", "not_an_image", "unsupported_format", "heif", "truncated",
           "too_many_pixels", "too_costly", "animated", "over_request_budget")
# Phones that store a depth map or a preview alongside the photo write MPO: a JPEG whose first
# frame is the photo. Pillow opens those as "MPO" even when asked for JPEG only.
ACCEPTED = ("JPEG", "PNG", "WEBP")
JPEG_FORMATS = ("JPEG", "MPO")
# What Pillow's readers and decoders raise on a cut or damaged file.
DECODING_ERRORS = (OSError, SyntaxError, ValueError, EOFError, struct.error)
# ISO media files that are HEIC/HEIF pictures (an iPhone's own format) or AVIF ones: pictures,
# so the refusal says "format", not "not an image".
HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}
AVIF_BRANDS = {b"avif", b"avis"}
# Other picture formats, known by their first bytes rather than by asking Pillow's readers: some
# of those loop in Python over every line or block of a file (20 MB of EPS cost 37 s).
OTHER_PICTURES = (
    b"GIF87a", b"GIF89a",
    b"II*\0", b"MM\0*",  # TIFF, and the camera raw files built on it
    b"\0\0\1\0",  # ICO
    b"8BPS",  # Photoshop
    b"\xff\x0a", b"\0\0\0\x0cJXL \r\n\x87\n",  # JPEG XL
    b"\0\0\0\x0cjP  \r\n\x87\n", b"\xff\x4f\xff\x51",  # JPEG 2000
)
BMP_HEADER_SIZES = (12, 40, 52, 56, 64, 108, 124)

# A JPEG may be decoded at 1/2, 1/4 or 1/8 scale down to 95 % of the size wanted, then enlarged
# to it: a 4032-pixel photo decoded at half scale and enlarged 1.6 % to 2048 looks the same as a
# full decode shrunk (PSNR 45 dB between the two) in half the time and a quarter of the memory.
DRAFT_SLACK = 0.95
QUALITY = 80
THUMB_QUALITY = 75
FONT_SHARE = 0.03  # of the shorter side: legible on a phone screen, small on a monitor
MIN_FONT_SIZE = 10
BAND_DARKNESS = 0.55  # the band is black at 55 % opacity over the photo
SEPARATOR = " · "

EXIF_IFD = 0x8769
ORIENTATION = 0x0112
DATE_TIME = 0x0132
DATE_TIME_ORIGINAL = 0x9003
TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

class PhotoRejected(Exception):
    """An upload the pipeline refuses; `reason` (one of REASONS) says why, for the caller to word.
    """

    def __init__(self, reason: str):
        if reason not in REASONS:
            raise ValueError(f"unknown refusal reason: {reason!r}")
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Watermark:
    """What is stamped on a photo: where, when (already in local time) and by whom."""

    location_code: str
    local_time: str
    inspector: str

    def text(self) -> str:
        parts = (self.location_code, self.local_time, self.inspector)
        # Newlines or runs of spaces in a name must not break the one-line stamp.
        return SEPARATOR.join(" ".join(str(p).split()) for p in parts if str(p).strip())


@dataclass(frozen=True)
class ProcessedPhoto:
    """A photo ready to store: the stamped image, its thumbnail and what was read from it."""

    image: bytes
    thumbnail: bytes
    width: int
    height: int
    taken_at: datetime | None  # naive, the camera's own clock
    sha256: str
    thumb_sha256: str
    stored_size: int | None = None  # when `image` is not at hand (already stored)
    # A photo marked on the phone carries the untouched photo it was drawn on, processed alike.
    original: "ProcessedPhoto | None" = None

    @property
    def size_bytes(self) -> int:
        return len(self.image) if self.image else (self.stored_size or 0)


def process(data: bytes, watermark: Watermark, *, budget: RequestBudget | None = None,
            max_side: int = 2048, thumb_side: int = 320, max_bytes: int = MAX_BYTES,
            max_pixels: int = MAX_PIXELS, font_path: str | None = None) -> ProcessedPhoto:
    """Check, decode, straighten, shrink, strip and watermark one uploaded photo.

    Raises PhotoRejected before decoding anything it can refuse from the size, the structure or
    the header; `budget` is the request's, shared by all its photos (one photo's own if None).
    """
    if not data:
        raise PhotoRejected("empty")
    if len(data) > max_bytes:
        raise PhotoRejected("too_large")
    declared = _declared(data, max_pixels)
    image = _open(data, max_pixels, declared)
    size = _fitted(image.size, max_side)
    _plan(image, declared, size, len(data), budget if budget is not None else RequestBudget())
    _load(image)
    orientation, taken_at = _read_exif(image)
    # Rebinding `image` at each step lets the decoded pixels (most of the memory) go early.
    image = _to_rgb(image)
    image = _resized(image, size)
    if orientation in TRANSPOSE:  # after resizing: turning a small image is cheaper
        image = image.transpose(TRANSPOSE[orientation])
    # Nothing of the upload's metadata travels on: no EXIF, GPS, XMP, ICC or comments.
    image.info = {}
    thumbnail = _resized(image, _fitted(image.size, thumb_side))
    if thumbnail is image:  # the stamp is drawn in place, and only on the image
        thumbnail = image.copy()
    _stamp(image, watermark, font_path if font_path is not None else find_cjk_font())
    image_bytes = _jpeg(image, QUALITY)
    thumb_bytes = _jpeg(thumbnail, THUMB_QUALITY)
    return ProcessedPhoto(
        image=image_bytes, thumbnail=thumb_bytes, width=image.width, height=image.height,
        taken_at=taken_at, sha256=hashlib.sha256(image_bytes).hexdigest(),
        thumb_sha256=hashlib.sha256(thumb_bytes).hexdigest())


def _declared(data: bytes, max_pixels: int) -> Declared:
    """What the upload declares, once it passes the limits on what it declares."""
    try:
        declared = declarations.read(data, max_parts=MAX_PARTS, max_scans=MAX_SCANS,
                                     max_metadata=MAX_METADATA_BYTES)
    except declarations.Malformed:  # an accepted format, broken before its size
        raise PhotoRejected("truncated") from None
    if declared is None:
        raise PhotoRejected(_unreadable_reason(data))
    reason = declared_refusal(declared, max_pixels)
    if reason:
        raise PhotoRejected(reason)
    return declared


def _open(data: bytes, max_pixels: int, declared: Declared) -> Image.Image:
    """The image with only its header read, once Pillow's reading of it agrees with ours."""
    try:
        image = Image.open(io.BytesIO(data), formats=ACCEPTED)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRejected("too_many_pixels") from None
    except DECODING_ERRORS:  # UnidentifiedImageError, or a header cut short
        raise PhotoRejected(_unreadable_reason(data)) from None
    if image.format not in ACCEPTED + JPEG_FORMATS:
        raise PhotoRejected("unsupported_format")
    limit = max_pixels
    if Image.MAX_IMAGE_PIXELS:  # Pillow only warns below twice its limit; here it refuses
        limit = min(limit, Image.MAX_IMAGE_PIXELS)
    if image.width * image.height > limit:
        raise PhotoRejected("too_many_pixels")
    if image.size != (declared.width, declared.height):  # a file that reads two ways
        raise PhotoRejected("truncated")
    return image


def _unreadable_reason(data: bytes) -> str:
    """Why data that no accepted decoder could open is refused, from its first bytes."""
    if (data.startswith((b"\xff\xd8\xff", declarations.PNG_SIGNATURE))
            or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")):
        return "truncated"  # an accepted format, cut short before its header ended
    if data[4:8] == b"ftyp":
        brands = {data[i:i + 4] for i in range(8, min(len(data), 64), 4)}
        if brands & AVIF_BRANDS:
            return "unsupported_format"
        if brands & HEIF_BRANDS:
            return "heif"
    if data.startswith(OTHER_PICTURES) or (
            data[:2] == b"BM" and int.from_bytes(data[14:18], "little") in BMP_HEADER_SIZES):
        return "unsupported_format"
    return "not_an_image"


def _plan(image: Image.Image, declared: Declared, size: tuple[int, int], upload_bytes: int,
          budget: RequestBudget) -> None:
    """Set the decoding scale, then refuse what would cost too much to decode at it: on its
    own, or with the request's other photos."""
    if image.format in JPEG_FORMATS:
        # The decoder picks the smallest scale that keeps both sides at least as large as asked.
        image.draft(None, (math.ceil(size[0] * DRAFT_SLACK), math.ceil(size[1] * DRAFT_SLACK)))
    cost = decode_cost(declared, image.mode, image.size, size, "transparency" in image.info,
                       upload_bytes)
    if cost.memory > MAX_DECODE_BYTES:
        raise PhotoRejected("too_costly")
    if not budget.spend(cost.work):
        raise PhotoRejected("over_request_budget")


def _load(image: Image.Image) -> None:
    """Decode the pixels (a JPEG at the scale `_plan` set)."""
    try:
        image.load()
    except DECODING_ERRORS:
        # Cut off or damaged; never padded out (Pillow's LOAD_TRUNCATED_IMAGES stays off).
        raise PhotoRejected("truncated") from None


def _read_exif(image: Image.Image) -> tuple[int | None, datetime | None]:
    """The EXIF orientation and capture time, each None when absent or unreadable."""
    try:
        exif = image.getexif()
        orientation = exif.get(ORIENTATION)
        candidates = (exif.get_ifd(EXIF_IFD).get(DATE_TIME_ORIGINAL), exif.get(DATE_TIME))
    except Exception:  # damaged EXIF costs the photo its metadata, not its upload
        return None, None
    taken_at = next(filter(None, map(_exif_datetime, candidates)), None)
    return (orientation if isinstance(orientation, int) else None), taken_at


def _exif_datetime(value) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    text = value.strip("\x00 ")[:19]
    for pattern in ("%Y:%m:%d %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None  # "0000:00:00 00:00:00" and other placeholders cameras write


def _to_rgb(image: Image.Image) -> Image.Image:
    """The image in RGB; transparency is laid on white, as it shows on a page.

    budget.decode_cost counts the copies made here: change them together."""
    if image.mode == "RGB" and "transparency" not in image.info:
        return image
    if image.mode in ("I", "F") or image.mode.startswith("I;16"):
        image = image.convert("I").point(lambda v: v / 256).convert("L")  # 16-bit grey
    if image.mode in ALPHA_MODES or "transparency" in image.info:
        rgba = image if image.mode == "RGBA" else image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, "white")
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    return image.convert("RGB")


def _fitted(size: tuple[int, int], side: int) -> tuple[int, int]:
    """`size` scaled so that its longest side is at most `side` (never enlarged)."""
    width, height = size
    longest = max(width, height)
    if longest <= side:
        return size
    return max(1, round(width * side / longest)), max(1, round(height * side / longest))


def _resized(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    if image.size == size:
        return image
    # A box reduction first, then LANCZOS over the last factor of three: fast, and no visible loss.
    return image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)


def _stamp(image: Image.Image, watermark: Watermark, font_path: str | None) -> None:
    """Draw the white text on a dark, see-through band along the bottom, in place."""
    shorter = min(image.size)
    size = max(MIN_FONT_SIZE, round(shorter * FONT_SHARE))
    text = watermark.text()
    margin = max(2, size // 2)
    room = image.width - 2 * margin
    font = load_font(font_path, size)
    lines = [text]
    if font.getlength(text) > room:  # too long for one line: one part per line
        lines = text.split(SEPARATOR)
    widest = max(font.getlength(line) for line in lines)
    if widest > room and size > MIN_FONT_SIZE:  # still too long: smaller, down to the minimum
        size = max(MIN_FONT_SIZE, int(size * room / widest))
        font = load_font(font_path, size)
    ascent, descent = font.getmetrics()
    line_height = ascent + descent
    pad = max(2, size // 3)
    band_height = min(image.height, len(lines) * line_height + 2 * pad)
    box = (0, image.height - band_height, image.width, image.height)
    band = image.crop(box).point(lambda v: round(v * (1 - BAND_DARKNESS)))
    draw = ImageDraw.Draw(band)
    for i, line in enumerate(lines):
        draw.text((margin, pad + i * line_height), line, font=font, fill=(255, 255, 255))
    image.paste(band, box)


def _jpeg(image: Image.Image, quality: int) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True, progressive=True)
    return buffer.getvalue()
