"""escalation ladder: supervised mark, events by SafeRound itself, daily digest choice

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 14:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    # No card was supervised (督办) before the ladder existed.
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('supervised_at', sa.DateTime(), nullable=True))
    # An event SafeRound makes by itself (the supervised mark at the ladder's top) has no
    # person as its actor; every existing event keeps its person.
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.Integer(), nullable=True)
    # Everyone keeps one message per card, as before, until they choose the digest.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('daily_digest', sa.Boolean(), nullable=False,
                                      server_default=sa.text('false')))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('daily_digest')
    with op.batch_alter_table('hazard_events', schema=None) as batch_op:
        batch_op.alter_column('actor_id', existing_type=sa.Integer(), nullable=False)
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_column('supervised_at')
