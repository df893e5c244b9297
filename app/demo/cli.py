"""`flask demo load`: the demo hospital."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.demo.loader import load_demo

demo_cli = AppGroup("demo", help="The demo hospital.")


@demo_cli.command("load")
def load():
    """Create the demo hospital (running it again creates nothing twice)."""
    if not current_app.config["ALLOWS_DEMO_SECRET"]:
        raise click.ClickException(
            "The demo (with its known passwords) loads only with SAFEROUND_ENV=development."
        )
    load_demo(log=click.echo)
