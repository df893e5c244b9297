"""Mark a test database (made by create_all) as migrated, as `flask db upgrade` would have."""

from alembic.config import Config
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from app.extensions import db


def stamp(app, revision: str = "heads") -> None:
    """Write `revision` into alembic_version without running env.py (which would reconfigure
    logging)."""
    config = Config()
    config.set_main_option("script_location", app.extensions["migrate"].directory)
    with db.engine.begin() as conn:
        MigrationContext.configure(conn).stamp(ScriptDirectory.from_config(config), revision)
