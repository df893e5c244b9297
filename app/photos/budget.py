"""What a photo may cost to decode, judged before a pixel is decoded: limits per upload (memory
and CPU) and per request (work, counted in pixels, shared by all its photos).

Aim: no upload takes a worker more than about 200 MB above its idle size or about 1 s of CPU
before it is refused; bench/hostile_photos.py measures it. The estimate below covers the
decoders and the copies made to get an RGB picture of the stamped size; the rest of the
200 MB is the upload itself (up to 25 MB) and the stamped JPEGs (about 25 MB)."""

from dataclasses import dataclass

from app.photos.declared import Declared

MAX_BYTES = 25 * 1024 * 1024
# A 48-megapixel phone photo (8064 × 6048) still fits; a decompression bomb does not.
MAX_PIXELS = 50_000_000
# JPEGs are decoded at 1/2, 1/4 or 1/8 scale (draft) and stay cheap up to MAX_PIXELS; PNG and
# WebP are decoded whole, at up to 120 ns a pixel with the shrinking: a 4K screenshot as PNG
# took 0.74 to 1.01 s of CPU. 3000 × 2000 (a tablet's screenshot, 2732 × 2048, fits) keeps to
# about 0.75 s.
MAX_FULL_DECODE_PIXELS = 3000 * 2000
# A JPEG of several scans (progressive) is entropy-decoded at full size, and held whole (see
# Declared.coefficient_bytes): 20 megapixels took 0.88 s, 12 about 0.6 s.
MAX_MULTI_SCAN_PIXELS = 16_000_000
# The decoders' memory and the copies made on the way to RGB (see `decode_cost`).
MAX_DECODE_BYTES = 100 * 1024 * 1024
# PNG chunks, WebP chunks or JPEG segments before the first scan: real photos have tens, and
# Pillow reads each one in Python (a million empty ones cost it 6 s).
MAX_PARTS = 10_000
# Scans of a progressive JPEG: libjpeg writes 10 for a colour photo, 18 for CMYK. It passes over
# every block of a scan's components even when the scan holds no data, so the blocks summed over
# the scans are capped too: a progressive colour photo passes over each block 5 to 6 times, 2
# million passes at 16 megapixels.
MAX_SCANS = 64
MAX_BLOCK_VISITS = 8_000_000
# Text chunks, colour profiles and XMP as a decoder holds them (inflated), and EXIF: no camera
# writes more EXIF than a JPEG segment holds (64 KB), and Pillow parses it in Python.
MAX_METADATA_BYTES = 1024 * 1024
MAX_EXIF_BYTES = 64 * 1024
# Baseline, extended and progressive Huffman JPEGs: what cameras and phones write. Lossless,
# hierarchical and arithmetic-coded ones are refused as formats.
JPEG_FRAMES = (0xC0, 0xC1, 0xC2)
# The decoding work all the photos of one request may take, in decoded pixels, plus half a
# pixel for each byte uploaded (libjpeg reads every byte of a 50-megapixel JPEG even to decode it
# at a quarter) and a million for each photo (stamping, encoding and storing it). About fourteen
# 12-megapixel phone photos of 3 MB (decoded at half size), and 4 to 6 s of one core whatever
# the photos; beyond it a form's photos are refused and the person sends them again.
REQUEST_PIXELS = 80_000_000
UPLOAD_BYTES_PER_PIXEL = 2
PHOTO_PIXELS = 1_000_000

ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


@dataclass(frozen=True)
class Cost:
    """What one photo takes: peak memory in bytes while decoding it, and work in pixels (see
    REQUEST_PIXELS)."""

    memory: int
    work: int


class RequestBudget:
    """The work one request may still spend on its photos, in pixels; shared by all of them."""

    def __init__(self, pixels: int | None = None):
        self.left = REQUEST_PIXELS if pixels is None else pixels

    def spend(self, pixels: int) -> bool:
        """Take `pixels` from what is left; False (and nothing taken) if they do not fit."""
        if pixels > self.left:
            return False
        self.left -= pixels
        return True


def declared_refusal(declared: Declared, max_pixels: int = MAX_PIXELS) -> str | None:
    """The reason to refuse an upload from what it declares, or None to go on."""
    if (declared.parts > MAX_PARTS or declared.metadata_bytes > MAX_METADATA_BYTES
            or declared.exif_bytes > MAX_EXIF_BYTES):
        return "too_costly"
    if declared.frames > 1:
        return "animated"
    if declared.format == "JPEG" and (declared.frame_marker not in JPEG_FRAMES
                                      or declared.precision != 8
                                      or len(declared.sampling) not in (1, 3, 4)):
        return "unsupported_format"
    if not declared.pixels:
        return "truncated"
    if declared.pixels > max_pixels:
        return "too_many_pixels"
    if declared.format == "JPEG":
        if (len(declared.scans) > MAX_SCANS or declared.block_visits > MAX_BLOCK_VISITS
                or (len(declared.scans) > 1 and declared.pixels > MAX_MULTI_SCAN_PIXELS)):
            return "too_costly"
    elif declared.pixels > MAX_FULL_DECODE_PIXELS:
        return "too_costly"
    return None


def decode_cost(declared: Declared, mode: str, size: tuple[int, int],
                target: tuple[int, int], transparent: bool, upload_bytes: int) -> Cost:
    """What decoding takes: `size` is what the decoder makes (a JPEG's draft size), in `mode`;
    `target` the size it is shrunk to. The memory is an upper bound: the stages are added, not
    overlapped."""
    width, height = size
    pixels = width * height
    # libwebp's canvas and Pillow's copy of the frame; libjpeg's coefficients (several scans)
    decoder = 8 * pixels if declared.format == "WEBP" else declared.coefficient_bytes
    memory = decoder + pixels * (_stored_bytes(mode) + _conversion_bytes(mode, transparent))
    memory += 4 * _resize_pixels(size, target)
    # A JPEG of several scans is entropy-decoded at full size, whatever its draft size.
    decoded = pixels + (declared.pixels if declared.coefficient_bytes else 0)
    work = decoded + upload_bytes // UPLOAD_BYTES_PER_PIXEL + PHOTO_PIXELS
    return Cost(memory=memory, work=work)


def _stored_bytes(mode: str) -> int:
    """Bytes Pillow keeps for a pixel of `mode`."""
    if mode in ("1", "L", "P"):
        return 1
    if mode.startswith("I;16"):
        return 2
    return 4


def _conversion_bytes(mode: str, transparent: bool) -> int:
    """The bytes a pixel of the copies pipeline._to_rgb makes, at their peak (kept in step)."""
    if mode == "RGB" and not transparent:
        return 0
    if mode == "RGBA":
        flatten = 5  # a white RGB picture and the alpha band
    elif mode in ALPHA_MODES or transparent:
        flatten = 9  # an RGBA copy besides
    else:
        flatten = 4  # one RGB copy
    if mode in ("I", "F") or mode.startswith("I;16"):
        return max(8, 1 + flatten)  # two 32-bit copies, then an 8-bit grey one
    return flatten


def _resize_pixels(size: tuple[int, int], target: tuple[int, int]) -> int:
    """Pixels Pillow holds on the way from `size` to `target` (RGB, 4 bytes each): a box
    reduction by whole factors where the image is three times larger or more, then the
    horizontal pass of the resampling."""
    if size == target:
        return 0
    across = max(1, size[0] // (3 * target[0]))
    down = max(1, size[1] // (3 * target[1]))
    reduced = -(-size[0] // across) * -(-size[1] // down) if across * down > 1 else 0
    return reduced + target[0] * -(-size[1] // down)
