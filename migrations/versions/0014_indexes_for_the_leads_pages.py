"""Indexes for the lead's pages: visits still in progress (no check-out yet), visits with a
safeguarding concern not yet seen, session notes with a safeguarding concern and disputed
answers, read on every visit to the Programme page, which otherwise read every visit, every
answer and every note of the last fortnight; notes by day with their ids, so that PostgreSQL
finds a fortnight's notes from the index alone; and marks by code, for the pupils who missed
15 days, which otherwise read every mark of the school year

Revision ID: 0014_indexes_for_the_leads_pages
Revises: 0013_programme_snapshots
Create Date: 2026-12-01 22:10:00.000000

"""

from alembic import op

revision = "0014_indexes_for_the_leads_pages"
down_revision = "0013_programme_snapshots"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index("ix_session_notes_held_on", table_name="session_notes")
    op.create_index("ix_session_notes_held_on_id", "session_notes", ["held_on", "id"], unique=False)
    op.create_index(
        "ix_attendance_marks_code_date_pupil_id",
        "attendance_marks",
        ["code", "date", "pupil_id"],
        unique=False,
    )
    op.create_index(
        "ix_home_visits_left_at_arrived_at",
        "home_visits",
        ["left_at", "arrived_at"],
        unique=False,
    )
    op.create_index(
        "ix_home_visits_safeguarding_concern_seen_by_lead_at",
        "home_visits",
        ["safeguarding_concern", "seen_by_lead_at"],
        unique=False,
    )
    op.create_index(
        "ix_session_confirmations_answer_note_id_pupil_id",
        "session_confirmations",
        ["answer", "note_id", "pupil_id"],
        unique=False,
    )
    op.create_index(
        "ix_session_notes_safeguarding_concern_held_on",
        "session_notes",
        ["safeguarding_concern", "held_on"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_session_notes_safeguarding_concern_held_on", table_name="session_notes")
    op.drop_index(
        "ix_session_confirmations_answer_note_id_pupil_id", table_name="session_confirmations"
    )
    op.drop_index(
        "ix_home_visits_safeguarding_concern_seen_by_lead_at", table_name="home_visits"
    )
    op.drop_index("ix_home_visits_left_at_arrived_at", table_name="home_visits")
    op.drop_index("ix_attendance_marks_code_date_pupil_id", table_name="attendance_marks")
    op.drop_index("ix_session_notes_held_on_id", table_name="session_notes")
    op.create_index("ix_session_notes_held_on", "session_notes", ["held_on"], unique=False)
