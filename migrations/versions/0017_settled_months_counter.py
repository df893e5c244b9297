"""settled months: a second change counter, bumped only by changes to months before this one

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 21:20:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade():
    # Stamped now: two hospitals' databases sharing one Redis never start at the same version.
    op.get_bind().execute(
        sa.text("INSERT INTO change_counters (name, value, changed_at) "
                "VALUES ('settled', 0, :now)"),
        {"now": datetime.now(UTC).replace(tzinfo=None)})


def downgrade():
    op.execute("DELETE FROM change_counters WHERE name = 'settled'")
