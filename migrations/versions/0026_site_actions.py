"""Site check actions followed after sign-off, each with a risk that sets its due date

The actions of checks already signed off are carried over as open, medium-risk actions
with the due date their answer gave.

Revision ID: 0026_site_actions
Revises: 0025_pupil_home_address
Create Date: 2026-12-05 19:12:29

"""
import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0026_site_actions"
down_revision = "0025_pupil_home_address"
branch_labels = None
depends_on = None

RISK = sa.Enum(
    "high", "medium", "low", name="action_risk", native_enum=False, create_constraint=True,
    length=40,
)
STATUS = sa.Enum(
    "open", "in_progress", "done", "verified", name="action_status", native_enum=False,
    create_constraint=True, length=40,
)
WHEN = sa.DateTime(timezone=True)

site_checks = sa.table("site_checks", sa.column("id", sa.Integer), sa.column("status", sa.String))
check_answers = sa.table(
    "check_answers",
    sa.column("id", sa.Integer), sa.column("check_id", sa.Integer),
    sa.column("answer", sa.String), sa.column("action_description", sa.String),
    sa.column("action_owner", sa.String), sa.column("action_risk", sa.String),
    sa.column("action_due_on", sa.Date),
)
site_actions = sa.table(
    "site_actions",
    sa.column("check_id", sa.Integer), sa.column("answer_id", sa.Integer),
    sa.column("description", sa.String), sa.column("owner", sa.String),
    sa.column("risk", sa.String), sa.column("due_on", sa.Date), sa.column("status", sa.String),
    sa.column("client_uuid", sa.Uuid), sa.column("version", sa.Integer),
    sa.column("created_at", WHEN), sa.column("updated_at", WHEN),
)


def upgrade():
    op.create_table(
        "site_actions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("check_id", sa.Integer(), nullable=False),
        sa.Column("answer_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("owner", sa.String(length=120), nullable=False),
        sa.Column("risk", RISK, nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("done_note", sa.Text(), nullable=True),
        sa.Column("done_at", WHEN, nullable=True),
        sa.Column("verified_at", WHEN, nullable=True),
        sa.Column("verified_by_id", sa.Integer(), nullable=True),
        sa.Column("client_uuid", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", WHEN, nullable=False),
        sa.Column("updated_at", WHEN, nullable=False),
        sa.CheckConstraint(
            "status != 'verified' OR (verified_at IS NOT NULL AND verified_by_id IS NOT NULL)",
            name=op.f("ck_site_actions_verified_has_who_and_when"),
        ),
        sa.CheckConstraint(
            "status NOT IN ('done', 'verified') OR (done_note IS NOT NULL AND done_at IS NOT NULL)",
            name=op.f("ck_site_actions_done_has_note"),
        ),
        sa.ForeignKeyConstraint(
            ["answer_id"], ["check_answers.id"], name=op.f("fk_site_actions_answer_id_check_answers")
        ),
        sa.ForeignKeyConstraint(
            ["check_id"], ["site_checks.id"], name=op.f("fk_site_actions_check_id_site_checks")
        ),
        sa.ForeignKeyConstraint(
            ["verified_by_id"], ["users.id"], name=op.f("fk_site_actions_verified_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_site_actions")),
        sa.UniqueConstraint("answer_id", name=op.f("uq_site_actions_answer_id")),
        sa.UniqueConstraint("client_uuid", name=op.f("uq_site_actions_client_uuid")),
    )
    with op.batch_alter_table("site_actions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_actions_check_id"), ["check_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_actions_due_on"), ["due_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_site_actions_status"), ["status"], unique=False)

    with op.batch_alter_table("check_answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("action_risk", RISK, nullable=True))

    _carry_over_actions(op.get_bind())


def _carry_over_actions(bind) -> None:
    bind.execute(
        check_answers.update()
        .where(check_answers.c.answer == "no")
        .values(action_risk="medium")
    )
    answered_no = bind.execute(
        sa.select(check_answers)
        .join(site_checks, site_checks.c.id == check_answers.c.check_id)
        .where(site_checks.c.status == "signed_off", check_answers.c.answer == "no")
        .order_by(check_answers.c.id)
    ).mappings().all()
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    for answer in answered_no:
        bind.execute(
            site_actions.insert().values(
                check_id=answer["check_id"],
                answer_id=answer["id"],
                description=answer["action_description"],
                owner=answer["action_owner"],
                risk="medium",
                due_on=answer["action_due_on"],
                status="open",
                client_uuid=uuid.uuid4(),
                version=1,
                created_at=now,
                updated_at=now,
            )
        )


def downgrade():
    with op.batch_alter_table("check_answers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_check_answers_action_risk"), type_="check")
        batch_op.drop_column("action_risk")

    with op.batch_alter_table("site_actions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_actions_status"))
        batch_op.drop_index(batch_op.f("ix_site_actions_due_on"))
        batch_op.drop_index(batch_op.f("ix_site_actions_check_id"))

    op.drop_table("site_actions")
