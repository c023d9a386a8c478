"""Timetable slots name the provider that teaches them; a slot with none is the community
teacher's own session, at home or in the community. The registration rule counts each
pupil's hours at a provider from these.

Revision ID: 0024_timetable_slot_providers
Revises: 0023_term_calendars
Create Date: 2026-12-09 09:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0024_timetable_slot_providers"
down_revision = "0023_term_calendars"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("timetable_slots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("provider_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_timetable_slots_provider_id"), ["provider_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_timetable_slots_provider_id_providers"),
            "providers",
            ["provider_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("timetable_slots", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_timetable_slots_provider_id_providers"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_timetable_slots_provider_id"))
        batch_op.drop_column("provider_id")
