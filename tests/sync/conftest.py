"""Fixtures for the offline write protocol: a signed-in teacher with a pupil, the forms a
phone's outbox sends again, and the protocol's headers."""

import uuid
from datetime import date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.common.time import LONDON, london_today
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.sync.models import IdempotencyKey
from tests.sessions.test_notes import note_form as sessions_note_form

# A Wednesday in term, at 09:05: the AM register is open.
REGISTER_OPEN = datetime.combine(date(2026, 11, 18), time(9, 5), tzinfo=LONDON)


def keyed(key: uuid.UUID | str | None = None, **headers) -> dict:
    """The headers of an outbox send in the background: its op_id as the Idempotency-Key."""
    return {"Idempotency-Key": str(key or uuid.uuid4()), "X-Outbox": "replay", **headers}


def saved_keys() -> list[IdempotencyKey]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(IdempotencyKey).order_by(IdempotencyKey.id)))


def note_form(**overrides) -> dict:
    """A session note as the new-note page sends it, with the client_uuid it opened with."""
    return sessions_note_form(client_uuid=str(uuid.uuid4())) | overrides


def visit_form(**overrides) -> dict:
    """A home visit that happened yesterday morning, as the visit form sends it."""
    yesterday = london_today() - timedelta(days=1)
    return {
        "client_uuid": str(uuid.uuid4()),
        "visit_date": yesterday.isoformat(),
        "visit_time": "10:30",
        "status": "completed",
        "place": "home",
        "address": "14 Mill Lane, Northside, NS1 4AB",
        "purpose": "first_visit",
        "purpose_other": "",
        "present": ["pupil", "parents_carers"],
        "others_present": "",
        "concerns": "Finds mornings hard",
        "child_voice": "I want to get back to football",
        "parent_voice": "Worried about the mornings",
        "next_visit_on": (yesterday + timedelta(days=14)).isoformat(),
    } | overrides


def mark_form(**overrides) -> dict:
    """A register tap: present in the AM register of REGISTER_OPEN's day."""
    return {
        "date": REGISTER_OPEN.date().isoformat(),
        "session": "am",
        "code": "/",
        "version": "",
        "client_uuid": str(uuid.uuid4()),
    } | overrides


@pytest.fixture
def pupil(make_pupil, teacher):
    pupil = make_pupil(legal_name="Jayden Clarke")
    assign(pupil, teacher, None, on=date(2026, 9, 1))
    return pupil


@pytest.fixture
def register_open(clock):
    """The app sees REGISTER_OPEN as now."""
    return clock.set(REGISTER_OPEN)
