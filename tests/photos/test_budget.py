"""The decoding budget: what one photo, and one request's photos, may cost to decode; refused
before a pixel is decoded."""

import pytest
from PIL import Image

from app.photos import budget
from app.photos.budget import RequestBudget
from app.photos.declared import read
from app.photos.pipeline import ACCEPTED, PhotoRejected, Watermark, process
from tests.hostile import (
    SPECIMENS,
    encode,
    jpeg_sized,
    marked,
    png_sized,
    progressive_with_empty_scans,
)

STAMP = Watermark(location_code="O2-1F-01", local_time="2026-11-24 14:32", inspector="李强")


def refusal(data: bytes, **options) -> str:
    with pytest.raises(PhotoRejected) as refused:
        process(data, STAMP, **options)
    return refused.value.reason


def declared(data: bytes):
    return read(data, max_parts=budget.MAX_PARTS, max_scans=budget.MAX_SCANS,
                max_metadata=budget.MAX_METADATA_BYTES)


def test_png_declaring_7000_by_7000_pixels_is_refused_before_decoding(decoding):
    # 6 KB of PNG, under the 50-megapixel cap: decoded whole it took 3 s and 420 MB.
    data = encode(Image.new("1", (7000, 7000)), "PNG")
    assert refusal(data) == "too_costly"
    assert decoding.sizes == []


def test_png_of_3000_by_2000_is_decoded_whole_and_stored(decoding):
    photo = process(encode(marked(3000, 2000), "PNG"), STAMP)
    assert decoding.sizes == [(3000, 2000)]
    assert (photo.width, photo.height) == (2048, 1365)


def test_png_a_pixel_wider_than_3000_by_2000_is_refused(decoding):
    assert refusal(png_sized(3001, 2000)) == "too_costly"
    assert decoding.sizes == []


def test_50_megapixel_jpeg_is_decoded_at_a_quarter_and_stored(decoding):
    photo = process(encode(Image.new("RGB", (8160, 6120), (90, 140, 200)), quality=90), STAMP)
    assert decoding.sizes == [(2040, 1530)]
    assert (photo.width, photo.height) == (2048, 1536)


@pytest.mark.parametrize(("size", "subsampling", "fits"), [
    ((4032, 3024), 2, True),  # a 12-megapixel phone photo saved as progressive
    ((4032, 3024), 0, True),  # the same without chroma subsampling: 73 MB of coefficients
    ((5184, 3888), 2, True),  # 20 megapixels
    ((5656, 4242), 2, False),  # 24 megapixels
    ((4100, 4100), 0, False),
])
def test_progressive_jpeg_is_judged_by_the_coefficients_libjpeg_holds(size, subsampling, fits):
    data = jpeg_sized(encode(marked(), quality=90, progressive=True, subsampling=subsampling),
                      *size)
    said = declared(data)
    draft = (-(-size[0] // 2), -(-size[1] // 2))
    cost = budget.decode_cost(said, "RGB", draft, (2048, 1536), transparent=False,
                              upload_bytes=len(data))
    assert (cost.memory <= budget.MAX_DECODE_BYTES) == fits


@pytest.mark.parametrize(("size", "refused"), [((4000, 4000), False), ((4000, 4001), True)])
def test_progressive_jpeg_over_16_megapixels_is_refused(size, refused):
    data = jpeg_sized(encode(marked(), quality=90, progressive=True), *size)
    assert (budget.declared_refusal(declared(data)) == "too_costly") == refused


def test_progressive_jpeg_over_the_budget_is_refused_before_decoding(decoding):
    data = jpeg_sized(encode(marked(), quality=90, progressive=True, subsampling=0), 6000, 6000)
    assert refusal(data) == "too_costly"
    assert decoding.sizes == []


def test_empty_scans_over_the_limit_are_refused_before_decoding(decoding):
    assert refusal(progressive_with_empty_scans(budget.MAX_SCANS)) == "too_costly"
    assert decoding.sizes == []


def test_empty_scans_under_the_limit_are_decoded():
    assert process(progressive_with_empty_scans(budget.MAX_SCANS - 2), STAMP).width == 400


@pytest.mark.parametrize("specimen", [s for s in SPECIMENS if s.expect not in
                                      ("stored", "truncated")], ids=lambda s: s.name)
def test_hostile_file_is_refused_from_its_header_without_decoding(specimen, decoding):
    assert refusal(specimen.data) == specimen.expect
    assert decoding.sizes == []
    assert all(readers == ACCEPTED for readers in decoding.readers)


def work_of(data: bytes, pixels: int = 400 * 300) -> int:
    """The work a small photo that is decoded whole takes from its request's budget."""
    return pixels + len(data) // budget.UPLOAD_BYTES_PER_PIXEL + budget.PHOTO_PIXELS


def test_photos_beyond_the_request_budget_are_refused_without_decoding(decoding):
    data = encode(marked(), quality=90)
    shared = RequestBudget(pixels=2 * work_of(data))
    process(data, STAMP, budget=shared)
    process(data, STAMP, budget=shared)
    assert refusal(data, budget=shared) == "over_request_budget"
    assert decoding.sizes == [(400, 300), (400, 300)]


def test_a_photo_refused_on_its_own_costs_the_request_nothing():
    data = encode(marked(), quality=90)
    shared = RequestBudget(pixels=work_of(data))
    assert refusal(png_sized(7000, 7000), budget=shared) == "too_costly"
    assert process(data, STAMP, budget=shared).width == 400


def test_a_request_has_room_for_fourteen_12_megapixel_phone_photos():
    shared = RequestBudget()
    # a 4032 × 3024 JPEG of 3 MB, decoded at half size
    phone_photo = work_of(b"\0" * 3_000_000, pixels=2016 * 1512)
    assert [shared.spend(phone_photo) for _ in range(15)] == [True] * 14 + [False]
