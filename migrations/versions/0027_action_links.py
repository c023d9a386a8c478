"""Emailed links that close a site check action from a phone without an account, with the
evidence photos sent through them

Revision ID: 0027_action_links
Revises: 0026_site_actions
Create Date: 2026-12-05 19:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0027_action_links"
down_revision = "0026_site_actions"
branch_labels = None
depends_on = None

WHEN = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        "site_action_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("sent_to", sa.String(length=254), nullable=False),
        sa.Column("sent_at", WHEN, nullable=False),
        sa.Column("expires_at", WHEN, nullable=False),
        sa.Column("used_at", WHEN, nullable=True),
        sa.ForeignKeyConstraint(
            ["action_id"], ["site_actions.id"],
            name=op.f("fk_site_action_links_action_id_site_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_action_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_site_action_links_token_hash")),
    )
    with op.batch_alter_table("site_action_links", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_site_action_links_action_id"), ["action_id"], unique=False
        )

    op.create_table(
        "site_action_photos",
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("photo_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"], ["site_actions.id"],
            name=op.f("fk_site_action_photos_action_id_site_actions"),
        ),
        sa.ForeignKeyConstraint(
            ["photo_id"], ["photos.id"], name=op.f("fk_site_action_photos_photo_id_photos")
        ),
        sa.PrimaryKeyConstraint("action_id", "photo_id", name=op.f("pk_site_action_photos")),
        sa.UniqueConstraint("photo_id", name=op.f("uq_site_action_photos_photo_id")),
    )
    with op.batch_alter_table("check_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_owner_email", sa.String(length=254), nullable=True))

    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.alter_column("uploaded_by_id", existing_type=sa.INTEGER(), nullable=True)

    with op.batch_alter_table("site_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_email", sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table("site_actions", schema=None) as batch_op:
        batch_op.drop_column("owner_email")

    # A photo sent through a link had no uploader: before, it counts as its check's assessor's.
    op.execute(
        "UPDATE photos SET uploaded_by_id = ("
        " SELECT site_checks.assessor_id FROM site_action_photos"
        " JOIN site_actions ON site_actions.id = site_action_photos.action_id"
        " JOIN site_checks ON site_checks.id = site_actions.check_id"
        " WHERE site_action_photos.photo_id = photos.id)"
        " WHERE uploaded_by_id IS NULL"
    )
    with op.batch_alter_table("photos", schema=None) as batch_op:
        batch_op.alter_column("uploaded_by_id", existing_type=sa.INTEGER(), nullable=False)

    with op.batch_alter_table("check_answers", schema=None) as batch_op:
        batch_op.drop_column("action_owner_email")

    op.drop_table("site_action_photos")
    with op.batch_alter_table("site_action_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_action_links_action_id"))

    op.drop_table("site_action_links")
