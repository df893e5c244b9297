"""What a new password must be: long enough, not the username, not a common password."""

from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _

from app.common.errors import DomainError

COMMON_PASSWORDS = Path(__file__).with_name("common_passwords.txt")
# A username this short turns up inside too many good passwords to refuse them all.
SHORTEST_USERNAME_REFUSED_INSIDE = 3


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def is_common(password: str) -> bool:
    return password.lower() in common_passwords()


def min_length() -> int:
    return current_app.config["PASSWORD_MIN_LENGTH"]


def check_new_password(password: str, username: str, field: str = "password") -> None:
    """Refuse a password that is short, holds the username or is on the common list."""
    if len(password) < min_length():
        raise DomainError(_("A password needs at least %(n)d characters.", n=min_length()), field)
    name, lowered = username.strip().lower(), password.lower()
    if name and (lowered == name
                 or (len(name) >= SHORTEST_USERNAME_REFUSED_INSIDE and name in lowered)):
        raise DomainError(_("A password must not contain the username."), field)
    if is_common(password):
        raise DomainError(
            _("This is one of the passwords people choose most often, and the first an attacker "
              "tries. Choose another."), field)
