"""Backup and restore: consistent snapshots of the database and the photos they name."""
