"""Whose request this is: sessions that end when they should, and the password change that
comes before anything else."""

from flask import Flask, redirect, request, url_for
from flask_login import current_user

from app.api.errors import is_api_request
from app.api.problems import problem
from app.auth import throttle
from app.auth.models import User
from app.common.forms import MAX_ID
from app.extensions import db, login_manager

# What someone who must first change their password may still open.
OPEN_WHILE_CHANGING_PASSWORD = frozenset({
    "auth.change_password", "auth.logout", "static", "main.set_language",
    "pwa.service_worker", "pwa.manifest", "pwa.offline", "pwa.favicon",
})


def load_user(user_id: str) -> User | None:
    """Flask-Login's user loader, for the session and the remember-me cookie alike: the value
    is "<id>:<session version>" (User.get_id). Another version (raised by a logout, a password
    change, a reset, a new role or a deactivation) or a bare id from before versions is nobody."""
    id_part, sep, version_part = user_id.partition(":")
    if not sep or not id_part.isdigit() or not version_part.isdigit():
        return None
    user_id_number = int(id_part)
    if not 1 <= user_id_number <= MAX_ID:
        return None
    user = db.session.get(User, user_id_number)
    if user is None or user.session_version != int(version_part):
        return None
    return user


def require_password_change():
    """Before each request: a person whose password an administrator set is sent to change it
    (pages) or refused with a 403 (API) until they have."""
    if request.endpoint in OPEN_WHILE_CHANGING_PASSWORD:
        return None
    api = is_api_request()
    if api and "Authorization" in request.headers:
        return None  # a personal API token is not a login with that password
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    if api:
        problem("auth.password_change_required")
    return redirect(url_for("auth.change_password"))


def init_app(app: Flask) -> None:
    """Logins for the app: the user loader, the throttle and the password-change gate. Called
    after the API is set up, so that a personal token is read before the gate runs."""
    login_manager.user_loader(load_user)
    throttle.init_app(app)
    app.before_request(require_password_change)
