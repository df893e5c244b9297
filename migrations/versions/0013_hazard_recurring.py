"""hazard recurring flag

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 13:50:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # Cards reported before recurrences were looked for count as first occurrences.
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recurring', sa.Boolean(), nullable=False,
                                      server_default=sa.text('false')))


def downgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_column('recurring')
