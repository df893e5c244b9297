"""Form helpers shared by every module."""

from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from wtforms import SelectField
from wtforms.fields.choices import SelectChoice

from app.common.errors import DomainError


def choices(pairs) -> list[SelectChoice]:
    """Select options from (value, label) pairs; labels may be lazy translations."""
    return [SelectChoice(value, label) for value, label in pairs]


# The largest id a database integer column holds on every engine we run on.
MAX_ID = 2**31 - 1


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


def show_domain_error(form, error: DomainError) -> None:
    """Put a service's refusal beside the field it names, or above the form."""
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
