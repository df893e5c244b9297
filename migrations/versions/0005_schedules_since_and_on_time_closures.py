"""schedule creation time, on-time closures, indexes for the dashboard

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00

"""
import os
from datetime import UTC
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('inspection_schedules', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_at', sa.DateTime(), nullable=False,
                                      server_default=sa.func.current_timestamp()))
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_on_time', sa.Boolean(), nullable=True))
        batch_op.create_index('ix_hazards_closed_at', ['closed_at'], unique=False)
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.create_index('ix_inspections_received_at', ['received_at'], unique=False)

    # Closed cards: rectified on or before the deadline day in the hospital's calendar.
    zone = ZoneInfo(os.environ.get("HOSPITAL_TIMEZONE", "Asia/Shanghai"))
    hazards = sa.table('hazards', sa.column('id', sa.Integer), sa.column('status', sa.String),
                       sa.column('rectified_at', sa.DateTime), sa.column('deadline_on', sa.Date),
                       sa.column('closed_on_time', sa.Boolean))
    bind = op.get_bind()
    rows = bind.execute(sa.select(hazards.c.id, hazards.c.rectified_at, hazards.c.deadline_on)
                        .where(hazards.c.status == 'closed')).all()
    for id_, rectified_at, deadline_on in rows:
        on_time = (deadline_on is None or rectified_at is None
                   or rectified_at.replace(tzinfo=UTC).astimezone(zone).date() <= deadline_on)
        bind.execute(hazards.update().where(hazards.c.id == id_)
                     .values(closed_on_time=on_time))


def downgrade():
    with op.batch_alter_table('inspections', schema=None) as batch_op:
        batch_op.drop_index('ix_inspections_received_at')
    with op.batch_alter_table('hazards', schema=None) as batch_op:
        batch_op.drop_index('ix_hazards_closed_at')
        batch_op.drop_column('closed_on_time')
    with op.batch_alter_table('inspection_schedules', schema=None) as batch_op:
        batch_op.drop_column('created_at')
