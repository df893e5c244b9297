"""user theme: auto, light or dark

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03 10:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    # Existing users follow their phone's setting, as everyone did before.
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=8), nullable=False,
                                      server_default='auto'))
        batch_op.create_check_constraint(batch_op.f('ck_users_theme'), "theme IN ('auto', 'light', 'dark')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_theme'), type_='check')
        batch_op.drop_column('theme')
