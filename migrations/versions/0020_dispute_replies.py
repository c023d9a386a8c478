"""Staff's answers to parents who said a session did not happen

Revision ID: 0020_dispute_replies
Revises: 0019_absence_reports
Create Date: 2026-12-05 06:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_dispute_replies'
down_revision = '0019_absence_reports'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dispute_replies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('confirmation_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('replied_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('corrected', 'explained', 'stands', name='dispute_outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['confirmation_id'], ['session_confirmations.id'], name=op.f('fk_dispute_replies_confirmation_id_session_confirmations')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_dispute_replies_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['replied_by_id'], ['users.id'], name=op.f('fk_dispute_replies_replied_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispute_replies')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_dispute_replies_client_uuid')),
    sa.UniqueConstraint('confirmation_id', name=op.f('uq_dispute_replies_confirmation_id'))
    )
    with op.batch_alter_table('dispute_replies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispute_replies_pupil_id'), ['pupil_id'], unique=False)


def downgrade():
    with op.batch_alter_table('dispute_replies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispute_replies_pupil_id'))
    op.drop_table('dispute_replies')
