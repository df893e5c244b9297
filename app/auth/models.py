"""Departments and users."""

from datetime import datetime

from flask import current_app
from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String, text
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.common.i18n import localized
from app.common.permissions import ROLES
from app.common.sql import one_of
from app.common.time import utcnow
from app.common.vocab import THEMES
from app.extensions import db


class Department(db.Model):
    """科室: owns locations and hazards."""

    __tablename__ = "departments"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name_zh: Mapped[str] = mapped_column(String(80))
    name_en: Mapped[str] = mapped_column(String(120))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list["User"]] = relationship(back_populates="department")

    @property
    def name(self) -> str:
        return localized(self, "name")

    def __repr__(self) -> str:
        return f"<Department {self.code}>"


class User(UserMixin, db.Model):
    """用户: one role and, for everyone but admins and managers, a department."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(one_of("role", ROLES), name="role"),
        CheckConstraint("locale IS NULL OR locale IN ('zh_Hans', 'en')", name="locale"),
        CheckConstraint("role != 'dept_lead' OR department_id IS NOT NULL", name="lead_has_dept"),
        CheckConstraint(one_of("theme", THEMES), name="theme"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(40), unique=True)
    full_name: Mapped[str] = mapped_column(String(80))
    email: Mapped[str | None] = mapped_column(String(120))
    phone: Mapped[str | None] = mapped_column(String(30))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    locale: Mapped[str | None] = mapped_column(String(8))
    # Named `active` because Flask-Login's `is_active` property reads it.
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Every session and remember-me cookie carries this number (see get_id); raising it ends
    # them all, on every device.
    session_version: Mapped[int] = mapped_column(default=1)
    # An administrator set the password: the person must choose their own before anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False)
    # Set when repeated failed logins lock the account, so that administrators see it and
    # every host honours it; the counters themselves live in the login throttle's storage.
    locked_until: Mapped[datetime | None]
    # 外观: "auto" follows the phone's light or dark setting; "light" and "dark" override it.
    theme: Mapped[str] = mapped_column(String(8), default="auto")
    # A manager's choice: one daily email of everything overdue and due soon, instead of one
    # message per card (app/notices/digest.py).
    daily_digest: Mapped[bool] = mapped_column(default=False, server_default=text("false"))

    department: Mapped[Department | None] = relationship(back_populates="users")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie: the id and the
        session version, so that a raised version makes both worthless."""
        return f"{self.id}:{self.session_version}"

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and self.locked_until > now

    def set_password(self, password: str) -> None:
        method = current_app.config.get("PASSWORD_HASH_METHOD", "scrypt")
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class ApiToken(db.Model):
    """个人接口令牌: lets an integration call the JSON API as its owner, with the owner's rights.

    Only the token's SHA-256 is kept; the token itself is shown once, when it is made."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # The token's first characters, so that a person can tell their tokens apart.
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
