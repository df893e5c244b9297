"""`flask audit verify`: prove the hazard ledger was not altered after the fact; `flask audit
anchor`: sign today's heads into the anchor file, so that `verify --anchors` can prove it even
against someone who can write to the database."""

import click
from flask.cli import AppGroup
from sqlalchemy.exc import SQLAlchemyError

from app.audit.anchor_check import check_anchors
from app.audit.anchor_mail import mail_anchor, mail_channel
from app.audit.anchors import AnchorError, leave_note, write_anchor
from app.extensions import db
from app.hazards.chain import first_broken_link
from app.notices.channels import ChannelConfigError, ChannelError

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
@click.option("--anchors", "with_anchors", is_flag=True,
              help="Also check the signed anchors (AUDIT_KEY, AUDIT_ANCHOR_FILE): every anchored "
                   "card and audit record must be as it was anchored.")
def verify(with_anchors):
    """Walk every hazard's event chain; report the first broken link (exit status 1)."""
    broken, count = first_broken_link()
    if broken is not None and not with_anchors:
        raise click.ClickException(f"Broken link after {count} events: {broken}")
    if broken is None:
        click.echo(f"All {count} hazard events verified: the chain is intact.")
    if with_anchors:
        _verify_anchors(broken, count)


def _verify_anchors(broken, count) -> None:
    try:
        report = check_anchors()
    except AnchorError as e:
        raise click.ClickException(str(e)) from e
    problems = ([f"Broken link after {count} events: {broken}"] if broken else []) \
        + report.problems
    if report.anchors:
        last_at = report.last_at[:16].replace("T", " ")
        click.echo(f"Anchors: {report.anchors}, the last of {last_at} UTC; they "
                   f"cover {report.events} events on {report.cards} cards and "
                   f"{report.records} audit records.")
    click.echo(f"Not anchored yet (written after the last anchor, not protected until the next "
               f"one): {report.unanchored_events} events on {report.unanchored_cards} cards, "
               f"{report.unanchored_records} audit records.")
    if problems:
        for problem in problems:
            click.echo(problem, err=True)
        raise click.ClickException(f"{len(problems)} problems: the audit trail is not as it "
                                   "was anchored.")
    click.echo("Every anchored card and audit record is as it was anchored.")


@audit_cli.command("anchor")
def anchor():
    """Append today's signed anchor to AUDIT_ANCHOR_FILE (and mail it to AUDIT_ANCHOR_MAIL_TO);
    run it daily from cron."""
    try:
        channel = mail_channel()
        written = write_anchor()
    except (AnchorError, ChannelConfigError) as e:
        raise click.ClickException(str(e)) from e
    anchor = written.anchor
    click.echo(f"Anchor {anchor['n']} written to {written.path}: {len(anchor['cards']['changed'])} "
               f"of {anchor['cards']['total']} cards changed, {len(anchor['audit']['records'])} "
               f"new audit records.")
    failed = False
    try:
        leave_note(written)  # for /admin on the hosts without the file
        db.session.commit()
    except SQLAlchemyError as e:
        db.session.rollback()
        click.echo(f"The anchor was written, but /admin cannot be told of it (the database "
                   f"refused: {e.__class__.__name__}); it will be at the next anchor.", err=True)
        failed = True
    if channel is not None:
        try:
            mail_anchor(channel, anchor, written.line, written.path)
            click.echo(f"Mailed by {channel.describe()}.")
        except ChannelError as e:
            click.echo(f"The anchor was written but not mailed: {e}", err=True)
            failed = True
    for warning in written.warnings:
        click.echo(f"warning: {warning}", err=True)
    if failed or written.warnings:  # cron and monitoring see it
        click.get_current_context().exit(1)
