"""The language switch."""

from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField


class LanguageForm(FlaskForm):
    lang = StringField()
    next = HiddenField()
