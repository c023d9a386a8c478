"""Provider premises, site checks and photos

Providers gain their compliance facts (framework, Ofsted, safeguarding leads, single central
record, pupils placed by others) and their addresses move to sites; insurance policies,
versioned check templates, site checks with their answers, and photos are new. The standard
templates are not seeded here: the app adds them on first use (premises.standard_templates).

Revision ID: 0007_premises_site_checks_photos
Revises: 0006_parent_invitations_answers
Create Date: 2026-11-22 20:19:18.492649

"""
import uuid

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0007_premises_site_checks_photos'
down_revision = '0006_parent_invitations_answers'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('check_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=160), nullable=False),
    sa.Column('version_number', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('version_number >= 1', name=op.f('ck_check_templates_version_number_positive')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_check_templates_added_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_templates')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_check_templates_client_uuid')),
    sa.UniqueConstraint('name', 'version_number', name=op.f('uq_check_templates_name_version_number'))
    )
    op.create_table('insurance_policies',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('public_liability', 'employers_liability', 'professional_indemnity', 'motor', 'subcontractor', name='policy_kind', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('insurer', sa.String(length=120), nullable=True),
    sa.Column('cover_amount', sa.BigInteger(), nullable=False),
    sa.Column('expires_on', sa.Date(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('cover_amount >= 0', name=op.f('ck_insurance_policies_cover_not_negative')),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_insurance_policies_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_policies')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_insurance_policies_client_uuid'))
    )
    with op.batch_alter_table('insurance_policies', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_insurance_policies_provider_id'), ['provider_id'], unique=False)

    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stored_name', sa.String(length=80), nullable=False),
    sa.Column('thumbnail_name', sa.String(length=80), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('upload_sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('byte_size', sa.Integer(), nullable=False),
    sa.Column('caption', sa.String(length=300), nullable=True),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_photos_client_uuid')),
    sa.UniqueConstraint('stored_name', name=op.f('uq_photos_stored_name')),
    sa.UniqueConstraint('thumbnail_name', name=op.f('uq_photos_thumbnail_name'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_upload_sha256'), ['upload_sha256'], unique=False)

    op.create_table('provider_sites',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=False),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['provider_id'], ['providers.id'], name=op.f('fk_provider_sites_provider_id_providers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_provider_sites')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_provider_sites_client_uuid')),
    sa.UniqueConstraint('provider_id', 'name', name=op.f('uq_provider_sites_provider_id_name'))
    )
    with op.batch_alter_table('provider_sites', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_provider_sites_provider_id'), ['provider_id'], unique=False)

    op.create_table('check_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('higher_risk_only', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['template_id'], ['check_templates.id'], name=op.f('fk_check_sections_template_id_check_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_sections')),
    sa.UniqueConstraint('template_id', 'position', name=op.f('uq_check_sections_template_id_position'))
    )
    op.create_table('site_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('site_id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('higher_risk', sa.Enum('construction', 'agriculture', 'manufacturing', 'motor_vehicle_repair', 'other', name='higher_risk', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('status', sa.Enum('draft', 'signed_off', name='check_status', native_enum=False, create_constraint=True, length=40), nullable=False),
    sa.Column('outcome', sa.Enum('satisfactory', 'actions_required', 'unsatisfactory', name='check_outcome', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('competence_statement', sa.Text(), nullable=True),
    sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('next_due_on', sa.Date(), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'draft' OR (outcome IS NOT NULL AND competence_statement IS NOT NULL AND signed_off_at IS NOT NULL AND next_due_on IS NOT NULL)", name=op.f('ck_site_checks_signed_off_is_complete')),
    sa.ForeignKeyConstraint(['assessor_id'], ['users.id'], name=op.f('fk_site_checks_assessor_id_users')),
    sa.ForeignKeyConstraint(['site_id'], ['provider_sites.id'], name=op.f('fk_site_checks_site_id_provider_sites')),
    sa.ForeignKeyConstraint(['template_id'], ['check_templates.id'], name=op.f('fk_site_checks_template_id_check_templates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_checks')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_site_checks_client_uuid'))
    )
    with op.batch_alter_table('site_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_checks_site_id'), ['site_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_site_checks_status'), ['status'], unique=False)

    op.create_table('check_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['check_sections.id'], name=op.f('fk_check_items_section_id_check_sections')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_items')),
    sa.UniqueConstraint('section_id', 'position', name=op.f('uq_check_items_section_id_position'))
    )
    op.create_table('check_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('check_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('answer', sa.Enum('yes', 'no', 'not_applicable', name='check_answer', native_enum=False, create_constraint=True, length=40), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('action_description', sa.String(length=500), nullable=True),
    sa.Column('action_owner', sa.String(length=120), nullable=True),
    sa.Column('action_due_on', sa.Date(), nullable=True),
    sa.Column('client_uuid', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("answer IS NULL OR answer != 'no' OR (comment IS NOT NULL AND action_description IS NOT NULL AND action_owner IS NOT NULL AND action_due_on IS NOT NULL)", name=op.f('ck_check_answers_no_has_comment_and_action')),
    sa.ForeignKeyConstraint(['check_id'], ['site_checks.id'], name=op.f('fk_check_answers_check_id_site_checks')),
    sa.ForeignKeyConstraint(['item_id'], ['check_items.id'], name=op.f('fk_check_answers_item_id_check_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_check_answers')),
    sa.UniqueConstraint('check_id', 'item_id', name=op.f('uq_check_answers_check_id_item_id')),
    sa.UniqueConstraint('client_uuid', name=op.f('uq_check_answers_client_uuid'))
    )
    with op.batch_alter_table('check_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_check_answers_check_id'), ['check_id'], unique=False)

    op.create_table('check_answer_photos',
    sa.Column('answer_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['answer_id'], ['check_answers.id'], name=op.f('fk_check_answer_photos_answer_id_check_answers')),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_check_answer_photos_photo_id_photos')),
    sa.PrimaryKeyConstraint('answer_id', 'photo_id', name=op.f('pk_check_answer_photos')),
    sa.UniqueConstraint('photo_id', name=op.f('uq_check_answer_photos_photo_id'))
    )
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_framework', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('ofsted_report_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('provides_professional_services', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column('dsl_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('dsl_trained_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('deputy_dsl_name', sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column('deputy_dsl_trained_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('single_central_record_checked_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('other_pupils', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('other_looked_after', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('other_ehc_plans', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('other_hours_per_week', sa.Numeric(precision=3, scale=1), nullable=True))

    # Each provider's address becomes its first site.
    connection = op.get_bind()
    providers = sa.table('providers', sa.column('id', sa.Integer), sa.column('address', sa.Text))
    sites = sa.table(
        'provider_sites',
        sa.column('provider_id', sa.Integer),
        sa.column('name', sa.String),
        sa.column('address', sa.String),
        sa.column('client_uuid', sa.Uuid),
        sa.column('version', sa.Integer),
        sa.column('created_at', sa.DateTime(timezone=True)),
        sa.column('updated_at', sa.DateTime(timezone=True)),
    )
    now = sa.func.current_timestamp()
    for provider_id, address in connection.execute(sa.select(providers.c.id, providers.c.address)).all():
        connection.execute(
            sites.insert().values(
                provider_id=provider_id,
                name='Main site',
                address=address[:300],
                client_uuid=uuid.uuid4(),
                version=1,
                created_at=now,
                updated_at=now,
            )
        )

    with op.batch_alter_table('providers', schema=None) as batch_op:
        for name in ('on_framework', 'provides_professional_services', 'other_pupils', 'other_looked_after', 'other_ehc_plans'):
            batch_op.alter_column(name, server_default=None)
        batch_op.drop_column('address')
        batch_op.create_check_constraint(
            op.f('ck_providers_other_pupil_figures'),
            'other_pupils >= 0 AND other_looked_after >= 0 AND other_ehc_plans >= 0'
            ' AND other_looked_after <= other_pupils AND other_ehc_plans <= other_pupils',
        )
        batch_op.create_check_constraint(
            op.f('ck_providers_other_hours_range'),
            'other_hours_per_week IS NULL OR (other_hours_per_week >= 0 AND other_hours_per_week <= 40)',
        )


def downgrade():
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('address', sa.TEXT(), nullable=False, server_default=''))
    op.execute(
        "UPDATE providers SET address = COALESCE((SELECT address FROM provider_sites"
        " WHERE provider_sites.provider_id = providers.id ORDER BY id LIMIT 1), '')"
    )
    with op.batch_alter_table('providers', schema=None) as batch_op:
        batch_op.alter_column('address', server_default=None)
        batch_op.drop_constraint(op.f('ck_providers_other_pupil_figures'), type_='check')
        batch_op.drop_constraint(op.f('ck_providers_other_hours_range'), type_='check')
        batch_op.drop_column('other_hours_per_week')
        batch_op.drop_column('other_ehc_plans')
        batch_op.drop_column('other_looked_after')
        batch_op.drop_column('other_pupils')
        batch_op.drop_column('single_central_record_checked_on')
        batch_op.drop_column('deputy_dsl_trained_on')
        batch_op.drop_column('deputy_dsl_name')
        batch_op.drop_column('dsl_trained_on')
        batch_op.drop_column('dsl_name')
        batch_op.drop_column('provides_professional_services')
        batch_op.drop_column('ofsted_report_on')
        batch_op.drop_column('on_framework')

    op.drop_table('check_answer_photos')
    with op.batch_alter_table('check_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_check_answers_check_id'))

    op.drop_table('check_answers')
    op.drop_table('check_items')
    with op.batch_alter_table('site_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_checks_status'))
        batch_op.drop_index(batch_op.f('ix_site_checks_site_id'))

    op.drop_table('site_checks')
    op.drop_table('check_sections')
    with op.batch_alter_table('provider_sites', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_provider_sites_provider_id'))

    op.drop_table('provider_sites')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_upload_sha256'))

    op.drop_table('photos')
    with op.batch_alter_table('insurance_policies', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_insurance_policies_provider_id'))

    op.drop_table('insurance_policies')
    op.drop_table('check_templates')
