"""The printed hazard card shows each photo whole, watermark strip included: its own shape,
never cropped to 4:3, and the card still fits one sheet of A4 or A5."""

from pathlib import Path

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.common.time import utcnow
from app.extensions import db
from app.hazards import workflow
from app.locations.models import Location
from app.photos.pipeline import process
from app.photos.services import save_photo
from app.photos.watermark import watermark_for
from tests.browser.conftest import log_in
from tests.images import jpeg

SHOTS = Path("/tmp/photomark/shots")
# The sheet's printable area at 96 dpi (A4 with 12 mm margins, A5 with 8 mm).
SHEETS = {"a4": {"width": 703, "height": 1032}, "a5": {"width": 499, "height": 734}}


@pytest.fixture(scope="module")
def card_with_portrait_and_landscape_photos(live_server):
    """A hazard reported with a portrait photo and rectified with a landscape one."""
    with live_server["app"].app_context():
        guard = db.session.scalar(select(User).where(User.username == "guard2"))
        location = db.session.scalar(select(Location).where(Location.code == "PWR-1F-01"))
        stamp = watermark_for(location, guard, utcnow())
        before = save_photo(process(jpeg(1200, 1600), stamp), guard)
        hazard = workflow.report(guard, location=location, description="配电柜门下方漏水",
                                 level="general", photos=[before])
        after = save_photo(process(jpeg(1600, 1200, color=(40, 150, 90)), stamp), guard)
        workflow.apply(hazard, "fix_on_site", actor=guard, photos=[after])
        db.session.commit()
        return hazard.number


@pytest.mark.parametrize("size", ["a4", "a5"])
def test_printed_photos_keep_their_shape_and_the_card_fits_the_sheet(
        page, live_server, card_with_portrait_and_landscape_photos, size):
    SHOTS.mkdir(parents=True, exist_ok=True)
    number = card_with_portrait_and_landscape_photos
    log_in(page, live_server["url"], "manager2")
    page.set_viewport_size(SHEETS[size])
    page.emulate_media(media="print")
    page.goto(f"{live_server['url']}/hazards/{number}/print?size={size}")
    shapes = page.eval_on_selector_all(".before-after img", """imgs => imgs.map(i => {
        const box = i.getBoundingClientRect();
        return {natural: i.naturalWidth / i.naturalHeight, shown: box.width / box.height,
                fit: getComputedStyle(i).objectFit, bottom: box.bottom}; })""")
    assert len(shapes) == 2
    for shape in shapes:
        assert shape["fit"] != "cover"
        assert abs(shape["shown"] - shape["natural"]) < 0.03 * shape["natural"]  # uncropped
    assert shapes[0]["natural"] < 1 < shapes[1]["natural"]  # the portrait and the landscape
    card_bottom = page.locator(".printed-card").bounding_box()
    assert card_bottom["y"] + card_bottom["height"] <= SHEETS[size]["height"]
    page.screenshot(path=str(SHOTS / f"print-{size}.png"), full_page=True)
