"""settings an administrator changes in the app

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03 13:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'settings',
        sa.Column('key', sa.String(length=60), nullable=False),
        sa.Column('value', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_settings_updated_by_id_users')),
        sa.PrimaryKeyConstraint('key', name=op.f('pk_settings')),
    )


def downgrade():
    op.drop_table('settings')
