"""`flask users create`: the first administrator on a new installation."""

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.auth import services
from app.auth.models import Department
from app.common.errors import DomainError
from app.extensions import db

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Full name shown in the app.")
@click.option("--role", default="admin", show_default=True,
              type=click.Choice(["admin", "manager", "dept_lead", "inspector", "viewer"]))
@click.option("--department", "department_code", help="Department code, e.g. ZWK.")
@click.password_option(help="Asked for when not given.")
def create(username, full_name, role, department_code, password):
    """Create a user (an administrator unless --role says otherwise)."""
    department = None
    if department_code:
        department = db.session.scalar(
            select(Department).where(Department.code == department_code.upper()))
        if department is None:
            raise click.ClickException(f"No department has the code {department_code}.")
    try:
        user = services.create_user(None, username=username, full_name=full_name, role=role,
                                    password=password, department=department)
    except DomainError as e:
        raise click.ClickException(e.message) from e
    db.session.commit()
    click.echo(f"Created {user.username} ({user.role}).")
