"""Hostile and awkward uploads, made on the fly: pixel and decompression bombs, floods of parts,
cut and damaged files of each accepted format, unusual colour modes, huge EXIF and every EXIF
orientation. Each specimen says what the pipeline must do with it: store it, or refuse it with a
given reason. Used by the tests of both upload paths and by bench/hostile_photos.py."""

import functools
import io
import random
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image

GREY = (200, 200, 200)
RED = (220, 20, 20)


@dataclass
class Specimen:
    """One upload and what must become of it: "stored", or the reason it is refused with."""

    name: str
    make: Callable[[], bytes]
    expect: str
    upright: bool = False  # stored with its red corner at the top left, whatever its EXIF says

    @functools.cached_property
    def data(self) -> bytes:
        return self.make()

    @property
    def refused(self) -> bool:
        return self.expect != "stored"


def marked(width=400, height=300, mode="RGB") -> Image.Image:
    """A grey picture with a red block in its top-left quarter, to see which way is up."""
    image = Image.new("RGB", (width, height), GREY)
    image.paste(RED, (0, 0, width // 4, height // 4))
    return image.convert(mode)


def encode(image: Image.Image, format="JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def noisy(width=400, height=300) -> Image.Image:
    """A picture that compresses badly, so that its files are long enough to cut and damage;
    the same every time, so that a damaged file always fails (or not) the same way."""
    grain = Image.frombytes("L", (width, height), random.Random(7).randbytes(width * height))
    return Image.blend(marked(width, height), grain.convert("RGB"), 0.3)


# --- EXIF ---------------------------------------------------------------------------------------

def exif_bytes(orientation: int | None = None, padding: int = 0) -> bytes:
    """EXIF (without the "Exif" prefix) with an orientation and `padding` bytes of maker note."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    if orientation:
        exif[0x0112] = orientation
    if padding:
        exif[0x927C] = b"\0" * padding  # MakerNote
    return exif.tobytes()


def stored_as(upright: Image.Image, orientation: int) -> Image.Image:
    """How a camera stores `upright` when it writes `orientation` rather than turning pixels."""
    undo = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_270}
    return upright.transpose(undo[orientation]) if orientation in undo else upright


def oriented_jpeg(orientation: int) -> bytes:
    return encode(stored_as(marked(), orientation), quality=90,
                  exif=exif_bytes(orientation))


# --- PNG ----------------------------------------------------------------------------------------

def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_with(chunks: bytes, *, after_pixels=False, image: Image.Image | None = None) -> bytes:
    """A small PNG with `chunks` put after its header (or after its pixels)."""
    data = encode(image or marked(), "PNG")
    at = len(data) - 12 if after_pixels else 33  # before IEND, or after the signature and IHDR
    return data[:at] + chunks + data[at:]


@functools.cache
def inflating_to(size: int) -> bytes:
    return zlib.compress(b"A" * size, 9)


def compressed_text(kind: bytes, size: int) -> bytes:
    """A text (or profile) chunk of a few KB that inflates to `size` bytes."""
    stream = inflating_to(size)
    if kind == b"iTXt":  # keyword, compressed flag and method, language, translated keyword
        return png_chunk(kind, b"Comment\0\1\0en\0\0" + stream)
    return png_chunk(kind, b"Comment\0\0" + stream)


def png_sized(width: int, height: int) -> bytes:
    """A small PNG whose header claims another size."""
    data = encode(marked(40, 30), "PNG")
    header = struct.pack(">II", width, height) + data[24:29]
    return data[:8] + png_chunk(b"IHDR", header) + data[33:]


def png_idat_in_pieces(piece: int) -> bytes:
    """A noisy PNG whose image data is split into chunks of `piece` bytes."""
    data = encode(noisy(200, 150), "PNG", compress_level=1)
    start = data.index(b"IDAT") - 4
    stream = b""
    at = start
    while data[at + 4:at + 8] == b"IDAT":
        length = struct.unpack(">I", data[at:at + 4])[0]
        stream += data[at + 8:at + 8 + length]
        at += 12 + length
    pieces = b"".join(png_chunk(b"IDAT", stream[i:i + piece])
                      for i in range(0, len(stream), piece))
    return data[:start] + pieces + data[at:]


def apng() -> bytes:
    return encode(marked(), "PNG", save_all=True, append_images=[marked().rotate(180)])


def png_mode(mode: str, **params) -> bytes:
    if mode == "I;16":
        return encode(Image.new("I;16", (400, 300), 0x8000), "PNG", **params)
    if mode == "RGBA;16":  # 16 bits a channel, built from raw rows (Pillow writes 8)
        row = b"\0" + struct.pack(">HHHH", 0xDC00, 0x1400, 0x1400, 0xFFFF) * 400
        return (b"\x89PNG\r\n\x1a\n"
                + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 400, 300, 16, 6, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(row * 300)) + png_chunk(b"IEND", b""))
    if mode == "P+transparency":
        image = marked(mode="P")
        return encode(image, "PNG", transparency=image.getpixel((399, 299)))
    return encode(marked(mode=mode), "PNG", **params)


def png_exif(orientation: int, padding: int = 0) -> bytes:
    image = stored_as(marked(), orientation)
    return png_with(png_chunk(b"eXIf", exif_bytes(orientation, padding)), image=image)


# --- JPEG ---------------------------------------------------------------------------------------

def jpeg_segments(data: bytes) -> list[tuple[int, int, int]]:
    """(marker, start, end) of each segment up to and with the first scan's header."""
    segments, at = [], 2
    while True:
        marker = data[at + 1]
        end = at + 2 + struct.unpack(">H", data[at + 2:at + 4])[0]
        segments.append((marker, at, end))
        if marker == 0xDA:
            return segments
        at = end


def jpeg_sized(data: bytes, width: int, height: int) -> bytes:
    """The JPEG with its frame header claiming another size (the scans stay as they were)."""
    for marker, start, _end in jpeg_segments(data):
        if 0xC0 <= marker <= 0xC2:
            return (data[:start + 5] + struct.pack(">HH", height, width) + data[start + 9:])
    raise ValueError("no frame header")


def jpeg_after_header(data: bytes, insert: bytes) -> bytes:
    return data[:2] + insert + data[2:]


def first_scan_end(data: bytes) -> int:
    """Where the first scan's entropy-coded data ends (at the next marker)."""
    at = jpeg_segments(data)[-1][2]
    while True:
        at = data.index(b"\xff", at)
        if data[at + 1] != 0 and not 0xD0 <= data[at + 1] <= 0xD7:
            return at
        at += 2


def progressive_with_empty_scans(count: int, width=400, height=300, *, components=1) -> bytes:
    """A progressive JPEG whose first scan is followed by `count` scans of no data: libjpeg
    still passes over every block of each."""
    data = encode(marked(), quality=90, progressive=True)
    if (width, height) != (400, 300):
        data = jpeg_sized(data, width, height)
    ids = bytes([1, 0, 2, 0, 3, 0][:2 * components])
    scan = (b"\xff\xda" + struct.pack(">HB", 6 + 2 * components, components) + ids
            + b"\x00\x00\x00")  # DC first, successive approximation 0
    at = first_scan_end(data)
    return data[:at] + scan * count + b"\xff\xd9"


def mpo() -> bytes:
    return encode(marked(), "MPO", save_all=True, append_images=[Image.new("RGB", (400, 300))])


def jpeg_with_exif_loop() -> bytes:
    """EXIF whose first directory points at itself as the next one."""
    ifd = struct.pack("<H", 1) + struct.pack("<HHI4s", 0x0112, 3, 1, b"\x06\0\0\0")
    tiff = b"II*\0" + struct.pack("<I", 8) + ifd + struct.pack("<I", 8)
    return encode(stored_as(marked(), 6), quality=90, exif=b"Exif\0\0" + tiff)


# --- WebP ---------------------------------------------------------------------------------------

def webp_sized(width: int, height: int) -> bytes:
    """A small lossless WebP whose header claims another size."""
    data = bytearray(encode(marked(40, 30), "WEBP", lossless=True))
    assert data[12:16] == b"VP8L"
    bits = (width - 1) | (height - 1) << 14 | (data[25] >> 4 & 0x0F) << 28
    data[21:25] = struct.pack("<I", bits)
    return bytes(data)


def webp_exif(orientation: int, padding: int = 0) -> bytes:
    return encode(stored_as(marked(), orientation), "WEBP", quality=90,
                  exif=b"Exif\0\0" + exif_bytes(orientation, padding))


def animated_webp() -> bytes:
    return encode(marked(), "WEBP", save_all=True, append_images=[marked().rotate(180)],
                  duration=100)


# --- other formats ------------------------------------------------------------------------------

def gif_bomb() -> bytes:
    """A GIF of a few bytes declaring 65535 × 65535 pixels."""
    return (b"GIF89a" + struct.pack("<HHBBB", 65535, 65535, 0, 0, 0) + b"\x2c"
            + struct.pack("<HHHHB", 0, 0, 65535, 65535, 0) + b"\x02\x02\x44\x01\x00\x3b")


def gif_comment_flood(count: int = 100_000) -> bytes:
    """A GIF with `count` comment blocks before its picture: Pillow reads them one by one."""
    return (b"GIF89a" + struct.pack("<HHBBB", 10, 10, 0, 0, 0) + b"\x21\xfe\x01a\x00" * count
            + b"\x2c" + struct.pack("<HHHHB", 0, 0, 10, 10, 0) + b"\x02\x02\x44\x01\x00\x3b")


def tiff_bomb() -> bytes:
    """A TIFF header declaring 100000 × 100000 pixels of 8-bit grey."""
    tags = [(256, 4, 1, 100_000), (257, 4, 1, 100_000), (258, 3, 1, 8), (259, 3, 1, 1),
            (262, 3, 1, 1), (273, 4, 1, 8), (277, 3, 1, 1), (278, 4, 1, 100_000),
            (279, 4, 1, 1)]
    ifd = struct.pack("<H", len(tags)) + b"".join(
        struct.pack("<HHII", tag, kind, count, value) if kind == 4
        else struct.pack("<HHIHH", tag, kind, count, value, 0) for tag, kind, count, value in tags)
    return b"II*\0" + struct.pack("<I", 8) + ifd + b"\0\0\0\0"


def bmp_bomb() -> bytes:
    """A small BMP whose header declares 30000 × 30000 pixels."""
    data = bytearray(encode(marked(40, 30), "BMP"))
    data[18:26] = struct.pack("<ii", 30000, 30000)
    return bytes(data)


def heic() -> bytes:
    return bytes.fromhex("00000018") + b"ftypheic" + bytes(4) + b"mif1heic" + bytes(20)


def avif() -> bytes:
    return bytes.fromhex("0000001c") + b"ftypavif" + bytes(4) + b"avifmif1miaf" + bytes(20)


def eps_line_flood(lines: int = 200_000) -> bytes:
    """A PostScript header and a flood of short lines: Pillow's EPS reader takes them one by
    one (20 MB of them cost it 37 s)."""
    return b"%!PS-Adobe-3.0 EPSF-3.0\n" + b"%\n" * lines


def cut(data: bytes, share: float) -> bytes:
    return data[:int(len(data) * share)]


def damaged(data: bytes, share: float, count: int = 16) -> bytes:
    """`count` bytes flipped from `share` of the way in."""
    flipped = bytearray(data)
    at = int(len(flipped) * share)
    for i in range(at, at + count):
        flipped[i] ^= 0x5A
    return bytes(flipped)


def _specimens() -> list[Specimen]:
    s = Specimen
    jpeg = lambda: encode(noisy(), quality=90)  # noqa: E731
    progressive = lambda: encode(noisy(), quality=90, progressive=True)  # noqa: E731
    png = lambda: encode(noisy(), "PNG")  # noqa: E731
    webp = lambda: encode(noisy(), "WEBP", quality=80)  # noqa: E731
    webp_lossless = lambda: encode(noisy(), "WEBP", lossless=True)  # noqa: E731
    return [
        # Pixel bombs: a few KB that declare a great many pixels.
        s("png_1bit_7000x7000", lambda: encode(Image.new("1", (7000, 7000)), "PNG"),
          "too_costly"),
        s("png_rgb_claiming_4000x3000", lambda: png_sized(4000, 3000), "too_costly"),
        s("png_20000x20000", lambda: png_sized(20000, 20000), "too_many_pixels"),
        s("webp_16383x16383", lambda: webp_sized(16383, 16383), "too_many_pixels"),
        s("webp_7000x7000", lambda: webp_sized(7000, 7000), "too_costly"),
        s("jpeg_65000x65000", lambda: jpeg_sized(jpeg(), 65000, 65000), "too_many_pixels"),
        s("progressive_jpeg_7000x7000",
          lambda: jpeg_sized(encode(marked(), quality=90, progressive=True, subsampling=0),
                             7000, 7000), "too_costly"),
        s("gif_65535x65535", gif_bomb, "unsupported_format"),
        s("tiff_100000x100000", tiff_bomb, "unsupported_format"),
        s("bmp_30000x30000", bmp_bomb, "unsupported_format"),
        # Decompression bombs in text and image chunks; floods of parts and scans.
        s("png_ztxt_bomb", lambda: png_with(compressed_text(b"zTXt", 20_000_000)), "too_costly"),
        s("png_itxt_bomb", lambda: png_with(compressed_text(b"iTXt", 20_000_000)), "too_costly"),
        s("png_iccp_bomb", lambda: png_with(compressed_text(b"iCCP", 20_000_000)), "too_costly"),
        s("png_ztxt_bomb_after_pixels",
          lambda: png_with(compressed_text(b"zTXt", 20_000_000), after_pixels=True),
          "too_costly"),
        s("png_forty_ztxt_of_900kb",
          lambda: png_with(compressed_text(b"zTXt", 900_000) * 40), "too_costly"),
        s("png_idat_inflating_past_the_image",
          _png_overlong_idat, "stored"),
        s("png_20000_empty_chunks", lambda: png_with(png_chunk(b"prVt", b"") * 20_000),
          "too_costly"),
        s("png_idat_in_one_byte_chunks", lambda: png_idat_in_pieces(1), "too_costly"),
        s("jpeg_20000_comments", lambda: jpeg_after_header(jpeg(), b"\xff\xfe\x00\x02" * 20_000),
          "too_costly"),
        s("jpeg_100kb_junk_before_frame",
          lambda: jpeg_after_header(jpeg(), b"\xff\xfe\x00\x02" + b"\x00" * 100_000),
          "too_costly"),
        s("progressive_jpeg_1000_empty_scans", lambda: progressive_with_empty_scans(1000),
          "too_costly"),
        s("progressive_jpeg_60_empty_scans_4000x3000",
          lambda: progressive_with_empty_scans(60, 4000, 3000, components=3), "too_costly"),
        s("gif_100000_comments", gif_comment_flood, "unsupported_format"),
        s("eps_200000_lines", eps_line_flood, "not_an_image"),
        # Animation beyond the first frame.
        s("apng_two_frames", apng, "animated"),
        s("webp_two_frames", animated_webp, "animated"),
        # Formats that are not accepted.
        s("heic", heic, "heif"),
        s("avif", avif, "unsupported_format"),
        s("gif", lambda: encode(marked(), "GIF"), "unsupported_format"),
        s("text_named_jpg", lambda: b"This is a shopping list, saved as photo.jpg\n",
          "not_an_image"),
        s("lossless_jpeg_frame", lambda: _jpeg_frame_marker(jpeg(), 0xC3), "unsupported_format"),
        s("arithmetic_jpeg_frame", lambda: _jpeg_frame_marker(jpeg(), 0xC9),
          "unsupported_format"),
        # Cut and damaged files of each accepted format.
        s("jpeg_cut_in_header", lambda: jpeg()[:100], "truncated"),
        s("jpeg_cut_in_half", lambda: cut(jpeg(), 0.5), "truncated"),
        s("jpeg_without_end_marker", lambda: jpeg()[:-2], "truncated"),
        s("progressive_jpeg_cut", lambda: cut(progressive(), 0.7), "truncated"),
        s("mpo_cut_in_first_picture", lambda: cut(mpo(), 0.25), "truncated"),
        s("png_cut_in_header", lambda: png()[:20], "truncated"),
        s("png_cut_in_pixels", lambda: cut(png(), 0.5), "truncated"),
        s("webp_cut_in_header", lambda: webp()[:20], "truncated"),
        s("webp_cut_in_half", lambda: cut(webp(), 0.5), "truncated"),
        s("webp_lossless_cut_in_half", lambda: cut(webp_lossless(), 0.5), "truncated"),
        s("jpeg_damaged_pixels", lambda: damaged(jpeg(), 0.5), "stored"),
        s("jpeg_damaged_tables", lambda: _jpeg_damaged_table(jpeg()), "truncated"),
        s("progressive_jpeg_damaged_pixels", lambda: damaged(progressive(), 0.5), "stored"),
        s("png_damaged_pixels", lambda: damaged(png(), 0.5), "truncated"),
        s("png_damaged_header", lambda: _png_bad_header_crc(png()), "truncated"),
        s("webp_damaged_pixels", lambda: damaged(webp(), 0.5), "stored"),
        s("webp_lossless_damaged_pixels", lambda: damaged(webp_lossless(), 0.5), "stored"),
        # Colour modes and bit depths.
        s("jpeg_cmyk", lambda: encode(marked(mode="CMYK"), quality=90), "stored", upright=True),
        s("progressive_jpeg_cmyk",
          lambda: encode(marked(mode="CMYK"), quality=90, progressive=True), "stored",
          upright=True),
        s("jpeg_grey", lambda: encode(marked(mode="L"), quality=90), "stored"),
        s("jpeg_444_with_restart_markers",
          lambda: encode(marked(), quality=90, subsampling=0, restart_marker_blocks=4),
          "stored", upright=True),
        s("progressive_jpeg", progressive, "stored"),
        s("mpo", mpo, "stored", upright=True),
        s("png_16bit_grey", lambda: png_mode("I;16"), "stored"),
        s("png_16bit_rgba", lambda: png_mode("RGBA;16"), "stored"),
        s("png_palette", lambda: png_mode("P"), "stored", upright=True),
        s("png_palette_transparent", lambda: png_mode("P+transparency"), "stored",
          upright=True),
        s("png_1bit", lambda: png_mode("1"), "stored"),
        s("png_grey_alpha", lambda: png_mode("LA"), "stored"),
        s("png_rgba", lambda: png_mode("RGBA"), "stored", upright=True),
        s("png_interlaced", _png_interlaced, "stored", upright=True),
        s("webp_lossless_rgba", lambda: encode(marked(mode="RGBA"), "WEBP", lossless=True),
          "stored", upright=True),
        # EXIF: huge, looping, and in each accepted format.
        s("jpeg_60kb_exif", lambda: encode(stored_as(marked(), 6), quality=90,
                                           exif=exif_bytes(6, 60_000)), "stored", upright=True),
        s("jpeg_exif_looping", jpeg_with_exif_loop, "stored", upright=True),
        s("png_exif_orientation_6", lambda: png_exif(6), "stored", upright=True),
        s("png_100kb_exif", lambda: png_exif(6, 100_000), "too_costly"),
        s("webp_exif_orientation_8", lambda: webp_exif(8), "stored", upright=True),
        s("webp_100kb_exif", lambda: webp_exif(8, 100_000), "too_costly"),
        # Every EXIF orientation.
        *(s(f"jpeg_orientation_{n}", lambda n=n: oriented_jpeg(n), "stored", upright=True)
          for n in range(1, 9)),
    ]


def _png_overlong_idat() -> bytes:
    """A 100 × 100 PNG whose image data inflates to 10 MB, far past what the image needs."""
    rows = b"".join(b"\0" + bytes(GREY) * 100 for _ in range(100)) + bytes(10_000_000)
    header = struct.pack(">IIBBBBB", 100, 100, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(rows, 9)) + png_chunk(b"IEND", b""))


def _png_bad_header_crc(data: bytes) -> bytes:
    return data[:29] + bytes([data[29] ^ 1]) + data[30:]


def _png_interlaced() -> bytes:
    """An Adam7-interlaced PNG (Pillow writes none), from raw RGB rows."""
    image = marked()
    raw = image.tobytes()
    width, height = image.size
    passes = ((0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
              (0, 1, 1, 2))
    rows = b""
    for x0, y0, dx, dy in passes:
        for y in range(y0, height, dy):
            line = b"".join(raw[(y * width + x) * 3:(y * width + x) * 3 + 3]
                            for x in range(x0, width, dx))
            if line:
                rows += b"\0" + line
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 1)
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
            + png_chunk(b"IDAT", zlib.compress(rows)) + png_chunk(b"IEND", b""))


def _jpeg_frame_marker(data: bytes, marker: int) -> bytes:
    for found, start, _end in jpeg_segments(data):
        if found == 0xC0:
            return data[:start + 1] + bytes([marker]) + data[start + 2:]
    raise ValueError("no baseline frame header")


def _jpeg_damaged_table(data: bytes) -> bytes:
    """The first Huffman table's code counts set to more codes than its length allows."""
    for marker, start, _end in jpeg_segments(data):
        if marker == 0xC4:
            return data[:start + 5] + b"\xff" * 16 + data[start + 21:]
    raise ValueError("no Huffman table")


SPECIMENS = _specimens()
