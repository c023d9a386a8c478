"""The sessions this half-term where the register and the session notes disagree, kept with the
programme's figures and numbered in the Programme page's order, so that a page of them is read by
position; the kept figures are dropped, to be worked out again with them

Revision ID: 0032_programme_disagreements
Revises: 0031_photo_chunks
Create Date: 2026-12-05 21:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0032_programme_disagreements"
down_revision = "0031_photo_chunks"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "programme_disagreements",
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("pupil_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column(
            "session",
            sa.Enum(
                "am",
                "pm",
                name="register_session",
                native_enum=False,
                create_constraint=True,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("code", sa.String(length=2), nullable=False),
        sa.Column("note_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("position", name=op.f("pk_programme_disagreements")),
    )
    op.execute("DELETE FROM programme_snapshots")


def downgrade():
    op.drop_table("programme_disagreements")
    op.execute("DELETE FROM programme_snapshots")
