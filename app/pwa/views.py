"""The installable app: manifest, the service worker at the site root, offline and outbox pages."""

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, render_template, request, send_from_directory, url_for
from flask_login import login_required

bp = Blueprint("pwa", __name__)

THEME_COLOR = "#0b5394"
# The phone's status bar beside the top bar, in each theme (--bar in static/css/app.css).
THEME_COLORS = {"light": THEME_COLOR, "dark": "#15283d"}
ICONS = (("icon-192.png", 192, "any"), ("icon-512.png", 512, "any"),
         ("maskable-192.png", 192, "maskable"), ("maskable-512.png", 512, "maskable"))
# What the worker stores at install: it must all load, or the install fails and is retried.
SHELL_STATIC = ("css/app.css", "js/pwa.js", "js/outbox.js", "js/sync.js", "js/photos.js",
                "js/checklist.js", "js/checklist-outbox.js", "js/photo-mark.js",
                "js/outbox-page.js", "js/offline.js", "icons/favicon.svg",
                "icons/apple-touch-icon.png", *(f"icons/{name}" for name, _, _ in ICONS))
# The scanner's page and files: stored when present (another module provides them).
OPTIONAL_STATIC = ("js/scanner.js", "vendor/jsqr/jsQR.js")


@bp.app_context_processor
def theme_colors():
    return {"THEME_COLORS": THEME_COLORS}


@bp.get("/manifest.webmanifest")
def manifest():
    body = {
        "id": "/",
        "name": "SafeRound 安全巡查",
        "short_name": "SafeRound",
        "start_url": "/?source=pwa",
        "scope": "/",
        "display": "standalone",
        "theme_color": THEME_COLOR,
        "background_color": "#ffffff",
        "icons": [{"src": url_for("static", filename=f"icons/{name}"), "sizes": f"{size}x{size}",
                   "type": "image/png", "purpose": purpose} for name, size, purpose in ICONS],
    }
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False, indent=1), mimetype="application/manifest+json")
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/favicon.ico")
def favicon():
    """Browsers, bookmarks and tools ask the site root for it, whatever the pages link."""
    return send_from_directory(Path(current_app.static_folder) / "icons", "favicon.ico",
                               mimetype="image/vnd.microsoft.icon", max_age=86400)


@bp.get("/sw.js")
def service_worker():
    """static/js/sw.js with its settings filled in, from the root so that its scope is the site.

    Its version is a digest of the files it serves, so a deploy that changes one of them
    installs a new worker, which drops the old caches."""
    static = url_for("static", filename="")
    config = {
        "version": version(),
        "shell": [*(static + name for name in SHELL_STATIC), url_for(".manifest"),
                  url_for(".offline"), url_for(".outbox")],
        "optional": ["/scan", *(static + name for name in OPTIONAL_STATIC)],
        "offline": url_for(".offline"),
        "static": static,
    }
    source = (Path(current_app.static_folder) / "js" / "sw.js").read_text(encoding="utf-8")
    source = source.replace("/*CONFIG*/ null", json.dumps(config), 1)
    response = current_app.response_class(source, mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.set_etag(config["version"])
    return response.make_conditional(request)


@bp.get("/offline")
def offline():
    return render_template("pwa/offline.html")


@bp.get("/outbox")
@login_required
def outbox():
    return render_template("pwa/outbox.html")


def version() -> str:
    """A digest of everything the pages and the worker's caches are made of."""
    root = Path(current_app.root_path)
    folders = (Path(current_app.static_folder), (root / current_app.template_folder).resolve(),
               root / "translations", Path(__file__).parent)
    stamps = []
    for folder in folders:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix not in (".po", ".pot", ".pyc"):
                stat = path.stat()
                stamps.append((str(path), str(path.relative_to(folder.parent)),
                               stat.st_mtime_ns, stat.st_size))
    return _digest(tuple(stamps))


@lru_cache(maxsize=4)
def _digest(stamps: tuple) -> str:
    # Keyed on names, times and sizes: the files are read again only after they change.
    digest = hashlib.sha256()
    for path, name, _mtime, _size in stamps:
        digest.update(name.encode())
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]
