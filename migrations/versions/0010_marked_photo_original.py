"""the untouched original of a marked photo

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03 10:40:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # Existing photos were never marked: they have no original apart from themselves (NULL).
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('original_sha256', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_photos_original_sha256'), ['original_sha256'],
                              unique=False)
        batch_op.create_check_constraint(
            batch_op.f('ck_photos_original_sha256_length'),
            'original_sha256 IS NULL OR length(original_sha256) = 64')


def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_photos_original_sha256_length'), type_='check')
        batch_op.drop_index(batch_op.f('ix_photos_original_sha256'))
        batch_op.drop_column('original_sha256')
