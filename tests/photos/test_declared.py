"""Reading what an upload declares from its structure, without decoding it."""

import pytest
from PIL import Image

from app.photos.declared import Malformed, read
from tests.hostile import (
    compressed_text,
    encode,
    jpeg_after_header,
    jpeg_segments,
    marked,
    mpo,
    png_chunk,
    png_with,
    webp_sized,
)

LIMITS = {"max_parts": 100, "max_scans": 20, "max_metadata": 10_000}


@pytest.mark.parametrize("params", [
    {"format": "JPEG"}, {"format": "PNG"}, {"format": "WEBP"},
    {"format": "WEBP", "lossless": True}, {"format": "WEBP", "exif": b"Exif\0\0II*\0"},
], ids=["jpeg", "png", "webp_lossy", "webp_lossless", "webp_extended"])
def test_size_is_read_as_pillow_reads_it(params):
    data = encode(marked(123, 45), **params)
    said = read(data, **LIMITS)
    assert (said.format, said.width, said.height) == (params["format"], 123, 45)


def test_other_data_is_none():
    assert read(encode(marked(), "GIF"), **LIMITS) is None


@pytest.mark.parametrize("data", [encode(marked())[:150], encode(marked(), "PNG")[:20]],
                         ids=["jpeg", "png"])
def test_a_file_cut_before_its_size_is_malformed(data):
    with pytest.raises(Malformed):
        read(data, **LIMITS)


def test_a_progressive_jpeg_declares_its_scans_and_components():
    said = read(encode(marked(), progressive=True), **LIMITS)
    assert said.sampling == {1: (2, 2), 2: (1, 1), 3: (1, 1)}
    assert len(said.scans) == 10 and said.scans[0] == (1, 2, 3)
    # every coefficient of the image, 2 bytes each: 400 × 304 luma, 200 × 152 twice for chroma
    assert said.coefficient_bytes == (400 * 304 + 2 * 200 * 152) * 2


def test_a_baseline_jpeg_holds_no_coefficients():
    assert read(encode(marked()), **LIMITS).coefficient_bytes == 0


def test_scan_markers_inside_a_comment_are_not_scans():
    # A comment segment holding the bytes of a scan marker and of an end marker.
    comment = b"\xff\xfe\x00\x08" + b"\xff\xda\xff\xd9\xff\xda"
    data = jpeg_after_header(encode(marked()), comment)
    said = read(data, **LIMITS)
    assert len(said.scans) == 1


def test_the_second_picture_of_an_mpo_is_not_read():
    data = mpo()
    assert len(read(data, **LIMITS).scans) == 1
    assert data.count(b"\xff\xda") == 2


def test_jpeg_parts_stop_one_past_the_limit():
    data = jpeg_after_header(encode(marked()), b"\xff\xfe\x00\x02" * 1000)
    assert read(data, **LIMITS).parts == 101


def test_junk_between_jpeg_segments_counts_a_part_a_byte():
    data = encode(marked())
    first = jpeg_segments(data)[1][1]
    said = read(data[:first] + b"\x00" * 50 + data[first:], **LIMITS)
    assert said.parts == read(data, **LIMITS).parts + 50


def test_png_parts_stop_one_past_the_limit():
    data = png_with(png_chunk(b"prVt", b"") * 1000)
    assert read(data, **LIMITS).parts == 101


def test_png_compressed_text_is_counted_inflated_and_no_further_than_the_limit():
    said = read(png_with(compressed_text(b"zTXt", 5_000) + compressed_text(b"iTXt", 20_000_000)),
                **LIMITS)
    assert said.metadata_bytes == 10_001


def test_apng_declares_its_frames():
    data = encode(marked(), "PNG", save_all=True, append_images=[marked()] * 2)
    assert read(data, **LIMITS).frames == 3


def test_animated_webp_declares_its_frames():
    data = encode(marked(), "WEBP", save_all=True, append_images=[marked().rotate(90)],
                  duration=100)
    assert read(data, **LIMITS).frames == 2


def test_webp_header_size_is_taken_as_declared():
    said = read(webp_sized(16383, 9000), **LIMITS)
    assert (said.width, said.height) == (16383, 9000)


def test_webp_exif_is_counted():
    data = encode(marked(), "WEBP", exif=b"Exif\0\0" + Image.Exif().tobytes() + bytes(5000))
    assert read(data, **LIMITS).exif_bytes > 5000
