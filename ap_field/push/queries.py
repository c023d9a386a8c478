"""Reading a person's devices for the Reminders page."""

import re

import sqlalchemy as sa

from ap_field.auth.models import User
from ap_field.extensions import db
from ap_field.push.models import PushSubscription, ReminderOptOut

# Checked in this order: Edge and Samsung's browser also say "Chrome", Chrome also says "Safari".
BROWSERS = (
    ("Edg", "Edge"),
    ("SamsungBrowser", "Samsung Internet"),
    ("Firefox", "Firefox"),
    ("FxiOS", "Firefox"),
    ("CriOS", "Chrome"),
    ("Chrome", "Chrome"),
    ("Safari", "Safari"),
)
SYSTEMS = (
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Windows", "Windows"),
    ("Mac OS X", "Mac"),
    ("CrOS", "ChromeOS"),
    ("Linux", "Linux"),
)


def device_name(user_agent: str) -> str:
    """'Chrome on Android' from a user agent string, or 'A browser' when it says too little."""
    browser = next((name for token, name in BROWSERS if re.search(token, user_agent)), None)
    system = next((name for token, name in SYSTEMS if token in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "A browser"


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
