"""The wall screen form."""

from flask_wtf import FlaskForm
from wtforms import StringField


# The name's rules (needed, how long) are the service's (app/wall/services.py).
class DisplayForm(FlaskForm):
    name = StringField()
