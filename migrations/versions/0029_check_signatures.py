"""Signatures drawn at a site check's sign-off: the competent person's and the provider's
representative's

Revision ID: 0029_check_signatures
Revises: 0028_action_reminders
Create Date: 2026-12-05 20:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0029_check_signatures"
down_revision = "0028_action_reminders"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "site_check_signatures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column(
            "signer",
            sa.Enum(
                "competent_person", "provider", name="signer", native_enum=False,
                create_constraint=True, length=40,
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["check_id"], ["site_checks.id"],
            name=op.f("fk_site_check_signatures_check_id_site_checks"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_check_signatures")),
        sa.UniqueConstraint(
            "check_id", "signer", name=op.f("uq_site_check_signatures_check_id_signer")
        ),
    )


def downgrade():
    op.drop_table("site_check_signatures")
