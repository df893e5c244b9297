"""`flask backup DEST`, `flask backup verify DEST`, `flask restore SRC` and `flask database copy
TARGET_URL`.

Exit status: 0 done; 1 nothing done or a check failed (the message names the file); 3 the
snapshot was taken or restored, but photo files or checks are missing (the message says which):
someone must look."""

import sqlite3
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from app.backup.databases import COUNTED, BackupError
from app.backup.manifest import chosen_snapshot, problems
from app.backup.restore import restore_snapshot
from app.backup.snapshot import take_snapshot
from app.backup.transfer import copy_database
from app.common.time import utcnow
from app.extensions import db

INCOMPLETE = 3


class _SnapshotGroup(AppGroup):
    """`flask backup DEST` is `flask backup take DEST`: the nightly line stays short."""

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = ["take", *args]
        return super().parse_args(ctx, args)


backup_cli = _SnapshotGroup("backup", help="Back up the database and photos; check a backup.")
FOLDER = click.Path(file_okay=False, path_type=Path)


@backup_cli.command("take")
@click.argument("dest", type=FOLDER)
def take(dest: Path):
    """Write a snapshot into the backup folder DEST and keep the last BACKUP_KEEP days."""
    keep = current_app.config["BACKUP_KEEP"]
    if keep < 1:
        raise click.ClickException(f"BACKUP_KEEP is {keep}: set it to the number of days of "
                                   "snapshots to keep, 1 or more. No snapshot was taken.")
    try:
        taken = take_snapshot(dest, keep=keep, now=utcnow())
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    except (OSError, sqlite3.Error) as e:  # e.g. DEST full: the partial snapshot is gone
        raise click.ClickException(f"No snapshot was taken: {e}") from e
    manifest = taken.manifest
    click.echo(f"Snapshot {taken.folder}: {_counts(manifest.counts)}; "
               f"{len(manifest.photo_files)} photo files, {taken.copied} of them new.")
    if taken.pruned.snapshots or taken.pruned.photo_files:
        click.echo(f"Removed {len(taken.pruned.snapshots)} older snapshots and "
                   f"{taken.pruned.photo_files} photo files no kept snapshot names.")
    for warning in taken.pruned.warnings:
        click.echo(f"Warning: {warning}", err=True)
    if manifest.missing_photo_files:
        click.echo(f"Error: {len(manifest.missing_photo_files)} photo files named by rows are "
                   "missing or damaged in the photo store and are not in this snapshot: "
                   + ", ".join(manifest.missing_photo_files), err=True)
        sys.exit(INCOMPLETE)


@backup_cli.command("verify")
@click.argument("src", type=FOLDER)
def verify(src: Path):
    """Check a snapshot against its manifest without restoring it: SRC is a backup folder (its
    latest snapshot) or one snapshot folder in it."""
    try:
        snapshot = chosen_snapshot(src)
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    manifest, found = problems(snapshot)
    if found:
        raise click.ClickException(f"Snapshot {snapshot} is damaged:\n" + "\n".join(found))
    if manifest.missing_photo_files:
        click.echo(f"Error: snapshot {snapshot} is incomplete: "
                   f"{len(manifest.missing_photo_files)} photo files its rows name were "
                   "missing or damaged in the photo store when it was taken and are not in it: "
                   + ", ".join(manifest.missing_photo_files), err=True)
        sys.exit(INCOMPLETE)
    click.echo(f"Snapshot {snapshot} is sound: the database and {len(manifest.photo_files)} "
               f"photo files match the manifest; {_counts(manifest.counts)}.")


@click.command("restore")
@click.argument("src", type=FOLDER)
@click.option("--force", is_flag=True,
              help="Replace this instance's database and add to its photos even if not empty.")
@with_appcontext
def restore_command(src: Path, force: bool):
    """Restore a snapshot into this (empty) instance, then run the audit verification. SRC is a
    backup folder (its latest snapshot) or one snapshot folder in it."""
    try:
        snapshot = chosen_snapshot(src)
        restored = restore_snapshot(snapshot, force=force)
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    except (OSError, sqlite3.Error) as e:
        raise click.ClickException(f"The restore stopped part way: {e}. Fix the cause, then "
                                   "run it again with --force.") from e
    click.echo(f"Restored {snapshot} (taken {restored.manifest.taken_at}, migration "
               f"{restored.manifest.revision or 'none'}): {_counts(restored.counts)}; "
               f"{restored.photo_files_copied} photo files copied.")
    if restored.faults:
        click.echo("Error: the restored instance is not what the snapshot held:\n"
                   + "\n".join(restored.faults), err=True)
        sys.exit(INCOMPLETE)
    click.echo(f"Audit verification: all {restored.events_verified} hazard events verified; "
               "the chain is intact. Next: `flask db upgrade`, then start the application.")


database_cli = AppGroup("database", help="Move this instance's records to another database.")


@database_cli.command("copy")
@click.argument("target_url")
def copy_command(target_url: str):
    """Copy every row of this instance's database (DATABASE_URL) into TARGET_URL, a new, empty
    database that `flask db upgrade` made at the same migration (from SQLite to PostgreSQL, when
    one box becomes several), then run the audit verification on the copy. Stop the app first:
    what it accepts during the copy is not copied."""
    from app import create_app
    from app.hazards.chain import first_broken_link

    try:
        copied = copy_database(db.engine, target_url)
    except BackupError as e:
        raise click.ClickException(str(e)) from e
    click.echo(f"Copied {sum(copied.counts.values())} rows in {len(copied.counts)} tables; "
               "every table's count matches. " + _counts(copied.counts) + ".")
    with create_app({"SQLALCHEMY_DATABASE_URI": target_url}).app_context():
        broken, verified = first_broken_link()
        db.session.remove()
        db.engine.dispose()
    if broken is not None:
        raise click.ClickException(f"Audit verification of the copy: broken link after "
                                   f"{verified} events: {broken}")
    click.echo(f"Audit verification of the copy: all {verified} hazard events verified. Next: "
               "set DATABASE_URL to the new database on every host and start the app.")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{counts.get(table)} {table.replace('_', ' ')}" for table in COUNTED)
