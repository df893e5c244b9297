"""Creating and changing users and departments. Services check first, then change, then flush."""

import re
import secrets
from functools import cache

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.models import Department, User
from app.common.errors import DomainError
from app.common.permissions import ROLES
from app.extensions import db

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
DEPARTMENT_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
MIN_PASSWORD_LENGTH = 8


def authenticate(username: str, password: str) -> User | None:
    """The active user with these credentials, or None."""
    user = db.session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None:
        # Hash anyway, so the answer takes as long whether or not the username exists.
        User(password_hash=_dummy_hash()).check_password(password)
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


@cache
def _dummy_hash() -> str:
    user = User()
    user.set_password(secrets.token_hex(16))
    return user.password_hash


def _check_password(password: str, field: str = "password") -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DomainError(
            _("A password needs at least %(n)d characters.", n=MIN_PASSWORD_LENGTH), field
        )


def _check_role(role: str, department: Department | None) -> None:
    if role not in ROLES:
        raise DomainError(_("Choose one of the listed roles."), "role")
    if role == "dept_lead" and department is None:
        raise DomainError(_("A department safety lead needs a department."), "department_id")


def _username_taken(username: str, exclude_id: int | None = None) -> bool:
    query = select(func.count()).select_from(User).where(User.username == username)
    if exclude_id is not None:
        query = query.where(User.id != exclude_id)
    return db.session.scalar(query) > 0


def create_user(
    actor,
    *,
    username: str,
    full_name: str,
    role: str,
    password: str,
    department: Department | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    """Add a user; the username is stored in lower case and must be free."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(
            _("Use 2–40 lower-case letters, digits, dots, hyphens or underscores."), "username"
        )
    if _username_taken(username):
        raise DomainError(_("The username %(name)s is taken.", name=username), "username")
    _check_role(role, department)
    _check_password(password)
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role,
        department=department,
        email=email or None,
        phone=phone or None,
    )
    user.set_password(password)
    db.session.add(user)
    if actor is not None:
        record(actor, "user.create", user, {"username": username, "role": role})
    db.session.flush()
    return user


def update_user(
    actor,
    user: User,
    *,
    full_name: str,
    role: str,
    department: Department | None,
    email: str | None,
    phone: str | None,
    active: bool,
) -> User:
    """Change a user's details; an admin cannot demote or deactivate themself."""
    _check_role(role, department)
    if user.id == actor.id and (role != "admin" or not active):
        raise DomainError(
            _("You cannot remove your own administrator role or deactivate yourself."), "role"
        )
    before = {"role": user.role, "active": user.active, "department_id": user.department_id}
    user.full_name = full_name.strip()
    user.role = role
    user.department = department
    user.email = email or None
    user.phone = phone or None
    user.active = active
    after = {"role": user.role, "active": user.active, "department_id": user.department_id}
    record(actor, "user.update", user, {"before": before, "after": after})
    db.session.flush()
    return user


def reset_password(actor, user: User, password: str) -> None:
    """An administrator sets a new password for someone."""
    _check_password(password)
    user.set_password(password)
    record(actor, "user.reset_password", user)
    db.session.flush()


def change_own_password(user: User, current: str, new: str) -> None:
    """A user changes their own password, proving the current one."""
    if not user.check_password(current):
        raise DomainError(_("The current password is not right."), "current_password")
    _check_password(new, "new_password")
    user.set_password(new)
    db.session.flush()


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()


def save_department(
    actor, department: Department | None, *, code: str, name_zh: str, name_en: str, active=True
) -> Department:
    """Create (department None) or update a department; codes are unique."""
    code = code.strip().upper()
    if not DEPARTMENT_CODE_RE.match(code):
        raise DomainError(_("Use 2–12 capital letters or digits, starting with a letter."), "code")
    taken = select(func.count()).select_from(Department).where(Department.code == code)
    if department is not None:
        taken = taken.where(Department.id != department.id)
    if db.session.scalar(taken):
        raise DomainError(_("The code %(code)s is taken.", code=code), "code")
    creating = department is None
    if creating:
        department = Department()
        db.session.add(department)
    department.code = code
    department.name_zh = name_zh.strip()
    department.name_en = name_en.strip()
    department.is_active = active
    record(actor, "department.create" if creating else "department.update", department,
           {"code": code})
    db.session.flush()
    return department
