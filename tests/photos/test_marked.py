"""A photo marked on the phone and its untouched original: paired by file name, both processed
and stored by content, linked on the photo row, kept across a refused form, kept by the
clean-up, and both named in the hazard chain."""

import io

from sqlalchemy import text
from werkzeug.datastructures import FileStorage, MultiDict

from app.extensions import db
from app.hazards import workflow
from app.hazards.chain import first_broken_link
from app.photos.gc import collect_photo_garbage
from app.photos.pipeline import Watermark
from app.photos.services import save_photo
from app.photos.store import photo_store
from app.photos.tokens import keep_photos, kept_photo
from app.photos.uploads import posted_pairs, read_upload
from tests.factories import make_hazard, make_inspection, make_photo, make_user
from tests.images import jpeg

MARK = Watermark("PWR-1F-01", "2026-12-03 10:00", "赵磊")


def upload(data: bytes, name: str) -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name, content_type="image/jpeg")


def processed_pair(app):
    """A marked copy (redder) read with the photo it was drawn on, as a form posts them."""
    with app.test_request_context():
        return read_upload(upload(jpeg(color=(200, 30, 30)), "a.jpg"), MARK,
                           upload(jpeg(), "a.jpg"))


def test_originals_pair_with_their_marked_copies_by_file_name():
    marked_a, original_a = upload(b"m", "a.jpg"), upload(b"o", "a.jpg")
    plain_b, stray = upload(b"p", "b.jpg"), upload(b"s", "c.jpg")
    files = MultiDict([("photos", marked_a), ("photos", plain_b),
                       ("photos-originals", stray), ("photos-originals", original_a)])
    assert posted_pairs(files, "photos") == [(marked_a, original_a), (plain_b, None)]


def test_a_marked_upload_carries_its_processed_original(app):
    processed = processed_pair(app)
    assert processed.original is not None
    assert processed.original.sha256 != processed.sha256
    assert processed.original.image.startswith(b"\xff\xd8")  # stamped and re-encoded alike


def test_saving_a_marked_photo_stores_both_and_links_the_original(app):
    processed = processed_pair(app)
    photo = save_photo(processed, make_user())
    store = photo_store()
    assert photo.original_sha256 == processed.original.sha256
    assert store.exists(photo.sha256) and store.exists(photo.original_sha256)


def test_a_photo_not_marked_has_no_original(app):
    with app.test_request_context():
        processed = read_upload(upload(jpeg(), "a.jpg"), MARK)
    assert save_photo(processed, make_user()).original_sha256 is None


def test_a_kept_photo_keeps_its_original_for_the_form_sent_again(app):
    processed = processed_pair(app)
    [token] = keep_photos([processed], "form")
    kept = kept_photo(token, "form")
    assert kept.original.sha256 == processed.original.sha256
    assert save_photo(kept, make_user()).original_sha256 == processed.original.sha256


def test_the_clean_up_keeps_the_original_of_a_stored_photo(app):
    processed = processed_pair(app)
    inspection = make_inspection(outcomes=("fail",))
    inspection.results[0].photos.append(save_photo(processed, inspection.inspector))
    db.session.commit()
    found = collect_photo_garbage(days=0, apply=True)
    assert found.files == 0
    assert photo_store().exists(processed.original.sha256)


def test_an_event_names_each_marked_photos_original(app):
    hazard = make_hazard(status="rectifying")
    actor = hazard.events[-1].actor
    marked, plain = make_photo(actor, original_sha256="e" * 64), make_photo(actor)
    event = workflow.apply(hazard, "submit", actor=actor, photos=[marked, plain])
    assert event.data["photos"] == [marked.sha256, plain.sha256]
    assert event.data["originals"] == {marked.sha256: "e" * 64}


def test_an_event_without_marked_photos_records_no_originals(app):
    hazard = make_hazard(status="rectifying")
    actor = hazard.events[-1].actor
    event = workflow.apply(hazard, "submit", actor=actor, photos=[make_photo(actor)])
    assert "originals" not in event.data


def test_a_checklist_report_names_its_items_photos_and_originals(app):
    inspection = make_inspection(outcomes=("fail",))
    result = inspection.results[0]
    marked = make_photo(inspection.inspector, original_sha256="f" * 64)
    result.photos.append(marked)
    hazard = workflow.report(inspection.inspector, location=inspection.location,
                             description="漏水", level="general", item_result=result)
    assert hazard.events[0].data == {"level": "general", "item_photos": [marked.sha256],
                                     "originals": {marked.sha256: "f" * 64}}


def test_an_original_swapped_in_the_database_breaks_the_chain(app):
    hazard = make_hazard(status="rectifying")
    actor = hazard.events[-1].actor
    marked = make_photo(actor, original_sha256="e" * 64)
    workflow.apply(hazard, "submit", actor=actor, photos=[marked])
    db.session.commit()
    assert first_broken_link()[0] is None
    db.session.execute(text("UPDATE photos SET original_sha256 = :o WHERE id = :id"),
                       {"o": "d" * 64, "id": marked.id})
    db.session.commit()
    db.session.expire_all()
    broken, _count = first_broken_link()
    assert broken.reason == "its photos' originals are not the ones it recorded"
