"""What a failed request removes: only the files it wrote itself that no committed row names."""

import hashlib

from app.extensions import db
from app.photos.services import discard_unnamed
from app.photos.store import photo_store, written_in_this_request
from tests.factories import make_photo

DATA = b"\xff\xd8\xff pretend this is a processed photo \xff\xd9"
DIGEST = hashlib.sha256(DATA).hexdigest()


def test_a_request_notes_the_files_it_writes(app):
    with app.test_request_context():
        photo_store().save(DATA)
        assert written_in_this_request() == [DIGEST]


def test_a_file_stored_before_the_request_is_not_noted_as_its_own(app):
    photo_store().save(DATA)
    with app.test_request_context():
        photo_store().save(DATA)
        assert written_in_this_request() == []


def test_discard_keeps_a_file_a_committed_row_names(app):
    other = b"\xff\xd8\xff another photo \xff\xd9"
    named = photo_store().save(DATA)
    unnamed = photo_store().save(other)
    db.session.add(make_photo(sha256=named))
    db.session.commit()
    assert discard_unnamed([named, unnamed]) == 1
    assert photo_store().exists(named) and not photo_store().exists(unnamed)


def test_discard_keeps_a_thumbnail_a_committed_row_names(app):
    thumb = photo_store().save(DATA)
    db.session.add(make_photo(thumb_sha256=thumb))
    db.session.commit()
    assert discard_unnamed([thumb]) == 0
    assert photo_store().exists(thumb)
