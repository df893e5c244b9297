"""one pending extension request per hazard

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-24 09:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

PENDING = sa.text("status = 'pending'")


def upgrade():
    # Requests that raced each other before this index: keep the earliest one waiting.
    op.execute(
        "UPDATE deadline_extensions SET status = 'refused', "
        "decision_note = 'Superseded by an earlier request waiting for a decision.' "
        "WHERE status = 'pending' AND id NOT IN ("
        "SELECT MIN(id) FROM deadline_extensions WHERE status = 'pending' GROUP BY hazard_id)"
    )
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.create_index('uq_deadline_extensions_one_pending', ['hazard_id'], unique=True,
                              sqlite_where=PENDING, postgresql_where=PENDING)


def downgrade():
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.drop_index('uq_deadline_extensions_one_pending')
