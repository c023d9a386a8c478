"""Retention: the day each pupil's placement closed, which the retention period runs from, and
when the record was anonymised

Pupils already closed get the London day of the latest audit event that closed them (a
`pupil.created` or `pupil.updated` whose `after` has status "closed": an update records only
the fields it changed). A pupil closed with no such event gets the later of their last
caseload's end and the record's last change, neither of which comes before the closing, so
no record is anonymised before its time.

Revision ID: 0021_retention
Revises: 0020_dispute_replies
Create Date: 2026-12-06 09:00:00

"""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_retention'
down_revision = '0020_dispute_replies'
branch_labels = None
depends_on = None

LONDON = ZoneInfo("Europe/London")
CLOSED = "closed"

pupils = sa.table(
    "pupils",
    sa.column("id", sa.Integer), sa.column("status", sa.String),
    sa.column("updated_at", sa.DateTime(timezone=True)), sa.column("closed_on", sa.Date),
)
audit_events = sa.table(
    "audit_events",
    sa.column("id", sa.Integer), sa.column("pupil_id", sa.Integer),
    sa.column("event", sa.String), sa.column("occurred_at", sa.DateTime(timezone=True)),
    sa.column("details", sa.JSON),
)
caseload_assignments = sa.table(
    "caseload_assignments", sa.column("pupil_id", sa.Integer), sa.column("ended_on", sa.Date)
)  # fmt: skip


def _london_day(moment: datetime) -> date:
    """SQLite gives back UTC without its zone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(LONDON).date()


def _closed_by_audit_events(bind) -> dict[int, date]:
    query = (
        sa.select(audit_events.c.pupil_id, audit_events.c.occurred_at, audit_events.c.details)
        .join(pupils, pupils.c.id == audit_events.c.pupil_id)
        .where(
            pupils.c.status == CLOSED,
            audit_events.c.event.in_(["pupil.created", "pupil.updated"]),
        )
        .order_by(audit_events.c.occurred_at, audit_events.c.id)
    )
    closed = {}
    for pupil_id, occurred_at, details in bind.execute(query):
        if (details.get("after") or {}).get("status") == CLOSED:
            closed[pupil_id] = _london_day(occurred_at)
    return closed


def _latest_caseload_ends(bind) -> dict[int, date]:
    query = (
        sa.select(caseload_assignments.c.pupil_id, sa.func.max(caseload_assignments.c.ended_on))
        .join(pupils, pupils.c.id == caseload_assignments.c.pupil_id)
        .where(pupils.c.status == CLOSED)
        .group_by(caseload_assignments.c.pupil_id)
    )
    return {pupil_id: ended_on for pupil_id, ended_on in bind.execute(query) if ended_on}


def _backfill_closed_on(bind) -> None:
    by_event = _closed_by_audit_events(bind)
    caseload_ends = _latest_caseload_ends(bind)
    closed = bind.execute(
        sa.select(pupils.c.id, pupils.c.updated_at).where(pupils.c.status == CLOSED)
    )
    rows = []
    for pupil_id, updated_at in closed:
        last_change = _london_day(updated_at)
        fallback = max(caseload_ends.get(pupil_id, last_change), last_change)
        rows.append({"pupil": pupil_id, "closed_on": by_event.get(pupil_id, fallback)})
    if rows:
        bind.execute(
            pupils.update()
            .where(pupils.c.id == sa.bindparam("pupil"))
            .values(closed_on=sa.bindparam("closed_on")),
            rows,
        )


def upgrade():
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('anonymised_at', sa.DateTime(timezone=True), nullable=True))
    _backfill_closed_on(op.get_bind())
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_pupils_closed_on_when_closed'), "(status = 'closed') = (closed_on IS NOT NULL)"
        )


def downgrade():
    with op.batch_alter_table('pupils', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_pupils_closed_on_when_closed'), type_='check')
        batch_op.drop_column('anonymised_at')
        batch_op.drop_column('closed_on')
