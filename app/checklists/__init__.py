"""Checklist templates (检查表), their immutable versions and items."""
