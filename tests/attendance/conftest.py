"""Fixtures for registers: the clock at 09:05 on a Wednesday in term, and a teacher's block
of five."""

from datetime import date

import pytest

from ap_field.auth.models import Role
from ap_field.pupils.services import assign
from tests.helpers import WEDNESDAY

# AM runs until 12:00 on WEDNESDAY, the PM register is due by 14:00.


@pytest.fixture
def clock(clock):
    """The registers' tests start at 09:05 on WEDNESDAY, with the AM register open."""
    clock(9, 5)
    return clock


@pytest.fixture
def teacher(make_user):
    return make_user(Role.TEACHER, name="Tom Okafor")


@pytest.fixture
def block(make_pupil, teacher):
    names = ["Amara Bello", "Ben Carter", "Cara Doyle", "Dev Patel", "Ema Novak"]
    pupils = [make_pupil(legal_name=name) for name in names]
    for pupil in pupils:
        assign(pupil, teacher, None, on=date(2026, 9, 1))
    return pupils


def mark_form(pupil_day: date = WEDNESDAY, **fields) -> dict:
    """A register tap as the browser sends it: present in today's AM register."""
    return {
        "date": pupil_day.isoformat(),
        "session": "am",
        "code": "/",
        "version": "",
        "client_uuid": "",
    } | fields
