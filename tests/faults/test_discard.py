"""What a failed request removes: only the files it wrote itself that no committed row names."""

import hashlib
from pathlib import Path

from app.extensions import db
from app.photos.services import discard_unnamed
from app.photos.store import photo_store, written_in_this_request
from tests.factories import make_photo

DATA = b"\xff\xd8\xff pretend this is a processed photo \xff\xd9"
DIGEST = hashlib.sha256(DATA).hexdigest()


def test_a_request_notes_the_files_it_writes(app):
    with app.test_request_context():
        photo_store().save(DATA)
        assert list(written_in_this_request()) == [DIGEST]


def test_a_file_stored_before_the_request_is_not_noted_as_its_own(app):
    photo_store().save(DATA)
    with app.test_request_context():
        photo_store().save(DATA)
        assert written_in_this_request() == {}


def test_discard_keeps_a_file_a_committed_row_names(app):
    other = b"\xff\xd8\xff another photo \xff\xd9"
    with app.test_request_context():
        named = photo_store().save(DATA)
        unnamed = photo_store().save(other)
        written = written_in_this_request()
    db.session.add(make_photo(sha256=named))
    db.session.commit()
    assert discard_unnamed(written) == 1
    assert photo_store().exists(named) and not photo_store().exists(unnamed)


def test_discard_keeps_a_thumbnail_a_committed_row_names(app):
    with app.test_request_context():
        thumb = photo_store().save(DATA)
        written = written_in_this_request()
    db.session.add(make_photo(thumb_sha256=thumb))
    db.session.commit()
    assert discard_unnamed(written) == 0
    assert photo_store().exists(thumb)


def test_discard_keeps_a_file_another_request_stored_again_since(app):
    # Request A wrote the photo and then failed; B, a retry of the same upload waiting on the
    # same lock, found it stored and will commit a row naming it: A must not take it away.
    with app.test_request_context():
        photo_store().save(DATA)
        written = written_in_this_request()
    with app.test_request_context():
        photo_store().save(DATA)
    assert discard_unnamed(written) == 0
    assert photo_store().exists(DIGEST)


def test_discard_gives_up_quietly_on_a_file_it_cannot_remove(app, monkeypatch):
    with app.test_request_context():
        photo_store().save(DATA)
        written = written_in_this_request()

    def read_only(*_args, **_kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", read_only)
    assert discard_unnamed(written) == 0
