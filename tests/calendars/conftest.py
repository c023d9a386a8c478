"""Fixtures for term calendars: Northshire Council's calendar (local authority 881) and two of
its schools, with the clock at 09:05 on a Wednesday in term."""

import uuid

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Role
from ap_field.calendars.services import add_calendar, add_event
from ap_field.extensions import db
from tests.helpers import school_named


@pytest.fixture
def clock(clock):
    clock(9, 5)
    return clock


@pytest.fixture
def northshire(app):
    return add_calendar({"la_code": "881", "name": "Northshire Council term dates"}, uuid.uuid4())


@pytest.fixture
def northside(app):
    return school_named("Northside Academy")


@pytest.fixture
def riverside(app):
    return school_named("Riverside School")


@pytest.fixture
def close(northshire):
    """close(kind, first, last=None, school=None): a closure in Northshire's calendar."""

    def make(kind, first, last=None, school=None, description="Closed"):
        values = {
            "kind": kind,
            "first_day": first,
            "last_day": last or first,
            "description": description,
            "school_id": school.id if school else None,
        }
        return add_event(northshire, values, uuid.uuid4())

    return make


@pytest.fixture
def lead(make_user, auth):
    user = make_user(Role.LEAD, name="Lena Lead")
    auth.login(user)
    return user


class Statements:
    """Counts the statements the app sends while it is open."""

    def __init__(self):
        self.count = 0

    def _count(self, *_args) -> None:
        self.count += 1

    def __enter__(self):
        sa.event.listen(db.engine, "before_cursor_execute", self._count)
        return self

    def __exit__(self, *_exc) -> None:
        sa.event.remove(db.engine, "before_cursor_execute", self._count)
