"""figures version: a change counter for the wall's and dashboard's ETags; read indexes

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 17:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('change_counters',
                    sa.Column('name', sa.String(length=40), nullable=False),
                    sa.Column('value', sa.BigInteger(), nullable=False),
                    sa.Column('changed_at', sa.DateTime(), nullable=True),
                    sa.PrimaryKeyConstraint('name', name=op.f('pk_change_counters')))
    op.execute("INSERT INTO change_counters (name, value) VALUES ('figures', 0)")


def downgrade():
    op.drop_table('change_counters')
