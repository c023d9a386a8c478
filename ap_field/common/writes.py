"""Writes that a phone may send late or send again (docs/architecture.md, "The offline
protocol"): a create is found again by the client_uuid its form opened with, an edit is
refused when the record moved on since the version its form showed, and the audited fields
that changed are worked out once for the audit trail. A new record is committed with its
audit event. Replayed requests are answered by ap_field.sync.protocol; a refused edit's 409
page by ap_field.common.conflicts."""

import uuid
from collections.abc import Callable
from typing import Any, TypeVar

import sqlalchemy as sa
import sqlalchemy.orm as so
from flask import abort

from ap_field.audit.models import record
from ap_field.extensions import db

Row = TypeVar("Row")


class StaleEdit(Exception):
    """Someone else saved the record after this form was opened."""


def by_client_uuid(model: type, client_uuid: uuid.UUID, **same):
    """The record a phone's form created, if it reached the database before. Where its
    attributes named in `same` hold other values, another request is claiming a used id:
    422, as for any replay whose body differs."""
    made = db.session.scalar(sa.select(model).where(model.client_uuid == client_uuid))
    if made is not None and any(getattr(made, name) != value for name, value in same.items()):
        abort(422)
    return made


def apply_edit(
    record, values: dict, seen_version: int | None, snapshot: Callable[[object], dict]
) -> tuple[dict, dict] | None:
    """Apply an edit made on version `seen_version`, or raise StaleEdit if the record moved
    on since. The audited fields that changed, (before, after), or None when none did."""
    if record.version != seen_version:
        raise StaleEdit()
    before = snapshot(record)
    for name, value in values.items():
        setattr(record, name, value)
    after = snapshot(record)
    changed = [name for name in after if before[name] != after[name]]
    if not changed:
        return None
    return {name: before[name] for name in changed}, {name: after[name] for name in changed}


def commit_or_stale() -> None:
    """Commit; a version that another transaction moved on first (the database's check of
    `version`) is a StaleEdit, with nothing saved."""
    try:
        db.session.commit()
    except so.exc.StaleDataError as error:
        db.session.rollback()
        raise StaleEdit() from error


def add_recorded(
    row: Row,
    event: str,
    details: Callable[[Row], dict[str, Any]],
    with_it: Callable[[Row], None] | None = None,
) -> Row:
    """Add `row` and commit it with its audit event `event`. The row is flushed first, so
    that `details(row)`, the event's keyword arguments (`pupil_id` among them), can name
    the id it was given; `with_it(row)` adds anything else the same commit must hold."""
    db.session.add(row)
    db.session.flush()
    record(event, **details(row))
    if with_it is not None:
        with_it(row)
    db.session.commit()
    return row
