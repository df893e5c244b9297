"""`flask users create` makes the first administrator."""

from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from tests.factories import make_department


def test_users_create_makes_an_admin(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "chief", "--name", "院长", "--password", "long-password"])
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.username == "chief"))
    assert user.role == "admin" and user.check_password("long-password")


def test_users_create_refuses_a_short_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "chief", "--name", "院长", "--password", "short"])
    assert result.exit_code != 0
    assert "至少需要 10 个字符" in result.output  # the CLI speaks the default language
    assert db.session.scalar(select(User)) is None


def test_users_create_puts_a_lead_in_a_department(app):
    make_department(code="ZWK")
    db.session.commit()
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "lead", "--name", "周静", "--role", "dept_lead", "--department", "zwk",
        "--password", "long-password"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(User).where(User.username == "lead")).department.code == "ZWK"


def test_users_create_names_an_unknown_department(app):
    result = app.test_cli_runner().invoke(args=[
        "users", "create", "lead", "--name", "周静", "--role", "dept_lead", "--department", "NOPE",
        "--password", "long-password"])
    assert result.exit_code != 0 and "NOPE" in result.output
