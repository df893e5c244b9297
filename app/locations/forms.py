"""The location form."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.auth.queries import department_choices
from app.common.forms import OptionalIdSelect, choices
from app.common.vocab import RISK_LEVELS
from app.locations.queries import location_types


class LocationForm(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(), Length(max=20)],
                       description=_l("Printed on the label, such as O2-B1-01."))
    name_zh = StringField(_l("Name in Chinese"), [DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), [DataRequired(), Length(max=120)])
    location_type_id = OptionalIdSelect(_l("Type"), [DataRequired()])
    department_id = OptionalIdSelect(_l("Owning department"), [DataRequired()])
    building = StringField(_l("Building"), [Optional(), Length(max=60)])
    floor = StringField(_l("Floor"), [Optional(), Length(max=10)])
    risk_level = SelectField(_l("Risk colour"), [DataRequired()])
    is_active = BooleanField(_l("In use (inspected and shown in lists)"), default=True)
    is_major_source = BooleanField(_l("Major hazard source (needs a risk-source card)"))
    source_hazards = TextAreaField(_l("Hazards present"), [Optional(), Length(max=2000)])
    source_controls = TextAreaField(_l("Control measures"), [Optional(), Length(max=2000)])
    source_responsible = StringField(_l("Responsible person"), [Optional(), Length(max=80)])
    source_emergency = TextAreaField(_l("Emergency measures"), [Optional(), Length(max=2000)])
    source_monitoring = StringField(_l("Monitoring frequency"), [Optional(), Length(max=200)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        none = ("", _l("— choose —"))
        self.location_type_id.choices = choices([none] + [(t.id, t.name) for t in location_types()])
        self.department_id.choices = department_choices(
            keep_id=getattr(kwargs.get("obj"), "department_id", None), none_label=none[1]
        )
        self.risk_level.choices = choices([none, *RISK_LEVELS.items()])
