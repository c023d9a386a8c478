"""Idempotency keys: each write a phone's outbox sent, with the answer it got

Revision ID: 0011_idempotency_keys
Revises: 0010_attendance_before_placement
Create Date: 2026-11-22 23:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "0011_idempotency_keys"
down_revision = "0010_attendance_before_placement"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("request_hash", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=True),
        sa.Column("location", sa.String(length=2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_idempotency_keys_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_idempotency_keys")),
        sa.UniqueConstraint("key", name=op.f("uq_idempotency_keys_key")),
    )


def downgrade():
    op.drop_table("idempotency_keys")
