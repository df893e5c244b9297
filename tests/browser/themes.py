"""Helpers for the night mode browser tests: an account's theme, and whether a page is dark."""

import contextlib

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db

# The page's own background (:root's --bg): its relative luminance, 0 black to 1 white.
PAGE_LUMINANCE = """() => {
  const [r, g, b] = getComputedStyle(document.documentElement).backgroundColor
    .match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number).map(v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


def is_dark(page) -> bool:
    """True for the dark theme's background, False for the light one's; neither fails."""
    luminance = page.evaluate(PAGE_LUMINANCE)
    assert luminance < 0.05 or luminance > 0.8, f"background luminance {luminance}"
    return luminance < 0.05


@contextlib.contextmanager
def account_theme(app, username: str, theme: str):
    """The account's theme set to `theme` for the block, then back to automatic: the live
    server is shared by every test."""
    query = select(User).where(User.username == username)
    with app.app_context():
        db.session.scalar(query).theme = theme
        db.session.commit()
    try:
        yield
    finally:
        with app.app_context():
            db.session.scalar(query).theme = "auto"
            db.session.commit()
