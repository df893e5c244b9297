"""The photo pipeline: what it refuses, and what it makes of what it accepts."""

import hashlib
import io
import warnings
from datetime import datetime

import pytest
from PIL import Image, ImageChops, ImageCms, ImageDraw, ImageFont

from app.common.fonts import find_cjk_font
from app.photos.pipeline import PhotoRejected, Watermark, process
from tests.hostile import jpeg_sized

STAMP = Watermark(location_code="O2-1F-01", local_time="2026-11-24 14:32", inspector="李强")
RED = (220, 20, 20)
GREY = (200, 200, 200)


def encode(image: Image.Image, format="JPEG", **params) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=format, **params)
    return buffer.getvalue()


def marked(width=400, height=300, mode="RGB") -> Image.Image:
    """A grey picture with a red block in its top-left quarter, to see which way is up."""
    image = Image.new("RGB", (width, height), GREY)
    image.paste(RED, (0, 0, width // 4, height // 4))
    return image.convert(mode)


def phone_exif(orientation=None, taken=None, date_time=None, gps=False) -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Phone 12"  # Model
    if orientation:
        exif[0x0112] = orientation
    if date_time:
        exif[0x0132] = date_time
    if taken:
        exif.get_ifd(0x8769)[0x9003] = taken
    if gps:
        ifd = exif.get_ifd(0x8825)
        ifd[1], ifd[2] = "N", (31.0, 13.0, 40.5)
        ifd[3], ifd[4] = "E", (121.0, 28.0, 12.25)
    return exif


def jpeg(width=400, height=300, exif: Image.Exif | None = None, **params) -> bytes:
    if exif is not None:
        params["exif"] = exif.tobytes()
    return encode(marked(width, height), quality=90, **params)


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def is_red(pixel) -> bool:
    r, g, b = pixel
    return r > 180 and g < 80 and b < 80


def header_segments(data: bytes) -> set[int]:
    """The marker bytes of the JPEG's segments up to the first scan (APP1 = EXIF/XMP, ...)."""
    markers, at = set(), 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        markers.add(marker)
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        at += 2 + int.from_bytes(data[at + 2:at + 4], "big")
    return markers


def test_exif_orientation_6_comes_out_upright():
    result = opened(process(jpeg(400, 300, phone_exif(orientation=6)), STAMP).image)
    assert result.size == (300, 400)
    # Turned a quarter clockwise, the stored top-left corner is the top-right one.
    assert is_red(result.getpixel((290, 10)))
    assert not is_red(result.getpixel((10, 10)))


def test_capture_time_is_read_from_date_time_original():
    photo = process(jpeg(exif=phone_exif(taken="2026:11:24 14:32:05")), STAMP)
    assert photo.taken_at == datetime(2026, 11, 24, 14, 32, 5)


def test_capture_time_falls_back_to_date_time():
    photo = process(jpeg(exif=phone_exif(date_time="2026:11:23 09:15:00")), STAMP)
    assert photo.taken_at == datetime(2026, 11, 23, 9, 15)


@pytest.mark.parametrize("exif", [None, phone_exif(taken="0000:00:00 00:00:00")],
                         ids=["no_exif", "placeholder_date"])
def test_capture_time_is_none_without_a_valid_date(exif):
    assert process(jpeg(exif=exif), STAMP).taken_at is None


def test_gps_and_all_exif_are_removed():
    data = jpeg(exif=phone_exif(orientation=1, taken="2026:11:24 14:32:05", gps=True))
    assert opened(data).getexif().get_ifd(0x8825)  # the upload did carry a location

    photo = process(data, STAMP)

    assert 0xE1 not in header_segments(photo.image)  # no APP1: no EXIF, no XMP
    assert not opened(photo.image).getexif()
    assert 0xE1 not in header_segments(photo.thumbnail)


def test_comments_xmp_and_colour_profile_are_removed():
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF/></x:xmpmeta>'
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    data = jpeg(comment=b"Taken by Li Qiang, +86 138 0000 0000", xmp=xmp, icc_profile=icc)
    assert {0xE1, 0xE2, 0xFE} <= header_segments(data)

    photo = process(data, STAMP)

    assert not {0xE1, 0xE2, 0xFE} & header_segments(photo.image)


def test_large_photo_is_shrunk_to_2048_on_its_longest_side():
    photo = process(jpeg(4000, 3000), STAMP)
    assert (photo.width, photo.height) == (2048, 1536)
    assert opened(photo.image).size == (2048, 1536)


def test_small_photo_is_not_enlarged():
    photo = process(jpeg(640, 480), STAMP)
    assert (photo.width, photo.height) == (640, 480)


def test_thumbnail_fits_in_320():
    photo = process(jpeg(800, 600, phone_exif(orientation=6)), STAMP)
    assert opened(photo.thumbnail).size == (240, 320)


def test_output_is_a_progressive_rgb_jpeg():
    result = opened(process(encode(marked(mode="L"), "PNG"), STAMP).image)
    assert (result.format, result.mode) == ("JPEG", "RGB")
    assert result.info.get("progressive")


def test_sha256_is_the_hash_of_the_bytes():
    photo = process(jpeg(), STAMP)
    assert photo.sha256 == hashlib.sha256(photo.image).hexdigest()
    assert photo.thumb_sha256 == hashlib.sha256(photo.thumbnail).hexdigest()


def bottom_rows(image: Image.Image, share: float) -> Image.Image:
    return image.crop((0, round(image.height * (1 - share)), image.width, image.height))


def test_watermark_band_is_dark_with_light_text():
    source = marked(800, 600)
    result = opened(process(encode(source, quality=95), STAMP).image)

    band = bottom_rows(result, 0.05)
    assert ImageChops.difference(band, bottom_rows(source, 0.05)).getbbox() is not None
    assert band.getpixel((3, band.height - 3)) < (120, 120, 120)  # dark where there is no text
    assert band.convert("L").getextrema()[1] > 220  # and white text on it
    top = result.getpixel((400, 300))
    assert all(abs(a - b) < 8 for a, b in zip(top, GREY, strict=True))  # the rest untouched


def band_height(data: bytes) -> int:
    """Rows, counted up from the bottom, whose left edge is darker than the grey photo."""
    image = opened(data).convert("L")
    rows = 0
    while rows < image.height and image.getpixel((1, image.height - 1 - rows)) < 150:
        rows += 1
    return rows


def test_watermark_grows_with_the_photo():
    small = band_height(process(encode(marked(400, 300)), STAMP).image)
    large = band_height(process(encode(marked(1600, 1200)), STAMP).image)
    assert 0.06 * 300 <= small <= 0.15 * 300
    assert large == pytest.approx(4 * small, rel=0.15)


def test_stamp_too_long_for_one_line_takes_one_line_per_part():
    code = "ICU-3F-EAST-WING-NURSE-STATION-BED-BAY-12"
    long_code = Watermark(code, STAMP.local_time, STAMP.inspector)
    one_line = band_height(process(encode(marked(400, 600)), STAMP).image)
    three_lines = band_height(process(encode(marked(400, 600)), long_code).image)
    assert three_lines > 2 * one_line


def test_cjk_font_is_found_and_draws_chinese():
    path = find_cjk_font()
    assert path is not None
    font = ImageFont.truetype(path, 48)

    def bitmap(text):
        image = Image.new("L", (64, 64))
        ImageDraw.Draw(image).text((0, 0), text, font=font, fill=255)
        return image.tobytes()

    missing = bitmap("\U0010fffd")  # a private-use character no font has: the "tofu" box
    assert bitmap("李") != bitmap("强")
    assert missing not in (bitmap("李"), bitmap("强"))


def test_chinese_inspector_name_is_drawn_in_the_watermark():
    # With no CJK glyphs both names would draw as the same two boxes.
    data = encode(marked(800, 600))
    li_qiang = process(data, STAMP)
    qiang_li = process(data, Watermark(STAMP.location_code, STAMP.local_time, "强李"))
    assert li_qiang.image != qiang_li.image


def test_png_with_transparency_is_laid_on_white():
    image = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    image.paste((220, 20, 20, 255), (0, 0, 100, 100))
    result = opened(process(encode(image, "PNG"), STAMP).image)
    assert result.format == "JPEG"
    assert min(result.getpixel((150, 50))) > 245
    assert is_red(result.getpixel((50, 50)))


def test_webp_is_accepted():
    result = opened(process(encode(marked(), "WEBP", quality=90), STAMP).image)
    assert (result.format, result.size) == ("JPEG", (400, 300))
    assert is_red(result.getpixel((10, 10)))


def test_mpo_from_a_phone_is_accepted_as_jpeg():
    # Some phones store a second frame (depth map, preview) after the photo: MPO.
    data = encode(marked(), "MPO", save_all=True, append_images=[Image.new("RGB", (400, 300))])
    assert opened(data).format == "MPO"
    result = opened(process(data, STAMP).image)
    assert result.size == (400, 300)
    assert is_red(result.getpixel((10, 10)))


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_grey_and_cmyk_jpegs_become_rgb(mode):
    result = opened(process(encode(marked(mode=mode), quality=90), STAMP).image)
    assert result.mode == "RGB"
    assert is_red(result.getpixel((10, 10))) == (mode == "CMYK")


def test_16_bit_png_keeps_its_greys():
    image = Image.new("I;16", (200, 150), 0x8000)  # middle grey on 16 bits
    result = opened(process(encode(image, "PNG"), STAMP).image)
    assert 120 < result.getpixel((100, 20))[0] < 136


def half(data: bytes) -> bytes:
    return data[: len(data) // 2]


def bad_photos():
    """Each upload the pipeline refuses, with the reason it must give."""
    return [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"\xff\xd8\xff" + bytes(30 * 1024 * 1024), "too_large", id="30_mb"),
        pytest.param(b"This is a shopping list, saved as photo.jpg\n", "not_an_image",
                     id="text_named_jpg"),
        pytest.param(bytes(range(256)) * 4, "not_an_image", id="random_bytes"),
        pytest.param(half(jpeg(800, 600)), "truncated", id="truncated_jpeg"),
        pytest.param(jpeg(800, 600)[:100], "truncated", id="jpeg_cut_in_its_header"),
        pytest.param(half(encode(Image.effect_noise((300, 300), 50), "PNG")), "truncated",
                     id="truncated_png"),
        # A few KB of PNG that declares 20000 × 20000 pixels: Pillow itself calls it a bomb.
        pytest.param(encode(Image.new("1", (20000, 20000)), "PNG"), "too_many_pixels",
                     id="bomb_png"),
        # 8000 × 8000 passes Pillow's own limit but not ours (50 megapixels).
        pytest.param(encode(Image.new("1", (8000, 8000)), "PNG"), "too_many_pixels",
                     id="over_our_cap_png"),
        pytest.param(encode(marked(), "GIF"), "unsupported_format", id="gif"),
        pytest.param(encode(marked(), "BMP"), "unsupported_format", id="bmp"),
        pytest.param(bytes.fromhex("0000001c") + b"ftypheic" + bytes(20), "heif", id="heic"),
    ]


@pytest.mark.parametrize(("data", "reason"), bad_photos())
def test_bad_upload_is_refused_with_its_reason(data, reason):
    with pytest.raises(PhotoRejected) as refused:
        process(data, STAMP)
    assert refused.value.reason == reason


def test_pixel_cap_is_checked_before_decoding():
    with pytest.raises(PhotoRejected) as refused:
        process(jpeg(400, 300), STAMP, max_pixels=400 * 300 - 1)
    assert refused.value.reason == "too_many_pixels"


@pytest.mark.parametrize("action", ["error", "ignore"])
def test_pillow_bomb_warning_is_a_refusal_too(action):
    # 100 megapixels: above Pillow's warning limit, below its error limit and our cap here.
    data = jpeg_sized(jpeg(), 10000, 10000)
    with warnings.catch_warnings():
        warnings.simplefilter(action, Image.DecompressionBombWarning)
        with pytest.raises(PhotoRejected) as refused:
            process(data, STAMP, max_pixels=200_000_000)
    assert refused.value.reason == "too_many_pixels"


def test_unknown_refusal_reason_is_a_programming_error():
    with pytest.raises(ValueError):
        PhotoRejected("blurry")
