"""Login, password, user and department forms."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Optional, Regexp

from app.auth.queries import department_choices
from app.common.forms import OptionalIdSelect, choices
from app.common.vocab import ROLE_LABELS


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), [DataRequired(), Length(max=40)])
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=200)])
    next = HiddenField()


# How long, and what else a password must (not) be, is the service's rule (app/auth/passwords.py):
# the forms only bound the input.
class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), [DataRequired(), Length(max=200)])
    new_password = PasswordField(_l("New password"), [DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("New password again"),
        [DataRequired(), EqualTo("new_password", message=_l("The two new passwords differ."))],
    )


class DepartmentForm(FlaskForm):
    code = StringField(_l("Code"), [DataRequired(), Length(max=12)],
                       description=_l("Short capital letters, such as ZWK."))
    name_zh = StringField(_l("Name in Chinese"), [DataRequired(), Length(max=80)])
    name_en = StringField(_l("Name in English"), [DataRequired(), Length(max=120)])
    is_active = BooleanField(_l("In use"), default=True)


class UserForm(FlaskForm):
    username = StringField(
        _l("Username"), [DataRequired(), Length(max=40)],
        description=_l("Lower-case letters, digits, dots, hyphens, underscores."),
    )
    full_name = StringField(_l("Full name"), [DataRequired(), Length(max=80)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()), default="inspector")
    department_id = OptionalIdSelect(_l("Department"))
    email = EmailField(_l("Email"), [Optional(), Length(max=120),
                        Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Not an email address."))])
    phone = StringField(_l("Phone"), [Optional(), Length(max=30)])
    active = BooleanField(_l("Account active"), default=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.department_id.choices = department_choices(
            keep_id=getattr(kwargs.get("obj"), "department_id", None), none_label=_l("— none —")
        )


class NewUserForm(UserForm):
    password = PasswordField(_l("Password"), [DataRequired(), Length(max=200)])


class ResetPasswordForm(FlaskForm):
    password = PasswordField(_l("New password"), [DataRequired(), Length(max=200)])


# The name's rules (needed, how long) are the service's (app/auth/tokens.py).
class ApiTokenForm(FlaskForm):
    name = StringField()


class UnlockForm(FlaskForm):
    next = HiddenField()
