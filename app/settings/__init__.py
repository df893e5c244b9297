"""Settings an administrator changes in the app (kept in the database, not the environment)."""
