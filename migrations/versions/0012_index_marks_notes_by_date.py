"""Indexes for a year of records: attendance marks by date (the programme's weekly trend
and the pupils who missed 15 days read every pupil's marks over a period) and session notes
by date (recent safeguarding concerns and disputed sessions)

Revision ID: 0012_index_marks_notes_by_date
Revises: 0011_idempotency_keys
Create Date: 2026-11-22 23:00:00.000000

"""

from alembic import op

revision = "0012_index_marks_notes_by_date"
down_revision = "0011_idempotency_keys"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_attendance_marks_date_code_pupil_id",
        "attendance_marks",
        ["date", "code", "pupil_id"],
        unique=False,
    )
    op.create_index("ix_session_notes_held_on", "session_notes", ["held_on"], unique=False)


def downgrade():
    op.drop_index("ix_session_notes_held_on", table_name="session_notes")
    op.drop_index("ix_attendance_marks_date_code_pupil_id", table_name="attendance_marks")
