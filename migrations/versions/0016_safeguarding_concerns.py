"""Safeguarding concerns, DSL duties and the school DSL's email

Revision ID: 0016_safeguarding_concerns
Revises: 0015_outgoing_mail
Create Date: 2026-12-05 00:26:01.273383

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0016_safeguarding_concerns'
down_revision = '0015_outgoing_mail'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('concerns',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('happened_on', sa.Date(), nullable=False),
    sa.Column('happened_time', sa.Time(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('categories', sa.JSON(), nullable=False),
    sa.Column('category_other', sa.String(length=200), nullable=True),
    sa.Column('immediate_danger', sa.Boolean(), nullable=False),
    sa.Column('what_happened', sa.Text(), nullable=False),
    sa.Column('child_words', sa.Text(), nullable=True),
    sa.Column('others_present', sa.Text(), nullable=True),
    sa.Column('action_taken', sa.Text(), nullable=False),
    sa.Column('body_marks', sa.JSON(), nullable=False),
    sa.Column('after_placement_ended', sa.Boolean(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('note_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.Enum('new', 'seen', 'closed', name='concern_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_by_id', sa.Integer(), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unseen_reminded_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'closed') = (closed_at IS NOT NULL)", name=op.f('ck_concerns_closed_when_closed')),
    sa.CheckConstraint("(status = 'new' AND seen_at IS NULL) OR (status != 'new' AND seen_at IS NOT NULL)", name=op.f('ck_concerns_seen_unless_new')),
    sa.ForeignKeyConstraint(['note_id'], ['session_notes.id'], name=op.f('fk_concerns_note_id_session_notes')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_concerns_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_concerns_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['seen_by_id'], ['users.id'], name=op.f('fk_concerns_seen_by_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['home_visits.id'], name=op.f('fk_concerns_visit_id_home_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concerns')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_concerns_client_uuid'))
    )
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concerns_note_id'), ['note_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_recorded_by_id'), ['recorded_by_id'], unique=False)
        batch_op.create_index('ix_concerns_status_created_at', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_concerns_visit_id'), ['visit_id'], unique=False)

    op.create_table('concern_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('discussed_with_parent', 'advice_sought', 'social_care', 'police', 'early_help', 'lado', 'school_dsl', 'no_further_action', name='concern_action', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('taken_by', sa.String(length=200), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=True),
    sa.Column('referral_outcome', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_concern_actions_concern_id_concerns')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_concern_actions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_actions')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_concern_actions_client_uuid'))
    )
    with op.batch_alter_table('concern_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_actions_concern_id'), ['concern_id'], unique=False)

    op.create_table('concern_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_concern_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_concern_addenda_concern_id_concerns')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_addenda')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_concern_addenda_client_uuid'))
    )
    with op.batch_alter_table('concern_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_addenda_concern_id'), ['concern_id'], unique=False)

    op.create_table('concern_closures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('concern_id', sa.Integer(), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_by_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.Enum('social_care', 'early_help', 'monitoring', 'police', 'no_further_action', 'other', name='concern_outcome', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('reopened_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('reopened_by_id', sa.Integer(), nullable=True),
    sa.Column('reopen_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by_id'], ['users.id'], name=op.f('fk_concern_closures_closed_by_id_users')),
    sa.ForeignKeyConstraint(['concern_id'], ['concerns.id'], name=op.f('fk_concern_closures_concern_id_concerns')),
    sa.ForeignKeyConstraint(['reopened_by_id'], ['users.id'], name=op.f('fk_concern_closures_reopened_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_concern_closures'))
    )
    with op.batch_alter_table('concern_closures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_concern_closures_concern_id'), ['concern_id'], unique=False)

    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('school_dsl_email', sa.String(length=254), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('safeguarding_role', sa.String(length=40), server_default='none', nullable=False))
        batch_op.create_check_constraint(op.f('ck_users_safeguarding_role'), "safeguarding_role IN ('none', 'dsl', 'deputy')")


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_safeguarding_role'), type_='check')
        batch_op.drop_column('safeguarding_role')

    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_column('school_dsl_email')

    with op.batch_alter_table('concern_closures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_closures_concern_id'))

    op.drop_table('concern_closures')
    with op.batch_alter_table('concern_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_addenda_concern_id'))

    op.drop_table('concern_addenda')
    with op.batch_alter_table('concern_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concern_actions_concern_id'))

    op.drop_table('concern_actions')
    with op.batch_alter_table('concerns', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_concerns_visit_id'))
        batch_op.drop_index('ix_concerns_status_created_at')
        batch_op.drop_index(batch_op.f('ix_concerns_recorded_by_id'))
        batch_op.drop_index(batch_op.f('ix_concerns_pupil_id'))
        batch_op.drop_index(batch_op.f('ix_concerns_note_id'))

    op.drop_table('concerns')
