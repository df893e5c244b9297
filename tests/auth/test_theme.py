"""Night mode: each account keeps auto / light / dark, and the server marks every page with it,
so that the first paint is already in the chosen colours."""

import re

from app.extensions import db


def _html_theme(page: str) -> str:
    return re.search(r'<html [^>]*data-theme="([a-z]+)"', page).group(1)


def test_a_new_account_follows_the_phone(client, login):
    login("inspector")
    assert _html_theme(client.get("/").text) == "auto"


def test_the_account_page_offers_the_three_themes_with_the_current_one_chosen(client, login):
    login("inspector", theme="dark")
    page = client.get("/account").text
    assert 'action="/account/theme"' in page
    for value in ("auto", "light", "dark"):
        assert f'name="theme" value="{value}"' in page
    assert 'name="theme" value="dark" checked' in page
    assert 'name="theme" value="auto" checked' not in page


def test_choosing_dark_is_kept_on_the_account_and_marks_every_page(client, login):
    user = login("inspector")
    response = client.post("/account/theme", data={"theme": "dark"})
    assert response.status_code == 302 and response.location == "/account"
    db.session.refresh(user)
    assert user.theme == "dark"
    assert _html_theme(client.get("/").text) == "dark"
    assert _html_theme(client.get("/outbox").text) == "dark"


def test_an_unknown_theme_is_refused_and_nothing_changes(client, login):
    user = login("inspector", theme="light")
    response = client.post("/account/theme", data={"theme": "purple"})
    assert response.status_code == 400
    assert "Choose automatic, light or dark." in response.text
    db.session.refresh(user)
    assert user.theme == "light"


def test_the_login_page_follows_the_phone_with_a_bar_colour_for_each_setting(client):
    page = client.get("/login").text
    assert _html_theme(page) == "auto"
    assert '<meta name="color-scheme" content="light dark">' in page
    assert 'content="#0b5394" media="(prefers-color-scheme: light)"' in page
    assert 'content="#15283d" media="(prefers-color-scheme: dark)"' in page


def test_a_dark_account_gets_only_the_dark_bar_colour(client, login):
    login("inspector", theme="dark")
    page = client.get("/").text
    assert '<meta name="color-scheme" content="dark">' in page
    assert re.findall(r'<meta name="theme-color" content="([^"]+)">', page) == ["#15283d"]
