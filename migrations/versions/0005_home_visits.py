"""Home visits, the actions agreed at them, safeguarding addenda and lone working

Revision ID: 0005_home_visits
Revises: 0004_assessments
Create Date: 2026-11-22 18:48:34.189621

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0005_home_visits'
down_revision = "0004_assessments"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('home_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pupil_id', sa.Integer(), nullable=False),
    sa.Column('teacher_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.Enum('scheduled', 'in_progress', 'completed', name='visit_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('place', sa.Enum('home', 'community_venue', 'agreed_location', name='visit_place', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('purpose', sa.Enum('first_visit', 'welfare', 'review', 'other', name='visit_purpose', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('purpose_other', sa.String(length=200), nullable=True),
    sa.Column('present', sa.JSON(), nullable=False),
    sa.Column('others_present', sa.String(length=200), nullable=True),
    sa.Column('concerns', sa.Text(), nullable=True),
    sa.Column('child_voice', sa.Text(), nullable=True),
    sa.Column('parent_voice', sa.Text(), nullable=True),
    sa.Column('safeguarding_concern', sa.Boolean(), nullable=False),
    sa.Column('safeguarding_details', sa.Text(), nullable=True),
    sa.Column('next_visit_on', sa.Date(), nullable=True),
    sa.Column('arrived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expected_finish_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('left_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_by_lead_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('seen_by_id', sa.Integer(), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(status = 'scheduled' AND arrived_at IS NULL) OR (status = 'in_progress' AND arrived_at IS NOT NULL AND left_at IS NULL) OR (status = 'completed' AND (arrived_at IS NULL OR left_at IS NOT NULL))", name=op.f('ck_home_visits_lone_working_matches_status')),
    sa.CheckConstraint('NOT safeguarding_concern OR safeguarding_details IS NOT NULL', name=op.f('ck_home_visits_concern_has_details')),
    sa.CheckConstraint('expected_finish_at IS NULL OR (arrived_at IS NOT NULL AND expected_finish_at > arrived_at)', name=op.f('ck_home_visits_finish_after_arrival')),
    sa.CheckConstraint('left_at IS NULL OR (arrived_at IS NOT NULL AND left_at >= arrived_at)', name=op.f('ck_home_visits_left_after_arrival')),
    sa.CheckConstraint('seen_by_lead_at IS NULL OR safeguarding_concern', name=op.f('ck_home_visits_seen_only_if_concern')),
    sa.ForeignKeyConstraint(['pupil_id'], ['pupils.id'], name=op.f('fk_home_visits_pupil_id_pupils')),
    sa.ForeignKeyConstraint(['seen_by_id'], ['users.id'], name=op.f('fk_home_visits_seen_by_id_users')),
    sa.ForeignKeyConstraint(['teacher_id'], ['users.id'], name=op.f('fk_home_visits_teacher_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_home_visits')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_home_visits_client_uuid'))
    )
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_home_visits_pupil_id'), ['pupil_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visits_starts_at'), ['starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_home_visits_teacher_id'), ['teacher_id'], unique=False)

    op.create_table('visit_actions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('description', sa.String(length=500), nullable=False),
    sa.Column('owner', sa.String(length=120), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['home_visits.id'], name=op.f('fk_visit_actions_visit_id_home_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_actions')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_visit_actions_client_uuid'))
    )
    with op.batch_alter_table('visit_actions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_actions_visit_id'), ['visit_id'], unique=False)

    op.create_table('visit_addenda',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_visit_addenda_author_id_users')),
    sa.ForeignKeyConstraint(['visit_id'], ['home_visits.id'], name=op.f('fk_visit_addenda_visit_id_home_visits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_addenda')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_visit_addenda_client_uuid'))
    )
    with op.batch_alter_table('visit_addenda', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visit_addenda_visit_id'), ['visit_id'], unique=False)


def downgrade():
    with op.batch_alter_table('visit_addenda', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_addenda_visit_id'))

    op.drop_table('visit_addenda')
    with op.batch_alter_table('visit_actions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_actions_visit_id'))

    op.drop_table('visit_actions')
    with op.batch_alter_table('home_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_home_visits_teacher_id'))
        batch_op.drop_index(batch_op.f('ix_home_visits_starts_at'))
        batch_op.drop_index(batch_op.f('ix_home_visits_pupil_id'))

    op.drop_table('home_visits')
