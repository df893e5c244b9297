"""`flask notify`: send the hazard notices that are due (run it from cron every few minutes)."""

import click
from flask.cli import with_appcontext

from app.notices.channels import ChannelConfigError
from app.notices.services import send_due_notices


@click.command("notify")
@click.option("--dry-run", is_flag=True,
              help="List what would go out now; send nothing and record nothing.")
@with_appcontext
def notify_command(dry_run):
    """Email and post to the group-chat robot every hazard notice that is due, each once."""
    try:
        summary = send_due_notices(dry_run=dry_run)
    except ChannelConfigError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Email: {summary.email or 'off (SMTP_HOST is unset)'}.")
    click.echo(f"Webhook: {summary.webhook or 'off (NOTIFY_WEBHOOK_URL is unset)'}.")
    if dry_run:
        for number in summary.supervised:
            click.echo(f"would mark supervised (督办): {number}")
        for what, number, recipients in summary.dues:
            click.echo(f"due {what} {number or '-'} to {', '.join(recipients) or 'nobody'}")
        for kind, key, channel, recipient, subject in summary.planned:
            click.echo(f"would send {kind} {key} by {channel} to {recipient}: {subject}")
        click.echo(f"Dry run: {len(summary.planned)} to send, {summary.deferred} over the "
                   "robot's per-run limit; nothing sent or recorded.")
    else:
        for number in summary.supervised:
            click.echo(f"Marked supervised (督办): {number}")
        click.echo(f"Sent {summary.sent}, failed {summary.failed}, left for the next run "
                   f"{summary.deferred}.")
    for error in summary.errors:
        click.echo(f"failed: {error}", err=True)
    if summary.given_up:
        click.echo(f"Gave up on {summary.given_up} after the last allowed try "
                   "(NOTIFY_MAX_ATTEMPTS).", err=True)
    if summary.without_email:
        click.echo("No email address: " + ", ".join(sorted(summary.without_email)) + ".")
    if summary.unaddressed:
        click.echo("Nobody to tell (no responsible person, active safety lead or manager): "
                   + ", ".join(summary.unaddressed) + ".")
    if summary.failed:  # cron and monitoring see it; the failed ones are tried again later
        click.get_current_context().exit(1)
