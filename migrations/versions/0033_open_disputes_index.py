"""Parents' disputes by answer and date, so that the Programme page finds the oldest one nobody
has answered without reading a year of answered ones

Revision ID: 0033_open_disputes_index
Revises: 0032_programme_disagreements
Create Date: 2026-12-05 22:35:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = "0033_open_disputes_index"
down_revision = "0032_programme_disagreements"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        "ix_session_confirmations_answer_created_at",
        "session_confirmations",
        ["answer", "created_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_session_confirmations_answer_created_at", table_name="session_confirmations")
