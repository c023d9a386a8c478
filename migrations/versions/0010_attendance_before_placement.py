"""Each pupil's attendance before the placement, the baseline the final report and the
programme's impact measure attendance against

Revision ID: 0010_attendance_before_placement
Revises: 0009_attendance
Create Date: 2026-11-20 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0010_attendance_before_placement"
down_revision = "0009_attendance"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attendance_before_percent", sa.Numeric(4, 1), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_pupils_attendance_before_percent_range"),
            "attendance_before_percent IS NULL OR"
            " (attendance_before_percent >= 0 AND attendance_before_percent <= 100)",
        )


def downgrade():
    with op.batch_alter_table("pupils", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_pupils_attendance_before_percent_range"), type_="check")
        batch_op.drop_column("attendance_before_percent")
