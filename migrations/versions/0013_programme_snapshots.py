"""The programme's figures kept for a few minutes, so the lead's dashboard does not read a
year of every pupil's records on each visit

Revision ID: 0013_programme_snapshots
Revises: 0012_index_marks_notes_by_date
Create Date: 2026-12-01 22:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0013_programme_snapshots"
down_revision = "0012_index_marks_notes_by_date"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_snapshots",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("for_day", sa.Date(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programme_snapshots")),
    )


def downgrade():
    op.drop_table("programme_snapshots")
