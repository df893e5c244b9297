"""What a JPEG, PNG or WebP upload declares about itself, read from its structure without
decoding a pixel: size, frames, scans, parts and metadata.

Plain Python over the bytes, no Pillow: Pillow's header readers loop in Python over every PNG
chunk, JPEG segment or stray byte before the pixels, so a file of a million empty ones costs it
seconds (and hundreds of MB) before it even knows the size. Each walk here stops one step past
its limit, so that it costs little whatever the file holds."""

import re
import struct
import zlib
from dataclasses import dataclass, field

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# The frame (SOF) markers, as Pillow reads them: 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) share the
# range but are not; 0xDE (DHP) is taken for one.
JPEG_FRAMES = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC} | {0xDE}
# Markers Pillow's reader steps over without a length.
JPEG_BARE = frozenset({0xC8, *range(0xD0, 0xDA), *range(0xF0, 0xFE)})
# A marker in a JPEG's entropy-coded data: 0xFF then neither a stuffed 0x00, a restart marker
# (which sits inside a scan) nor a fill byte.
JPEG_MARKER = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")
PNG_TEXT = frozenset({b"tEXt", b"zTXt", b"iTXt", b"iCCP", b"eXIf"})
WEBP_METADATA = frozenset({b"EXIF", b"XMP ", b"ICCP"})


class Malformed(Exception):
    """The file stops or goes wrong before it has said how large it is."""


@dataclass
class Declared:
    """What one upload says about itself. Counts stop one past the limits they were read with."""

    format: str  # "JPEG", "PNG" or "WEBP"
    width: int = 0
    height: int = 0
    # Chunks (PNG, WebP), or segments and stray bytes before the first scan (JPEG): the steps
    # Pillow's header reader takes one by one.
    parts: int = 0
    frames: int = 1  # an animation's frames (APNG, animated WebP)
    # Text, colour profiles and EXIF as a decoder holds them: compressed chunks inflated.
    metadata_bytes: int = 0
    exif_bytes: int = 0
    # JPEG only.
    frame_marker: int | None = None  # 0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...
    precision: int = 8
    sampling: dict[int, tuple[int, int]] = field(default_factory=dict)  # id: (h, v) factors
    scans: list[tuple[int, ...]] = field(default_factory=list)  # each scan's component ids

    @property
    def pixels(self) -> int:
        return self.width * self.height

    def blocks(self, component: int) -> int:
        """The 8×8 blocks a JPEG component is coded in, as libjpeg allocates them (whole MCUs).
        """
        h, v = self.sampling[component]
        h_max = max(f[0] for f in self.sampling.values())
        v_max = max(f[1] for f in self.sampling.values())
        across = -(-self.width * h // (h_max * 8))
        down = -(-self.height * v // (v_max * 8))
        return -(-across // h) * h * -(-down // v) * v

    @property
    def coefficient_bytes(self) -> int:
        """What libjpeg holds to decode a JPEG of several scans (progressive, or one scan per
        component): every coefficient of the full-size image, 64 × 2 bytes a block. A JPEG of
        one scan is decoded a row of blocks at a time and holds next to nothing."""
        if len(self.scans) <= 1:
            return 0
        return sum(self.blocks(c) for c in self.sampling) * 128

    @property
    def block_visits(self) -> int:
        """Blocks summed over the scans: libjpeg passes over each block of a scan's components
        once per scan, even a scan with no data, so this measures a JPEG's entropy decoding."""
        return sum(self.blocks(c) for scan in self.scans for c in scan if c in self.sampling)


def read(data: bytes, *, max_parts: int, max_scans: int, max_metadata: int) -> Declared | None:
    """What `data` declares, or None if it is no JPEG, PNG or WebP by its first bytes.

    Raises Malformed when it breaks off before its size."""
    if data.startswith(b"\xff\xd8\xff"):
        return _jpeg(data, max_parts, max_scans)
    if data.startswith(PNG_SIGNATURE):
        return _png(data, max_parts, max_metadata)
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return _webp(data, max_parts)
    return None


def _jpeg(data: bytes, max_parts: int, max_scans: int) -> Declared:
    declared = Declared("JPEG")
    at = 2
    while True:  # segments up to the first scan, a step at a time as Pillow's reader takes them
        if declared.parts > max_parts:
            return declared
        if at + 1 >= len(data):
            raise Malformed("no scan")
        declared.parts += 1
        if data[at] != 0xFF:  # junk, skipped a byte at a time
            junk = data.find(b"\xff", at)
            junk = len(data) if junk < 0 else junk
            declared.parts += junk - at - 1
            at = junk
            continue
        marker = data[at + 1]
        if marker in (0x00, 0xFF):  # an escaped 0xFF, or a fill byte
            at += 2 if marker == 0x00 else 1
            continue
        if marker < 0xC0:
            raise Malformed("no marker")
        if marker in JPEG_BARE:
            at += 2
            continue
        if at + 4 > len(data):
            raise Malformed("cut in a segment length")
        end = at + 2 + int.from_bytes(data[at + 2:at + 4], "big")
        if end > len(data):
            raise Malformed("cut in a segment")
        if marker in JPEG_FRAMES:
            _jpeg_frame(declared, marker, data[at + 4:end])
        elif marker == 0xDA:
            declared.scans.append(_jpeg_scan(data[at + 4:end]))
            break
        at = end
    if not declared.sampling:
        raise Malformed("a scan before the frame header")
    _jpeg_more_scans(declared, data, end, max_parts, max_scans)
    return declared


def _jpeg_frame(declared: Declared, marker: int, body: bytes) -> None:
    if len(body) < 6:
        raise Malformed("short frame header")
    declared.frame_marker = marker
    declared.sampling = {}  # a second frame header replaces the first, for Pillow
    declared.precision = body[0]
    declared.height, declared.width = struct.unpack_from(">HH", body, 1)
    count = body[5]
    if len(body) < 6 + 3 * count:
        raise Malformed("short frame header")
    for i in range(count):
        ident, factors = body[6 + 3 * i], body[7 + 3 * i]
        declared.sampling[ident] = (max(1, factors >> 4), max(1, factors & 0x0F))


def _jpeg_scan(body: bytes) -> tuple[int, ...]:
    count = body[0] if body else 0
    return tuple(body[1 + 2 * i] for i in range(count) if 1 + 2 * i < len(body))


def _jpeg_more_scans(declared: Declared, data: bytes, at: int, max_parts: int,
                     max_scans: int) -> None:
    """The scans after the first, up to the end of the first image (an MPO's other pictures
    follow it and are never decoded); tables and comments between scans are skipped whole."""
    steps = 0
    while len(declared.scans) <= max_scans and steps <= max_parts:
        found = JPEG_MARKER.search(data, at)
        if found is None:  # cut short: the decoder will say so
            return
        at = found.start()
        marker = data[at + 1]
        steps += 1
        if marker == 0xD9:  # end of image
            return
        if marker == 0x01 or marker == 0xD8 or at + 4 > len(data):
            at += 2
            continue
        end = at + 2 + int.from_bytes(data[at + 2:at + 4], "big")
        if marker == 0xDA:
            declared.scans.append(_jpeg_scan(data[at + 4:end]))
        at = end


def _png(data: bytes, max_parts: int, max_metadata: int) -> Declared:
    declared = Declared("PNG")
    at = len(PNG_SIGNATURE)
    while at + 8 <= len(data) and declared.parts <= max_parts:
        length, kind = struct.unpack_from(">I4s", data, at)
        body, end = at + 8, at + 12 + length
        if end > len(data):
            break  # cut short: the decoder will say so
        declared.parts += 1
        if kind == b"IHDR" and length >= 8:
            declared.width, declared.height = struct.unpack_from(">II", data, body)
        elif kind == b"acTL" and length >= 8:
            declared.frames = struct.unpack_from(">I", data, body)[0]
        elif kind in PNG_TEXT:
            room = max_metadata - declared.metadata_bytes + 1
            size = _png_text_size(kind, data[body:body + length], room)
            declared.metadata_bytes += size
            if kind == b"eXIf":
                declared.exif_bytes += size
            if declared.metadata_bytes > max_metadata:
                break
        elif kind == b"IEND":
            break
        at = end
    if not declared.width:
        raise Malformed("no image header")
    return declared


def _png_text_size(kind: bytes, body: bytes, room: int) -> int:
    """The bytes a text, profile or EXIF chunk takes once inflated, counted up to `room`."""
    if kind in (b"tEXt", b"eXIf"):
        return len(body)
    _keyword, _, rest = body.partition(b"\0")
    if kind == b"iTXt":
        if len(rest) < 2 or rest[0] == 0:  # not compressed
            return len(body)
        # compression flag and method, then the language tag and the translated keyword
        _lang, _, rest = rest[2:].partition(b"\0")
        _translated, _, compressed = rest.partition(b"\0")
    else:  # zTXt and iCCP: a compression method byte, then the stream
        compressed = rest[1:]
    try:
        return len(zlib.decompressobj().decompress(compressed, room))
    except zlib.error:
        return len(body)  # unreadable text: Pillow drops it


def _webp(data: bytes, max_parts: int) -> Declared:
    declared = Declared("WEBP")
    at, frames = 12, 0
    while at + 8 <= len(data) and declared.parts <= max_parts:
        kind, length = data[at:at + 4], int.from_bytes(data[at + 4:at + 8], "little")
        declared.parts += 1
        if declared.parts == 1:
            _webp_size(declared, kind, data[at + 8:at + 18])
        elif kind == b"ANMF":
            frames += 1
        if kind in WEBP_METADATA:
            declared.metadata_bytes += length
            if kind == b"EXIF":
                declared.exif_bytes += length
        at += 8 + length + (length & 1)
    declared.frames = max(1, frames)
    if not declared.width:
        raise Malformed("no image header")
    return declared


def _webp_size(declared: Declared, kind: bytes, body: bytes) -> None:
    """The canvas size from the first chunk (the same three forms Pillow and libwebp read)."""
    if kind == b"VP8 " and len(body) >= 10 and body[3:6] == b"\x9d\x01\x2a":
        declared.width = int.from_bytes(body[6:8], "little") & 0x3FFF
        declared.height = int.from_bytes(body[8:10], "little") & 0x3FFF
    elif kind == b"VP8L" and len(body) >= 5 and body[0] == 0x2F:
        bits = int.from_bytes(body[1:5], "little")
        declared.width, declared.height = (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    elif kind == b"VP8X" and len(body) >= 10:
        declared.width = int.from_bytes(body[4:7], "little") + 1
        declared.height = int.from_bytes(body[7:10], "little") + 1
