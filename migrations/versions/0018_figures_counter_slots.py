"""figures counter slots: the figures' change counter kept in 16 rows, one bumped per commit

A single row made every commit that changes a figure wait for the one before it on PostgreSQL
(bench/load.py, 1,000 guards on two hosts). The version reads the sum of the rows.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 23:58:00

"""
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

SLOTS = [f"figures:{n}" for n in range(1, 16)]


def upgrade():
    # Stamped now, as 0017: the version's time is the newest of the rows'.
    now = datetime.now(UTC).replace(tzinfo=None)
    op.get_bind().execute(
        sa.text("INSERT INTO change_counters (name, value, changed_at) VALUES (:name, 0, :now)"),
        [{"name": name, "now": now} for name in SLOTS])


def downgrade():
    # The sum and the newest time go back into the one row, so that the version still moves.
    bind = op.get_bind()
    names = ["figures", *SLOTS]
    value, changed_at = bind.execute(
        sa.text("SELECT sum(value), max(changed_at) FROM change_counters "
                "WHERE name IN :names").bindparams(sa.bindparam("names", expanding=True)),
        {"names": names}).one()
    bind.execute(sa.text("UPDATE change_counters SET value = :value, changed_at = :changed_at "
                         "WHERE name = 'figures'"),
                 {"value": (value or 0) + 1, "changed_at": changed_at})
    bind.execute(sa.text("DELETE FROM change_counters WHERE name IN :names")
                 .bindparams(sa.bindparam("names", expanding=True)), {"names": SLOTS})
