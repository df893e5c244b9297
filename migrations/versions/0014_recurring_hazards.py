"""recurring hazards: a stable key per checklist item, links between recurring cards

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 14:00:00

"""
import uuid

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('item_key', sa.String(length=32), nullable=True))
    # Versions forked so far copied their items position by position: the item at the same
    # position of the same template is taken as the same item in every existing version.
    conn = op.get_bind()
    rows = conn.execute(sa.text(
        "SELECT i.id, v.template_id, i.position FROM checklist_items i "
        "JOIN checklist_versions v ON v.id = i.version_id")).all()
    keys = {}
    for item_id, template_id, position in rows:
        key = keys.setdefault((template_id, position), uuid.uuid4().hex)
        conn.execute(sa.text("UPDATE checklist_items SET item_key = :key WHERE id = :id"),
                     {"key": key, "id": item_id})
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.alter_column('item_key', existing_type=sa.String(length=32), nullable=False)
        batch_op.create_index(batch_op.f('ix_checklist_items_item_key'), ['item_key'],
                              unique=False)

    op.create_table(
        'hazard_recurrences',
        sa.Column('hazard_id', sa.Integer(), nullable=False),
        sa.Column('earlier_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['earlier_id'], ['hazards.id'],
                                name=op.f('fk_hazard_recurrences_earlier_id_hazards')),
        sa.ForeignKeyConstraint(['hazard_id'], ['hazards.id'],
                                name=op.f('fk_hazard_recurrences_hazard_id_hazards')),
        sa.PrimaryKeyConstraint('hazard_id', 'earlier_id', name=op.f('pk_hazard_recurrences')),
    )
    with op.batch_alter_table('hazard_recurrences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hazard_recurrences_earlier_id'), ['earlier_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('hazard_recurrences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hazard_recurrences_earlier_id'))
    op.drop_table('hazard_recurrences')
    with op.batch_alter_table('checklist_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checklist_items_item_key'))
        batch_op.drop_column('item_key')
