"""A snapshot taken while guards' phones are submitting holds every inspection accepted before
it began, with every photo it names, and restores into an instance whose audit chain holds."""

import io
import os
import threading
import uuid
from datetime import datetime

from sqlalchemy import select

from app.backup import snapshot
from app.backup.snapshot import take_snapshot
from app.extensions import db
from app.inspections.models import Inspection
from app.photos.models import Photo
from app.photos.store import photo_store
from tests.api.conftest import bearer
from tests.factories import make_location, make_template, make_user
from tests.images import jpeg

PHONES = 3
WAIT = 60  # seconds; a bound for a stuck test, never reached when things work


class Phones:
    """Threads that each submit failed checklists with a photo, as a phone's outbox does,
    until told to stop; `accepted` lists the UUIDs the server answered 201 for, in order."""

    def __init__(self, app, location, version):
        self.app, self.location, self.version = app, location, version
        self.headers = [bearer(make_user()) for _ in range(PHONES)]
        self.token, self.item_ids = location.qr_token, [item.id for item in version.items]
        self.version_id = version.id
        self.accepted, self.failures = [], []
        self.changed = threading.Condition()
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(h,)) for h in self.headers]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *_exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(WAIT)

    def wait_for(self, count: int) -> list[str]:
        with self.changed:
            assert self.changed.wait_for(lambda: len(self.accepted) >= count or self.failures,
                                         WAIT), "the phones stalled"
            assert not self.failures, self.failures
            return list(self.accepted)

    def _run(self, headers):
        client = self.app.test_client()
        while not self.stop.is_set():
            # Each photo different: the same bytes would be one file, stored once.
            color = tuple(os.urandom(3))
            photo_uuid = str(uuid.uuid4())
            upload = client.post("/api/v1/photos", headers=headers,
                                 content_type="multipart/form-data",
                                 data={"uuid": photo_uuid, "location_token": self.token,
                                       "file": (io.BytesIO(jpeg(320, 240, color=color)), "p.jpg")})
            body = {"uuid": str(uuid.uuid4()), "location_token": self.token,
                    "version_id": self.version_id, "kind": "patrol",
                    "answers": [{"item_id": self.item_ids[0], "outcome": "fail",
                                 "photos": [photo_uuid]}]}
            response = client.post("/api/v1/inspections", json=body, headers=headers)
            with self.changed:
                if (upload.status_code, response.status_code) == (201, 201):
                    self.accepted.append(body["uuid"])
                else:
                    self.failures.append((upload.status_code, response.status_code,
                                          response.text))
                self.changed.notify_all()


def test_a_snapshot_taken_during_submissions_restores_all_accepted_before(
        app, backup, fresh, monkeypatch, engine):
    location = make_location()
    version = make_template(location.location_type, items=1).current_version
    db.session.commit()
    with Phones(app, location, version) as phones:
        # After each step of the backup more inspections (and their photo files) arrive, so
        # that whichever step came first, the other meets rows or files the first did not:
        # the race in which a careless order loses photos.
        def then_more_arrive(step):
            def wrapped(*args):
                result = step(*args)
                phones.wait_for(len(phones.accepted) + 3)
                return result
            return wrapped

        dump = "dump_sqlite" if engine == "sqlite" else "dump_postgres"
        for step in (dump, "copy_photos"):
            monkeypatch.setattr(snapshot, step, then_more_arrive(getattr(snapshot, step)))
        before = phones.wait_for(3)
        take_snapshot(backup, keep=14, now=datetime(2026, 12, 3, 18, 0))
        phones.wait_for(len(phones.accepted) + 3)

    with fresh.app_context():
        result = fresh.test_cli_runner().invoke(args=["restore", str(backup)])
        assert result.exit_code == 0, result.output
        restored = set(db.session.scalars(select(Inspection.uuid)))
        photos = db.session.scalars(select(Photo)).all()
        assert set(before) <= restored
        assert all(photo_store().exists(p.sha256) and photo_store().exists(p.thumb_sha256)
                   for p in photos)
        db.session.remove()
