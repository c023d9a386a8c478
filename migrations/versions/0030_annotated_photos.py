"""A photo's copy with marks drawn on the phone before it was sent, beside the original

Revision ID: 0030_annotated_photos
Revises: 0029_check_signatures
Create Date: 2026-12-05 20:05:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0030_annotated_photos"
down_revision = "0029_check_signatures"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.add_column(sa.Column("annotated_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_photos_annotated_id_photos"), "photos", ["annotated_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_photos_annotated_id_photos"), type_="foreignkey")
        batch_op.drop_column("annotated_id")
