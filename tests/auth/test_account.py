"""The account page: who you are, your password, your devices and your API tokens."""

from app.auth.tokens import create_api_token, revoke_api_token
from app.extensions import db


def test_the_account_page_says_who_you_are(client, login):
    user = login("inspector", full_name="李强")
    page = client.get("/account")
    assert page.status_code == 200
    assert "李强" in page.text and user.username in page.text and "Patrol inspector" in page.text


def test_the_account_page_links_the_password_change(client, login):
    login("inspector")
    assert 'href="/account/password"' in client.get("/account").text


def test_the_account_page_lists_and_links_the_api_tokens(client, login):
    user = login("inspector")
    create_api_token(user, "Monthly report")
    old, _secret = create_api_token(user, "Old script")
    revoke_api_token(user, old)
    db.session.commit()
    page = client.get("/account").text
    assert "Monthly report" in page and "Old script" in page and "Revoked" in page
    assert 'href="/account/tokens"' in page


def test_the_account_page_offers_to_log_out_other_devices(client, login):
    login("inspector")
    page = client.get("/account").text
    assert 'action="/account/sessions/end-others"' in page
    assert "Log out my other devices" in page


def test_the_top_bar_account_link_opens_the_account_page(client, login):
    login("viewer")
    assert 'class="account" href="/account"' in client.get("/").text


def test_the_token_page_links_back_to_the_account(client, login):
    login("viewer")
    assert 'href="/account"' in client.get("/account/tokens").text


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302 and response.location.startswith("/login")
