"""Addresses printed or sent outside the browser: on the hospital's public base URL."""

from flask import current_app


def public_url(path: str) -> str:
    """`path` (from url_for, starting with /) on PUBLIC_BASE_URL, as labels, cards and notices
    carry it: the address staff reach on the intranet, not whatever host served this request."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path
