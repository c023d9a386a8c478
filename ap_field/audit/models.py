"""The audit trail: who changed what about a child, when, with the values before and after.

Events are written in the same transaction as the change they describe, so one
never exists without the other. Nothing in the app updates or deletes them except anonymising
a pupil at the end of their retention period (ap_field/common/append_only.py).
"""

import uuid
from datetime import date, datetime, time
from decimal import Decimal
from enum import Enum
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask_login import current_user

from ap_field.auth.models import User
from ap_field.common.append_only import is_anonymising
from ap_field.common.models import UTCDateTime
from ap_field.common.time import utcnow
from ap_field.extensions import db

# Each event's name, what a person reads, and the keys its details must carry. Areas add
# their own with declare_events().
EVENTS: dict[str, tuple[str, frozenset[str]]] = {
    "pupil.created": ("Record created", frozenset({"after"})),
    "pupil.updated": ("Record updated", frozenset({"before", "after"})),
    "pupil.placement_override": (
        "Placed at a provider with an overdue high-risk action",
        frozenset({"providers", "reason"}),
    ),
    "caseload.assigned": ("Assigned to a community teacher", frozenset({"teacher", "slot"})),
    "caseload.ended": ("Left a community teacher's caseload", frozenset({"teacher", "reason"})),
    "parent.linked": ("Parent or carer linked", frozenset({"parent", "relationship", "after"})),
    "parent.updated": ("Parent or carer link changed", frozenset({"parent", "before", "after"})),
    "parent.unlinked": ("Parent or carer unlinked", frozenset({"parent", "before"})),
}


def declare_events(events: dict[str, tuple[str, set[str]]]) -> None:
    for name, (summary, required) in events.items():
        if name in EVENTS:
            raise ValueError(f"audit event {name} is declared twice")
        EVENTS[name] = (summary, frozenset(required))


class AuditEvent(db.Model):
    __tablename__ = "audit_events"

    id: so.Mapped[int] = so.mapped_column(primary_key=True)
    occurred_at: so.Mapped[datetime] = so.mapped_column(UTCDateTime, default=utcnow, index=True)
    actor_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("users.id"))
    event: so.Mapped[str] = so.mapped_column(sa.String(40))
    pupil_id: so.Mapped[int | None] = so.mapped_column(sa.ForeignKey("pupils.id"), index=True)
    details: so.Mapped[dict[str, Any]] = so.mapped_column(sa.JSON)

    actor: so.Mapped[User | None] = so.relationship()

    @property
    def summary(self) -> str:
        return EVENTS[self.event][0]


def plain(value: Any) -> Any:
    """A value as JSON keeps it: dates as ISO text, enums as their value, lists item by item."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date | datetime | time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    return value


def record(event: str, *, pupil_id: int | None, **details: Any) -> AuditEvent:
    """Add an audit event to the current transaction; it commits or rolls back with the change."""
    _, required = EVENTS[event]
    if missing := required - details.keys():
        raise ValueError(f"audit event {event} needs {sorted(missing)}")
    audit_event = AuditEvent(
        event=event,
        pupil_id=pupil_id,
        actor_id=current_user.id if current_user and current_user.is_authenticated else None,
        details={key: plain(value) for key, value in details.items()},
    )
    db.session.add(audit_event)
    return audit_event


@sa.event.listens_for(so.Session, "before_flush")
def _audit_events_are_append_only(session: so.Session, _context, _instances) -> None:
    if is_anonymising(session):
        return
    for instance in [*session.dirty, *session.deleted]:
        if isinstance(instance, AuditEvent):
            raise PermissionError("Audit events cannot be changed or deleted")
