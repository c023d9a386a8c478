"""Fixtures for registers: a London clock the tests set, and a teacher's block of five."""

from datetime import date, datetime, time

import pytest

from ap_field.attendance import views
from ap_field.auth.models import Role
from ap_field.common.time import LONDON
from ap_field.pupils.services import assign

# A Wednesday in term: AM runs until 12:00, the PM register is due by 14:00.
WEDNESDAY = date(2026, 11, 18)


@pytest.fixture
def clock(monkeypatch):
    """Sets the London time the register views see: clock(9, 5) is 09:05 on WEDNESDAY."""

    def set_to(hour: int, minute: int = 0, on: date = WEDNESDAY) -> datetime:
        moment = datetime.combine(on, time(hour, minute), tzinfo=LONDON)
        monkeypatch.setattr(views, "london_now", lambda: moment)
        monkeypatch.setattr(views, "london_today", lambda: moment.date())
        return moment

    set_to(9, 5)
    return set_to


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
