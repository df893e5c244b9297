"""`flask audit verify`: prove the hazard ledger was not altered after the fact."""

import click
from flask.cli import AppGroup

from app.hazards.chain import first_broken_link

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
def verify():
    """Walk every hazard's event chain; report the first broken link (exit status 1)."""
    broken, count = first_broken_link()
    if broken is not None:
        raise click.ClickException(f"Broken link after {count} events: {broken}")
    click.echo(f"All {count} hazard events verified: the chain is intact.")
