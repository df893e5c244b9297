"""Two simultaneous submissions of one UUID leave one inspection and one set of hazards."""

import http.cookiejar
import threading
import urllib.parse
import urllib.request
import uuid

import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from app import create_app
from app.extensions import db
from app.hazards.models import Hazard
from app.inspections.models import Inspection
from tests.factories import make_location, make_template, make_user


def _serve(url, tmp_path, monkeypatch):
    monkeypatch.setenv("SAFEROUND_INSTANCE", str(tmp_path))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        db.create_all()
        location = make_location(code="O2-1F-01")
        template = make_template(location.location_type, items=3)
        make_user("inspector", username="guard", password="pw-123456")
        db.session.commit()
        item_ids = [i.id for i in template.current_version.items]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return app, server, item_ids


def _opener(base):
    opener = urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    login = urllib.parse.urlencode({"username": "guard", "password": "pw-123456"}).encode()
    opener.open(f"{base}/login", login)
    return opener


def _race(app, server, item_ids):
    base = f"http://127.0.0.1:{server.server_port}"
    form = {"uuid": str(uuid.uuid4()), "kind": "patrol",
            f"i{item_ids[0]}-outcome": "fail", f"i{item_ids[0]}-note": "漏气",
            f"i{item_ids[1]}-outcome": "fail", f"i{item_ids[2]}-outcome": "pass"}
    body = urllib.parse.urlencode(form).encode()
    openers = [_opener(base), _opener(base)]
    start = threading.Barrier(2)
    statuses = []

    def submit(opener):
        start.wait()
        with opener.open(f"{base}/locations/O2-1F-01/inspect", body) as response:
            statuses.append(response.status)

    threads = [threading.Thread(target=submit, args=(o,)) for o in openers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    server.shutdown()
    with app.app_context():
        counts = (db.session.scalar(select(func.count()).select_from(Inspection)),
                  db.session.scalar(select(func.count()).select_from(Hazard)))
        db.session.remove()  # give the connection back before the pool is closed
        db.engine.dispose()
    return statuses, counts


def test_simultaneous_duplicates_on_sqlite(tmp_path, monkeypatch):
    app, server, items = _serve(f"sqlite:///{tmp_path / 'race.db'}", tmp_path, monkeypatch)
    statuses, counts = _race(app, server, items)
    assert statuses == [200, 200]  # both end on the one inspection's page
    assert counts == (1, 2)


@pytest.mark.postgres
def test_simultaneous_duplicates_on_postgres(tmp_path, monkeypatch, pg_database):
    app, server, items = _serve(pg_database, tmp_path, monkeypatch)
    statuses, counts = _race(app, server, items)
    assert statuses == [200, 200]
    assert counts == (1, 2)
