"""Photo files kept in the database, in pieces, so that every app server over it can serve them;
`flask photos move` carries files already in a photo folder over

Revision ID: 0031_photo_chunks
Revises: 0030_annotated_photos
Create Date: 2026-12-05 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0031_photo_chunks"
down_revision = "0030_annotated_photos"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "photo_chunks",
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("part", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("name", "part", name=op.f("pk_photo_chunks")),
    )


def downgrade():
    if op.get_bind().execute(sa.text("SELECT 1 FROM photo_chunks LIMIT 1")).first():
        raise RuntimeError(
            "Photo files are kept in the database, and going back would lose them: move them to "
            "a folder first with AP_FIELD_PHOTO_STORAGE=folder flask photos move."
        )
    op.drop_table("photo_chunks")
