"""The pupil's home address and their parent or carer's phone, which a visit's address is
filled from

Revision ID: 0025_pupil_home_address
Revises: 0024_timetable_slot_providers
Create Date: 2026-12-07 12:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0025_pupil_home_address"
down_revision = "0024_timetable_slot_providers"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("home_address", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("parent_phone", sa.String(length=30), nullable=True))


def downgrade():
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_column("parent_phone")
        batch_op.drop_column("home_address")
