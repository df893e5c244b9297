"""Two languages: choosing one, switching, and catalogs that cover every string."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.auth.models import User
from app.common.i18n import pick_language
from app.extensions import db

ROOT = Path(__file__).resolve().parent.parent
CATALOGS = ROOT / "app" / "translations"


@pytest.mark.parametrize(("header", "expected"), [
    ("zh-CN,zh;q=0.9,en;q=0.8", "zh_Hans"),
    ("en-US,en;q=0.9", "en"),
    ("fr-FR,en;q=0.5", "en"),
    ("de-DE", None),
])
def test_browser_language_is_matched(header, expected):
    from werkzeug.datastructures import LanguageAccept
    from werkzeug.http import parse_accept_header

    assert pick_language(parse_accept_header(header, LanguageAccept)) == expected


def test_chinese_browser_gets_chinese_pages(client):
    page = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"}).text
    assert "登录" in page and 'lang="zh-Hans"' in page


def test_english_browser_gets_english_pages(client):
    page = client.get("/login", headers={"Accept-Language": "en-GB"}).text
    assert "Log in" in page and 'lang="en"' in page


def test_unknown_browser_language_falls_back_to_chinese(client):
    assert 'lang="zh-Hans"' in client.get("/login", headers={"Accept-Language": "de"}).text


def test_switch_before_login_is_kept_in_the_session(client):
    client.post("/language", data={"lang": "zh_Hans", "next": "/login"})
    assert 'lang="zh-Hans"' in client.get("/login").text


def test_switch_is_saved_on_the_account_and_beats_the_browser(client, login):
    user = login("inspector")
    response = client.post("/language", data={"lang": "zh_Hans", "next": "/locations"})
    assert response.location == "/locations"
    assert db.session.get(User, user.id).locale == "zh_Hans"
    assert "检查点" in client.get("/locations", headers={"Accept-Language": "en"}).text


def test_switch_ignores_an_off_site_next(client):
    response = client.post("/language", data={"lang": "en", "next": "https://evil.example/"})
    assert response.location == "/"


def _messages(path: Path) -> dict[str, str]:
    with path.open("rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id}


def test_chinese_catalog_translates_every_string():
    messages = _messages(CATALOGS / "zh_Hans" / "LC_MESSAGES" / "messages.po")
    untranslated = [msgid for msgid, text in messages.items() if not text]
    assert untranslated == []


def test_catalogs_hold_every_string_in_the_code(tmp_path):
    """A new _() string without catalog entries fails here: run `make update-translations`."""
    pot = tmp_path / "messages.pot"
    pybabel = Path(sys.executable).parent / "pybabel"
    command = [str(pybabel), "extract", "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext",
               "--ignore-dirs=.*", "-o", str(pot), "."]  # .* only: _macros/ must be read too
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    wanted = set(_messages(pot))
    for lang in ("zh_Hans", "en"):
        have = set(_messages(CATALOGS / lang / "LC_MESSAGES" / "messages.po"))
        assert wanted - have == set(), lang


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_every_catalog_entry_is_well_formed(language):
    # A merge can leave a msgid without its msgstr; Babel then skips it with only a warning
    # that `make translations` hides, and the page falls back to the msgid.
    with open(CATALOGS / language / "LC_MESSAGES" / "messages.po", "rb") as f:
        read_po(f, abort_invalid=True)
