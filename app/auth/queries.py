"""Shared reads of users and departments."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.auth.models import Department, User
from app.common.forms import choices
from app.extensions import db


def departments(include_inactive: bool = False) -> list[Department]:
    query = select(Department).order_by(Department.code)
    if not include_inactive:
        query = query.where(Department.is_active)
    return list(db.session.scalars(query))


def users() -> list[User]:
    return list(
        db.session.scalars(
            select(User).options(joinedload(User.department)).order_by(User.role, User.username)
        )
    )


def locked_users(now: datetime) -> list[User]:
    """Accounts locked by failed logins at `now`, the longest lock first."""
    return list(db.session.scalars(
        select(User).options(joinedload(User.department))
        .where(User.locked_until > now).order_by(User.locked_until.desc(), User.username)))


def department_choices(none_label=None, keep_id: int | None = None) -> list:
    """Select options for the active departments (and `keep_id`, the record's own even when
    inactive), with an empty first option when none_label is given."""
    query = select(Department).order_by(Department.code)
    query = query.where(Department.is_active | (Department.id == keep_id))
    pairs = [(d.id, f"{d.code} · {d.name}") for d in db.session.scalars(query)]
    return choices([("", none_label), *pairs] if none_label is not None else pairs)
