"""`flask photos gc`: remove photo files nothing uses (a dry run unless told)."""

import click
from flask import current_app
from flask.cli import AppGroup

from app.photos.gc import collect_photo_garbage

photos_cli = AppGroup("photos", help="Photo files.")


@photos_cli.command("gc")
@click.option("--apply", is_flag=True, help="Delete. Without it, only count (dry run).")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Grace period in days (default: PHOTO_STAGED_DAYS).")
def gc(apply, days):
    """Remove staged photos never claimed and photo files no row names, once older than the
    grace period; print the counts and bytes."""
    days = days or current_app.config["PHOTO_STAGED_DAYS"]
    found = collect_photo_garbage(days=days, apply=apply)
    verb = "Removed" if apply else "Would remove"
    click.echo(f"{verb} {found.staged_rows} staged photos never claimed (older than {days} days).")
    click.echo(f"{verb} {found.files} files no photo row names, {found.bytes} bytes "
               f"({found.bytes / 1024 ** 2:.1f} MB).")
    click.echo(f"Kept {found.young_files} files no row names yet, younger than {days} days.")
    if not apply:
        click.echo("Dry run: nothing was deleted. Run with --apply to delete.")
