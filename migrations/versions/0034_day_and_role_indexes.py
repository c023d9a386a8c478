"""The marks of one day by pupil, for a day's registers, and the people of one role by name, for
the teachers' caseloads: so that a county's Programme and Attendance pages read what they show
and not every pupil's year or every parent

Revision ID: 0034_day_and_role_indexes
Revises: 0033_open_disputes_index
Create Date: 2026-12-06 00:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0034_day_and_role_indexes"
down_revision = "0033_open_disputes_index"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_attendance_marks_date_pupil_id_session",
        "attendance_marks",
        ["date", "pupil_id", "session"],
        unique=False,
    )
    op.create_index("ix_users_role_name_id", "users", ["role", "name", "id"], unique=False)


def downgrade():
    op.drop_index("ix_users_role_name_id", table_name="users")
    op.drop_index("ix_attendance_marks_date_pupil_id_session", table_name="attendance_marks")
