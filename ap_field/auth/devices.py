"""Signed-in devices (docs/architecture.md, "Security"): each sign-in makes a device of its own,
which its person sees on their Signed-in devices page and can sign out from anywhere. Signing
out ends only this device; a new password or a reset of the second factor ends the others."""

import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import Flask, request, session
from flask_login import current_user, login_user

from ap_field.auth.idle import mark_used
from ap_field.auth.models import SignedInDevice, User, token_hash
from ap_field.common.time import utcnow
from ap_field.common.user_agents import device_name
from ap_field.extensions import db

# How stale a device's "last used" may grow before a request writes it again: one write in a
# few minutes, not one a request.
LAST_USED_EVERY = timedelta(minutes=5)


def sign_in_here(user: User, remember: bool) -> None:
    """Sign `user` in on the device this request came from, as a new signed-in device."""
    token = secrets.token_urlsafe(32)
    device = SignedInDevice(
        user_id=user.id,
        token_hash=token_hash(token),
        description=device_name(request.user_agent.string)[:120],
    )
    device.token = token
    db.session.add(device)
    user.device = device
    user.last_signed_in_at = utcnow()
    db.session.commit()
    session["remember_phone"] = remember
    login_user(user, remember=remember)
    mark_used()


def devices_of(user: User) -> list[SignedInDevice]:
    """The person's signed-in devices, the most recently used first."""
    return list(
        db.session.scalars(
            sa.select(SignedInDevice)
            .where(SignedInDevice.user_id == user.id, SignedInDevice.signed_out_at.is_(None))
            .order_by(SignedInDevice.last_used_at.desc(), SignedInDevice.id.desc())
        )
    )


def device_of(user: User, device_id: int) -> SignedInDevice | None:
    return db.session.scalar(
        sa.select(SignedInDevice).where(
            SignedInDevice.id == device_id,
            SignedInDevice.user_id == user.id,
            SignedInDevice.signed_out_at.is_(None),
        )
    )


def _sign_out(*conditions) -> None:
    db.session.execute(
        sa.update(SignedInDevice)
        .where(SignedInDevice.signed_out_at.is_(None), *conditions)
        .values(signed_out_at=utcnow())
    )


def sign_out_device(device: SignedInDevice) -> None:
    _sign_out(SignedInDevice.id == device.id)
    db.session.commit()


def sign_out_other_devices(user: User) -> None:
    """Every device but the one this request came from."""
    _sign_out(SignedInDevice.user_id == user.id, SignedInDevice.id != user.device.id)
    db.session.commit()


def sign_out_everywhere(user: User) -> None:
    """Every device of the person, this one too; the caller commits with its own change."""
    _sign_out(SignedInDevice.user_id == user.id)


def note_use() -> None:
    """After each request of a signed-in person: the device was used now, written at most once
    in LAST_USED_EVERY."""
    if not current_user.is_authenticated or current_user.device is None:
        return
    device, now = current_user.device, utcnow()
    if now - device.last_used_at >= LAST_USED_EVERY:
        db.session.execute(
            sa.update(SignedInDevice).where(SignedInDevice.id == device.id).values(last_used_at=now)
        )
        db.session.commit()


def install(app: Flask) -> None:
    app.before_request(note_use)
