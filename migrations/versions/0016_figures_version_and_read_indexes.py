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
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        # Covering the open cards' counts by department and place (and the overdue page's
        # ids): PostgreSQL reads the first, SQLite the second. Each replaces its prefix.
        batch_op.drop_index('ix_hazards_status_deadline')
        batch_op.create_index('ix_hazards_status_deadline_place',
                              ['status', 'deadline_on', 'department_id', 'location_id', 'id'],
                              unique=False)
        batch_op.drop_index('ix_hazards_department_status')
        batch_op.create_index('ix_hazards_department_status_place',
                              ['department_id', 'status', 'location_id', 'deadline_on'],
                              unique=False)
        # Partial: only the recurring cards, by place and by checklist item.
        batch_op.create_index('ix_hazards_recurring_place',
                              ['location_id', 'found_at', 'department_id'], unique=False,
                              sqlite_where=sa.text('recurring = 1'),
                              postgresql_where=sa.text('recurring'))
        batch_op.create_index('ix_hazards_recurring_found_at',
                              ['found_at', 'item_result_id', 'department_id'], unique=False,
                              sqlite_where=sa.text('recurring = 1'),
                              postgresql_where=sa.text('recurring'))
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_kind_received_at', ['kind', 'received_at'],
                              unique=False)
    with op.batch_alter_table('inspection_schedules', schema=None) as batch_op:
        batch_op.create_index('ix_inspection_schedules_created_at', ['created_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('inspection_schedules', schema=None) as batch_op:
        batch_op.drop_index('ix_inspection_schedules_created_at')
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_kind_received_at')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index('ix_hazards_recurring_found_at')
        batch_op.drop_index('ix_hazards_recurring_place')
        batch_op.drop_index('ix_hazards_department_status_place')
        batch_op.create_index('ix_hazards_department_status', ['department_id', 'status'],
                              unique=False)
        batch_op.drop_index('ix_hazards_status_deadline_place')
        batch_op.create_index('ix_hazards_status_deadline', ['status', 'deadline_on'],
                              unique=False)
    op.drop_table('change_counters')
