"""The four-don'ts review form and the administrator's window setting."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, TextAreaField
from wtforms.validators import InputRequired, NumberRange

from app.common.forms import TEXT_FILTERS, text_length
from app.recurrence.services import WINDOW_DAYS_MAX


class ReviewForm(FlaskForm):
    """四不放过: four required texts (required by the service, which names the empty one)."""

    cause = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    responsibility = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    measures = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)
    training = TextAreaField(validators=[text_length()], filters=TEXT_FILTERS)


class WindowForm(FlaskForm):
    window_days = IntegerField(
        _l("Recurrence window (days)"),
        validators=[InputRequired(_l("Give a whole number of days.")),
                    NumberRange(1, WINDOW_DAYS_MAX,
                                _l("Give a whole number of days from 1 to %(max)d.",
                                   max=WINDOW_DAYS_MAX))])
