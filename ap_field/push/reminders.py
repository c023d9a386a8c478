"""Who gets which reminders, and the tick that claims and sends what is due.

The kinds themselves are in kinds.py; everything here (roles, opt-outs, claiming each
reminder once, sending, retrying) is shared by all of them.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import requests
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from ap_field.auth.models import Role, User
from ap_field.common.time import utcnow
from ap_field.extensions import db
from ap_field.push.kinds import DEFAULT_ROLES, KINDS, Due, ReminderKind
from ap_field.push.models import (
    PushSubscription,
    Reminder,
    ReminderOptOut,
    ReminderState,
    new_public_id,
)
from ap_field.push.services import Outcome, Sender, note_delivery, topic

logger = logging.getLogger(__name__)

# Long enough for one tick to send one reminder to every device of its person.
LEASE = timedelta(minutes=10)
# A push service that gives no Retry-After is asked again after this, on a later tick.
MIN_RETRY = timedelta(minutes=1)
MAX_ATTEMPTS = 6


def roles_for(kind: str) -> set[Role]:
    configured = current_app.config["REMINDER_ROLES"].get(kind)
    if configured is None:
        return DEFAULT_ROLES.get(kind, set())
    return {Role(role) for role in configured}


def kinds_for(user: User) -> list[ReminderKind]:
    return [
        kind for kind in KINDS.values() if user.role in roles_for(kind.name) and kind.audience(user)
    ]


@dataclass
class TickReport:
    claimed: int = 0
    sent: int = 0
    retrying: int = 0
    undelivered: int = 0
    errors: int = 0


def tick(now: datetime | None = None) -> TickReport:
    """Claim what is due now, then send every pending reminder no other tick is sending.

    Raises PushNotConfigured before claiming anything when push has no key or subject.
    One kind's or one reminder's error is logged and counted; the tick goes on.
    """
    now = now or utcnow()
    report = TickReport()
    with requests.Session() as session:
        sender = Sender(session)
        for kind in KINDS.values():
            try:
                report.claimed += _claim(kind, now)
            except Exception:
                db.session.rollback()
                logger.exception("Finding %s reminders failed", kind.name)
                report.errors += 1
        seen: set[int] = set()
        while (reminder := _next_pending(now, seen)) is not None:
            seen.add(reminder.id)
            if not _lease(reminder, now):
                continue
            try:
                _send(reminder, sender, now, report)
            except Exception:
                db.session.rollback()
                logger.exception("Sending reminder %s failed", reminder.id)
                report.errors += 1
    return report


def _recipients(kind: str, user_ids: set[int]) -> set[int]:
    """Of these people: active, of a role that gets the kind, not opted out, with a device."""
    return set(
        db.session.scalars(
            sa.select(User.id).where(
                User.id.in_(user_ids),
                User.active,
                User.role.in_(roles_for(kind)),
                sa.exists().where(PushSubscription.user_id == User.id),
                ~sa.exists().where(ReminderOptOut.user_id == User.id, ReminderOptOut.kind == kind),
            )
        )
    )


def _claim(kind: ReminderKind, now: datetime) -> int:
    """Insert a pending reminder for each new (kind, object, due date, person). A claim that
    exists already, made by this tick's predecessor or by a tick running beside it, is left."""
    due: dict[tuple, Due] = {}
    for found in kind.find(now):
        due.setdefault((found.object_id, found.due_on, found.user_id), found)
    recipients = _recipients(kind.name, {user_id for _, _, user_id in due})
    rows = [
        {
            "kind": kind.name,
            "object_id": d.object_id,
            "due_on": d.due_on,
            "user_id": d.user_id,
            "public_id": new_public_id(),
            "url": d.url,
            "body": d.body,
            "state": ReminderState.PENDING,
            "attempts": 0,
            "sent_to": [],
            "claimed_at": now,
        }
        for d in due.values()
        if d.user_id in recipients
    ]
    if not rows:
        return 0
    claimed = _insert_claims(rows)
    db.session.commit()
    return claimed


def _insert_claims(rows: list[dict]) -> int:
    """Insert the rows no tick has claimed yet; how many that was, counted from the ids the
    insert returns (PostgreSQL's driver gives no row count for it)."""
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    inserted = db.session.execute(
        dialect.insert(Reminder)
        .values(rows)
        .on_conflict_do_nothing(index_elements=["kind", "object_id", "due_on", "user_id"])
        .returning(Reminder.id)
    )
    return len(inserted.all())


def claim_mail(kind: str, object_id: int, due_on, user_id: int, now: datetime) -> bool:
    """Claim, once for every tick, a reminder that goes by mail instead of push: whether this
    tick is the one to send it. The claim is kept as sent, so no push goes out for it; the
    caller queues the mail in the same transaction."""
    row = {
        "kind": kind,
        "object_id": object_id,
        "due_on": due_on,
        "user_id": user_id,
        "public_id": new_public_id(),
        "url": "",
        "body": "",
        "state": ReminderState.SENT,
        "attempts": 0,
        "sent_to": [],
        "claimed_at": now,
        "sent_at": now,
    }
    return _insert_claims([row]) == 1


def _next_pending(now: datetime, seen: set[int]) -> Reminder | None:
    """The oldest pending reminder that is not leased or waiting; on PostgreSQL, rows another
    tick holds are skipped rather than waited for."""
    return db.session.scalar(
        sa.select(Reminder)
        .where(
            Reminder.state == ReminderState.PENDING,
            sa.or_(Reminder.not_before.is_(None), Reminder.not_before <= now),
            Reminder.id.not_in(seen),
        )
        .order_by(Reminder.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )


def _lease(reminder: Reminder, now: datetime) -> bool:
    """Take the reminder for this tick. The update only matches if no other tick took it since
    we read it, which is what keeps SQLite (which has no row locks) to one sender too."""
    taken = db.session.execute(
        sa.update(Reminder)
        .where(Reminder.id == reminder.id, Reminder.attempts == reminder.attempts)
        .values(attempts=reminder.attempts + 1, not_before=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def _send(reminder: Reminder, sender: Sender, now: datetime, report: TickReport) -> None:
    kind = KINDS.get(reminder.kind)
    devices = db.session.scalars(
        sa.select(PushSubscription).where(
            PushSubscription.user_id == reminder.user_id,
            PushSubscription.id.not_in(reminder.sent_to),
        )
    ).all()
    retry_after = None
    if kind is not None:
        tag = topic(kind.name, reminder.object_id)
        message = {
            "title": kind.title,
            "body": reminder.body,
            "url": reminder.url,
            "id": reminder.public_id,
            "tag": tag,
        }
        for device in devices:
            delivery = sender.push(device, message, tag, kind.urgency)
            if delivery.outcome == Outcome.DELIVERED:
                reminder.sent_to = [*reminder.sent_to, device.id]
            elif delivery.outcome == Outcome.RETRY:
                retry_after = max(retry_after or MIN_RETRY, timedelta(seconds=delivery.retry_after))
            note_delivery(device, delivery, utcnow())
    if retry_after is not None and reminder.attempts < MAX_ATTEMPTS:
        reminder.not_before = now + retry_after
        report.retrying += 1
    elif reminder.sent_to:
        reminder.state, reminder.sent_at, reminder.not_before = ReminderState.SENT, utcnow(), None
        report.sent += 1
    else:
        reminder.state, reminder.not_before = ReminderState.UNDELIVERED, None
        report.undelivered += 1
    db.session.commit()
