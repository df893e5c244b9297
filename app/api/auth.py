"""Who calls the API: the PWA with its session cookie, an integration with a personal token.

A request that carries `Authorization: Bearer <token>` is that token's owner and nobody else
(the session is ignored). A session's writes must carry the `X-CSRFToken` header, as the
pages' forms carry their token; a token's need not, since a browser never adds it by itself.
"""

from flask import current_app, g, request

from app.api.errors import is_api_request
from app.api.problems import problem
from app.auth.tokens import live_api_token, note_api_token_used
from app.extensions import csrf, db

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def authenticate_api_request() -> None:
    """Before each request: for the API, load a token's owner and guard session writes."""
    if not is_api_request():
        return
    header = request.headers.get("Authorization")
    if header is not None:
        scheme, _sep, secret = header.partition(" ")
        token = live_api_token(secret.strip()) if scheme.lower() == "bearer" else None
        if token is None:
            problem("auth.token_invalid")
        note_api_token_used(token)
        db.session.commit()  # kept even if the request itself is later refused
        g._login_user = token.user  # Flask-Login's current user for this request only
        return
    if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
        csrf.protect()
