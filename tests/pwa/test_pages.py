"""The installable app's server side: manifest, icons, service worker, offline and outbox pages."""

import io
import json
import re
import shutil

from PIL import Image

from app.extensions import db
from app.pwa import icons
from app.pwa.views import version
from tests.factories import make_location, make_template


def test_manifest_is_served_as_a_web_app_manifest(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200
    assert response.mimetype == "application/manifest+json"
    manifest = json.loads(response.data)
    assert manifest["name"] == "SafeRound 安全巡查"
    assert manifest["short_name"] == "SafeRound"
    assert (manifest["start_url"], manifest["scope"]) == ("/?source=pwa", "/")
    assert manifest["display"] == "standalone"
    assert manifest["theme_color"] == "#0b5394"
    assert manifest["background_color"] == "#ffffff"


def test_manifest_icons_exist_in_their_sizes_plain_and_maskable(client):
    found = set()
    for icon in client.get("/manifest.webmanifest").json["icons"]:
        response = client.get(icon["src"])
        assert response.status_code == 200, icon["src"]
        image = Image.open(io.BytesIO(response.data))
        assert image.format == "PNG"
        assert f"{image.width}x{image.height}" == icon["sizes"]
        found.add((icon["sizes"], icon["purpose"]))
        response.close()
    assert found == {("192x192", "any"), ("512x512", "any"), ("192x192", "maskable"),
                     ("512x512", "maskable")}


def test_maskable_icon_draws_only_inside_the_safe_zone():
    image = icons.draw_icon(512, maskable=True).convert("RGB")
    centre, radius = 256, 0.4 * 512
    outside = [image.getpixel((x, y)) for x in range(0, 512, 4) for y in range(0, 512, 4)
               if (x - centre) ** 2 + (y - centre) ** 2 > (radius + 2) ** 2]
    assert set(outside) == {icons.BRAND}  # full bleed, nothing of the shield cut off
    assert image.getpixel((256, 150)) == icons.WHITE  # the shield is there


def test_icons_are_drawn_once_and_quietly_after(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(icons, "ICON_DIR", tmp_path)
    icons.main([])
    assert "Drew app icons" in capsys.readouterr().out
    stamps = {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()}
    assert set(stamps) == {*icons.ICONS, icons.FAVICON}
    icons.main([])
    assert capsys.readouterr().out == ""
    assert {p.name: p.stat().st_mtime_ns for p in tmp_path.iterdir()} == stamps


def _worker_config(response) -> dict:
    match = re.search(r"const CONFIG = (\{.*?\});\n", response.get_data(as_text=True))
    assert match, "the worker's settings were not filled in"
    return json.loads(match.group(1))


def test_service_worker_is_served_from_the_root_and_revalidated(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    config = _worker_config(response)
    assert {"/offline", "/outbox", "/manifest.webmanifest", "/static/css/app.css",
            "/static/js/outbox.js", "/static/js/sync.js", "/static/icons/icon-192.png",
            "/static/icons/maskable-512.png"} <= set(config["shell"])
    assert {"/scan", "/static/js/scanner.js", "/static/vendor/jsqr/jsQR.js"} <= set(
        config["optional"])
    again = client.get("/sw.js", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_service_worker_version_follows_the_files_it_caches(app, tmp_path):
    static = tmp_path / "static"
    shutil.copytree(app.static_folder, static)
    app.static_folder = str(static)
    before = version()
    assert before == version()  # stable while nothing changes
    (static / "css" / "app.css").write_text("body { color: red; }")
    assert version() != before


def test_offline_page_needs_no_login_and_offers_the_outbox(client):
    response = client.get("/offline")
    assert response.status_code == 200
    assert 'href="/outbox"' in response.text
    assert "js/offline.js" in response.text


def test_outbox_page_needs_login(client):
    response = client.get("/outbox")
    assert response.status_code == 302
    assert "/login" in response.location


def test_outbox_page_carries_its_texts_for_the_script(client, login):
    login()
    response = client.get("/outbox")
    assert response.status_code == 200
    block = re.search(r'<script type="application/json" id="outbox-text">(.*?)</script>',
                      response.text, re.S)
    texts = json.loads(block.group(1))
    assert texts["discard"] == "Discard"
    assert "{place}" in texts["discardConfirm"]


def test_pages_link_the_manifest_and_the_outbox_badge_when_logged_in(client, login):
    anonymous = client.get("/login").text
    assert 'rel="manifest" href="/manifest.webmanifest"' in anonymous
    assert 'rel="apple-touch-icon"' in anonymous
    assert 'id="outbox-badge"' not in anonymous
    user = login()
    page = client.get("/").text
    assert 'id="outbox-badge"' in page
    assert f'data-user-id="{user.id}"' in page
    assert "js/pwa.js" in page


def test_login_page_carries_the_outbox_warning(client):
    page = client.get("/login").text
    assert 'id="outbox-warning"' in page
    assert 'id="login-form"' in page


def test_checklist_form_carries_what_the_outbox_needs(client, login):
    user = login()
    location = make_location()
    template = make_template(location.location_type, items=2)
    template.current_version.items[1].is_required = False
    db.session.commit()
    page = client.get(f"/locations/{location.code}/inspect").text
    assert f'data-location-token="{location.qr_token}"' in page
    assert f'data-location-code="{location.code}"' in page
    assert f'data-version-id="{template.current_version.id}"' in page
    assert f'data-user-id="{user.id}" data-username="{user.username}"' in page
    assert f'data-scan-url="/q/{location.qr_token}"' in page
    first, second = template.current_version.items
    assert f'data-item-id="{first.id}" data-required>' in page
    assert f'data-item-id="{second.id}">' in page
    assert 'id="checklist-text"' in page
