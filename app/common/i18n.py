"""Language choice and bilingual database fields."""

from flask import current_app, has_request_context, request, session
from flask_babel import get_locale
from flask_login import current_user

LANGUAGE_NAMES = {"zh_Hans": "中文", "en": "English"}


def pick_language(accept_languages) -> str | None:
    """The first supported language in an Accept-Language header, or None."""
    for value, _quality in accept_languages:
        code = value.lower().replace("_", "-")
        if code.startswith("zh"):
            return "zh_Hans"
        if code.startswith("en"):
            return "en"
    return None


def select_locale() -> str:
    """The user's own setting, else the session's switch, else the browser's, else Chinese."""
    if not has_request_context():  # CLI, tests and background work
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and current_user.is_authenticated and current_user.locale:
        return current_user.locale
    if session.get("lang") in current_app.config["LANGUAGES"]:
        return session["lang"]
    return pick_language(request.accept_languages) or current_app.config["BABEL_DEFAULT_LOCALE"]


def is_english() -> bool:
    return str(get_locale()) == "en"


def localized(obj, field: str) -> str:
    """`obj.<field>_en` in English, else `obj.<field>_zh`; falls back to the other when empty."""
    zh = getattr(obj, f"{field}_zh", None) or ""
    en = getattr(obj, f"{field}_en", None) or ""
    return (en or zh) if is_english() else (zh or en)
