"""`flask photos gc`: remove photo files nothing uses (a dry run unless told); `flask photos
migrate`: copy a photo folder into the configured bucket, verified."""

import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from app.photos.gc import collect_photo_garbage
from app.photos.migrate import NAMED_FAILURES, migrate_folder
from app.photos.store import PhotoStore, StoreUnavailable, photo_store

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


@photos_cli.command("migrate")
@click.option("--from", "folder", type=click.Path(file_okay=False, exists=True, path_type=Path),
              default=None, help="The photo folder to copy (default: PHOTO_DIR, else the "
                                 "instance's photos/).")
@click.option("--verify-present/--no-verify-present", default=True,
              help="Read back and hash files already in the store (from an earlier run) too "
                   "(default), or trust them.")
def migrate(folder, verify_present):
    """Copy a photo folder into the configured store (PHOTO_STORE=s3://...) and verify every
    file by its SHA-256. Safe to run again: what is there already is skipped (but verified).
    The folder is never changed or removed."""
    source = PhotoStore(folder or current_app.config["PHOTO_DIR"])
    target = photo_store()
    if isinstance(target, PhotoStore):
        raise click.ClickException(
            "PHOTO_STORE is not set: photos are kept in the folder already. Set PHOTO_STORE "
            "(s3://bucket/prefix) and S3_* for this command, then run it again.")
    click.echo(f"Copying {source.describe()} into {target.describe()}...")
    try:
        found = migrate_folder(source, target, verify_present=verify_present,
                               progress=_every_thousand)
    except StoreUnavailable as e:
        raise click.ClickException(f"The photo store stopped answering ({e}). What was "
                                   "copied stays; run the command again later.") from e
    failed = len(found.failures)
    click.echo(f"Copied {found.copied}, already there {found.already}, verified "
               f"{found.verified}, failed {failed}.")
    for failure in found.failures[:NAMED_FAILURES]:
        click.echo(f"Failed: {failure}", err=True)
    if failed > NAMED_FAILURES:
        click.echo(f"... and {failed - NAMED_FAILURES} more.", err=True)
    click.echo(f"The folder {source.describe()} was left as it is.")
    if failed:
        click.echo("Not done: fix what failed, then run this again.", err=True)
        sys.exit(1)
    click.echo("Next: set PHOTO_STORE and S3_* on every host and restart them; then run this "
               "command once more to copy what was stored in the folder meanwhile. Remove the "
               "folder only after that run reports 0 failed and a `flask backup` has been "
               "taken and verified.")


def _every_thousand(n: int) -> None:
    if n % 1000 == 0:
        click.echo(f"  {n} files...")
