"""Reading a person's devices for the Reminders page."""

import sqlalchemy as sa

from ap_field.auth.models import User
from ap_field.extensions import db
from ap_field.push.models import PushSubscription, ReminderOptOut


def own_device_or_404(user: User, device_id: int) -> PushSubscription:
    return db.first_or_404(
        sa.select(PushSubscription).where(
            PushSubscription.id == device_id, PushSubscription.user_id == user.id
        )
    )


def devices_of(user: User) -> list[PushSubscription]:
    return list(
        db.session.scalars(
            sa.select(PushSubscription)
            .where(PushSubscription.user_id == user.id)
            .order_by(PushSubscription.created_at, PushSubscription.id)
        )
    )


def opted_out_kinds(user: User) -> set[str]:
    return set(
        db.session.scalars(sa.select(ReminderOptOut.kind).where(ReminderOptOut.user_id == user.id))
    )
