"""The favicon: the SVG the pages link, and /favicon.ico for whatever asks the site root."""

import io

from PIL import Image


def test_pages_link_the_svg_favicon_and_it_is_served(client):
    assert ('<link rel="icon" href="/static/icons/favicon.svg" type="image/svg+xml">'
            in client.get("/login").text)
    response = client.get("/static/icons/favicon.svg")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"


def test_favicon_ico_answers_at_the_root_with_three_sizes(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.cache_control.max_age == 86400
    icon = Image.open(io.BytesIO(response.data))
    assert icon.format == "ICO"
    assert icon.info["sizes"] == {(16, 16), (32, 32), (48, 48)}


def test_favicon_ico_needs_no_login_even_before_a_password_change(client, login):
    login("inspector", must_change_password=True)
    assert client.get("/favicon.ico").status_code == 200
