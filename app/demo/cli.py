"""`flask demo load`: the demo hospital."""

import click
from flask.cli import AppGroup

from app.demo.loader import load_demo

demo_cli = AppGroup("demo", help="The demo hospital.")


@demo_cli.command("load")
def load():
    """Create the demo hospital (running it again creates nothing twice)."""
    load_demo(log=click.echo)
