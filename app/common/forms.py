"""Form helpers shared by every module."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from marshmallow import validate
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length

from app.common.errors import DomainError
from app.extensions import db


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value, label) for value, label in pairs]


# The largest id a database integer column holds on every engine we run on.
MAX_ID = 2**31 - 1

# The longest note, description or reason a page or the API takes; longer text is refused
# beside its field, never cut.
TEXT_MAX = 2000
# The rectification plan's measures, contingency plan and interim controls.
PLAN_TEXT_MAX = 4000


TOO_LONG = _l(
    "At most %(max)d characters, and this has %(length)d: shorten it and send it again.")


API_TOO_LONG = _l("At most {max} characters: shorten it and send it again.")


def text_length(limit: int = TEXT_MAX) -> Length:
    """The validator for a text a person writes: at most `limit` characters."""
    return Length(max=limit, message=TOO_LONG)


def api_text_length(limit: int = TEXT_MAX) -> validate.Length:
    """The same limit for the API's schemas, in the caller's language (marshmallow's own
    sentence is English only)."""
    return validate.Length(max=limit, error=API_TOO_LONG)


def any_id(value) -> int | None:
    """A form filter: a database id, or None for anything else (the field is then unset)."""
    try:
        return record_id(value)
    except (TypeError, ValueError):
        return None


def one_line_breaks(value):
    """A textarea's line breaks as one character each, as the browser counted them for
    `maxlength` (a form sends each as CR LF)."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


TEXT_FILTERS = [one_line_breaks]


def record_id(value) -> int:
    """A database id from a query string (`args.get(name, type=record_id)`): a ValueError,
    so no filter, unless it is a whole number an id column can hold."""
    number = int(value)
    if not 1 <= number <= MAX_ID:
        raise ValueError(f"not an id: {value!r}")
    return number


def optional_int(value):
    """Coerce a select's value to int, with '' (nothing chosen) as None."""
    if value in (None, "", "None"):
        return None
    return int(value)


class OptionalIdSelect(SelectField):
    """A select of database ids where choosing nothing is allowed."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, coerce=optional_int, **kwargs)

    def pre_validate(self, form):
        if self.data is None:
            return
        super().pre_validate(form)


def form_status(form) -> int:
    """400 for a submitted form that was refused, else 200."""
    return 400 if form.is_submitted() and (form.errors or form.form_errors) else 200


def undo_refused() -> None:
    """The one rule when a page refuses a request: roll back what it flushed before the page is
    shown again, so that nothing half done is shown, or committed by a later write."""
    db.session.rollback()


def refusal(form) -> DomainError:
    """The first thing a form's validation refused, as a DomainError naming its field (for the
    pages whose templates show one error beside its field)."""
    for name, errors in form.errors.items():
        if errors:
            return DomainError(errors[0], name)
    return DomainError(form.form_errors[0] if form.form_errors else "")


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal beside the field it names, or above the form, after undoing what
    the refused request flushed."""
    undo_refused()
    field = getattr(form, error.field, None) if error.field else None
    if field is not None:
        field.errors = [*field.errors, error.message]
    else:
        form.form_errors.append(error.message)


def safe_next(target: str | None) -> str | None:
    """`target` if it is a path on this site, else None (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


NONE_CHOICE = ("", _l("— none —"))
