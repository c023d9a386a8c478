"""Parent and carer invitations (single-use links, stored as hashes) and their answers about
delivered sessions (one per session note)

Revision ID: 0006_parent_invitations_answers
Revises: 0005_home_visits
Create Date: 2026-11-22 20:13:21.752514

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_parent_invitations_answers'
down_revision = '0005_home_visits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('parent_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('parent_name', sa.String(length=120), nullable=False),
    sa.Column('relationship', sa.String(length=40), nullable=False),
    sa.Column('may_confirm_attendance', sa.Boolean(), nullable=False),
    sa.Column('invited_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('accepted_at IS NULL OR withdrawn_at IS NULL', name=op.f('ck_parent_invitations_accepted_or_withdrawn')),
    sa.CheckConstraint('expires_at > created_at', name=op.f('ck_parent_invitations_expires_after_created')),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_parent_invitations_accepted_by_id_users')),
    sa.ForeignKeyConstraint(['invited_by_id'], ['users.id'], name=op.f('fk_parent_invitations_invited_by_id_users')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_parent_invitations_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_parent_invitations')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_parent_invitations_token_hash'))
    )
    with op.batch_alter_table('parent_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parent_invitations_pupil_id'), ['pupil_id'], unique=False)

    op.create_table('session_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('note_id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('confirmed', 'disputed', name='confirmation_answer', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("answer = 'confirmed' OR comment <> ''", name=op.f('ck_session_confirmations_comment_when_disputed')),
    sa.ForeignKeyConstraint(['note_id'], ['session_notes.id'], name=op.f('fk_session_confirmations_note_id_session_notes')),
    sa.ForeignKeyConstraint(['parent_id'], ['users.id'], name=op.f('fk_session_confirmations_parent_id_users')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_session_confirmations_pupil_id_pupils')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_session_confirmations')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_session_confirmations_client_uuid')),
    sa.UniqueConstraint('note_id', name=op.f('uq_session_confirmations_note_id'))
    )
    with op.batch_alter_table('session_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_session_confirmations_pupil_id'), ['pupil_id'], unique=False)



def downgrade():
    with op.batch_alter_table('session_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_session_confirmations_pupil_id'))

    op.drop_table('session_confirmations')
    with op.batch_alter_table('parent_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parent_invitations_pupil_id'))

    op.drop_table('parent_invitations')
