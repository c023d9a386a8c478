"""Fixtures for home visits: a signed-in teacher with a pupil in their caseload, a valid
visit form as a browser sends it, visits made directly (an overdue one, one that happened) and
a lead signed in on a phone of their own."""

from datetime import timedelta

import pytest

from ap_field.auth.models import Role
from ap_field.common.time import london_today, utcnow
from ap_field.pupils.services import assign
from ap_field.visits.models import VisitPlace, VisitPurpose, VisitStatus
from ap_field.visits.services import create_visit
from tests.helpers import AuthActions, ClientRequest


@pytest.fixture
def pupil(make_pupil, teacher):
    pupil = make_pupil(legal_name="Jayden Clarke")
    assign(pupil, teacher, None)
    return pupil


@pytest.fixture
def visit_form():
    """A visit that happened yesterday morning, with every answer filled in."""

    def form(**overrides) -> dict:
        yesterday = london_today() - timedelta(days=1)
        return {
            "client_uuid": "",
            "visit_date": yesterday.isoformat(),
            "visit_time": "10:30",
            "status": "completed",
            "place": "home",
            "address": "14 Mill Lane, Northside, NS1 4AB",
            "purpose": "first_visit",
            "purpose_other": "",
            "present": ["pupil", "parents_carers", "others"],
            "others_present": "Aunt (Abena)",
            "concerns": "Finds mornings hard; no laptop at home",
            "child_voice": "I want to get back to football",
            "parent_voice": "Worried about him going out at night",
            "next_visit_on": (yesterday + timedelta(days=14)).isoformat(),
        } | overrides

    return form


@pytest.fixture
def make_visit():
    """A visit made straight through the service: planned for tomorrow unless told otherwise."""

    def make(pupil, visitor, **values):
        record = {
            "starts_at": utcnow() + timedelta(days=1),
            "place": VisitPlace.HOME,
            "address": "14 Mill Lane",
            "purpose": VisitPurpose.WELFARE,
        }
        return create_visit(pupil, visitor, record | values)

    return make


@pytest.fixture
def overdue(pupil, teacher, make_visit):
    """A visit whose visitor arrived two hours ago, was due out an hour ago and has not left."""
    now = utcnow()
    return make_visit(
        pupil,
        teacher,
        starts_at=now - timedelta(hours=2),
        status=VisitStatus.IN_PROGRESS,
        arrived_at=now - timedelta(hours=2),
        expected_finish_at=now - timedelta(hours=1),
    )


@pytest.fixture
def made(pupil, teacher, make_visit):
    """A visit that happened three hours ago."""
    return make_visit(
        pupil, teacher, starts_at=utcnow() - timedelta(hours=3), status=VisitStatus.COMPLETED
    )


@pytest.fixture
def lead_phone(app, make_user) -> ClientRequest:
    """The lead, signed in on their own phone."""
    client = app.test_client()
    AuthActions(client).login(make_user(Role.LEAD, name="Lena Brooks"))
    return ClientRequest(client)
