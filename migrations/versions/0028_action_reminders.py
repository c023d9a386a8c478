"""The day a site check action's owner was mailed that it is due the next day

Revision ID: 0028_action_reminders
Revises: 0027_action_links
Create Date: 2026-12-05 19:55:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0028_action_reminders"
down_revision = "0027_action_links"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("site_actions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("owner_reminded_on", sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table("site_actions", schema=None) as batch_op:
        batch_op.drop_column("owner_reminded_on")
