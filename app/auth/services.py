"""Creating and changing users and departments. Services check first, then change, then flush."""

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.audit.services import record
from app.auth.models import Department, User
from app.auth.passwords import check_new_password
from app.common.errors import DomainError
from app.common.permissions import ROLES
from app.common.vocab import THEMES
from app.extensions import db

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{1,39}$")
DEPARTMENT_CODE_RE = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
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
    """Add a user; the username is stored in lower case and must be free. A password set by an
    administrator (`actor`) must be changed at first login; the command line's (actor None) is
    the operator's own."""
    username = username.strip().lower()
    if not USERNAME_RE.match(username):
        raise DomainError(
            _("Use 2–40 lower-case letters, digits, dots, hyphens or underscores."), "username"
        )
    if _username_taken(username):
        raise DomainError(_("The username %(name)s is taken.", name=username), "username")
    _check_role(role, department)
    check_new_password(password, username)
    user = User(
        username=username,
        full_name=full_name.strip(),
        role=role,
        department=department,
        email=email or None,
        phone=phone or None,
        must_change_password=actor is not None,
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
    """Change a user's details; an admin cannot demote or deactivate themself. A new role or a
    deactivation ends the user's sessions on every device."""
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
    ends_sessions = after["role"] != before["role"] or (before["active"] and not user.active)
    record(actor, "user.update", user,
           {"before": before, "after": after, "sessions_ended": ends_sessions})
    if ends_sessions:
        end_sessions(user)
    db.session.flush()
    return user


def end_sessions(user: User) -> None:
    """End every session and remember-me cookie of `user`, on every device: they carry the
    session version (User.get_id), and the user loader refuses any but the current one."""
    # In SQL, so that two requests raising it at once both count.
    user.session_version = User.session_version + 1
    db.session.flush()


def reset_password(actor, user: User, password: str) -> None:
    """An administrator sets a new password for someone, who is logged out everywhere and must
    choose their own at the next login."""
    check_new_password(password, user.username)
    user.set_password(password)
    user.must_change_password = actor.id != user.id
    record(actor, "user.reset_password", user)
    end_sessions(user)


def change_own_password(user: User, current: str, new: str) -> None:
    """A user changes their own password, proving the current one; every session ends (the
    view logs this device in again)."""
    if not user.check_password(current):
        raise DomainError(_("The current password is not right."), "current_password")
    check_new_password(new, user.username, "new_password")
    if user.check_password(new):
        raise DomainError(_("Choose a password different from the current one."),
                          "new_password")
    user.set_password(new)
    user.must_change_password = False
    record(user, "user.change_password", user)
    end_sessions(user)


def end_other_sessions(user: User) -> None:
    """"Log out my other devices": every session ends (the view logs this device in again)."""
    record(user, "user.end_sessions", user)
    end_sessions(user)


def log_out(user: User) -> None:
    """Logging out ends the user's sessions on every device, not only this one."""
    record(user, "logout", user)
    end_sessions(user)


def set_locale(user: User, locale: str) -> None:
    user.locale = locale
    db.session.flush()


def set_theme(user: User, theme: str) -> None:
    """Keep the person's night mode choice: follow the phone (auto), always light or always dark."""
    if theme not in THEMES:
        raise DomainError(_("Choose automatic, light or dark."), "theme")
    user.theme = theme
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
