"""covering indexes for the dashboard's month counts

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 18:50:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index('ix_hazards_found_at')
        batch_op.drop_index('ix_hazards_closed_at')
        batch_op.create_index('ix_hazards_found_at_status', ['found_at', 'status'], unique=False)
        batch_op.create_index('ix_hazards_closed_at_on_time', ['closed_at', 'closed_on_time'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index('ix_hazards_closed_at_on_time')
        batch_op.drop_index('ix_hazards_found_at_status')
        batch_op.create_index('ix_hazards_closed_at', ['closed_at'], unique=False)
        batch_op.create_index('ix_hazards_found_at', ['found_at'], unique=False)
