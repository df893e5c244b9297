"""Template and item forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    FloatField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, Length, Optional

from app.common.forms import OptionalIdSelect, choices
from app.common.vocab import HAZARD_LEVELS, INSPECTION_KINDS, ITEM_KINDS


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class TemplateForm(FlaskForm):
    location_type_id = OptionalIdSelect(_l("Location type"), [DataRequired()])
    name_zh = StringField(_l("Name in Chinese"), [DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), [DataRequired(), Length(max=160)])


class RenameForm(FlaskForm):
    name_zh = StringField(_l("Name in Chinese"), [DataRequired(), Length(max=120)])
    name_en = StringField(_l("Name in English"), [DataRequired(), Length(max=160)])
    quick_pass_kinds = MultiCheckboxField(
        _l("Offer “all remaining pass” for"), choices=choices(INSPECTION_KINDS.items()))


class ItemForm(FlaskForm):
    kind = SelectField(_l("Kind"), choices=choices(ITEM_KINDS.items()), default="pass_fail")
    prompt_zh = StringField(_l("Prompt in Chinese"), [DataRequired(), Length(max=200)])
    prompt_en = StringField(_l("Prompt in English"), [DataRequired(), Length(max=300)])
    guidance_zh = TextAreaField(_l("Guidance in Chinese"), [Optional(), Length(max=1000)])
    guidance_en = TextAreaField(_l("Guidance in English"), [Optional(), Length(max=1000)])
    is_required = BooleanField(_l("Must be answered"), default=True)
    photo_required_on_fail = BooleanField(_l("Photo required when it fails"))
    photo_required = BooleanField(_l("Photo always required (unless not applicable)"))
    default_level = SelectField(_l("Hazard level a failure raises"),
                                choices=choices(HAZARD_LEVELS.items()), default="general")
    min_value = FloatField(_l("Lowest allowed value"), [Optional()])
    max_value = FloatField(_l("Highest allowed value"), [Optional()])
    unit = StringField(_l("Unit"), [Optional(), Length(max=20)])

    def item_fields(self) -> dict:
        return {name: f.data for name, f in self._fields.items() if name != "csrf_token"}


class MoveItemForm(FlaskForm):
    direction = StringField()  # "up", or else down
