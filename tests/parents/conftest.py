import uuid
from datetime import date, time, timedelta

import pytest

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.plans.models import Focus, Mode
from ap_field.pupils.services import assign
from ap_field.sessions.services import write_note
from tests.helpers import PASSWORD, AuthActions, ClientRequest


@pytest.fixture
def teacher(make_user):
    return make_user(Role.TEACHER, name="Tom Okafor")


@pytest.fixture
def pupil(make_pupil, make_user, teacher):
    """Jayden, in the teacher's caseload."""
    jayden = make_pupil(legal_name="Jayden Clarke")
    assign(jayden, teacher, make_user(Role.LEAD))
    return jayden


@pytest.fixture
def make_note(teacher):
    def make(pupil, held_on: date | None = None, starts_at: time = time(10), **values):
        return write_note(
            pupil,
            teacher,
            {
                "held_on": held_on or london_today() - timedelta(days=1),
                "starts_at": starts_at,
                "ends_at": time(starts_at.hour + 2),
                "mode": Mode.FACE_TO_FACE,
                "focus": Focus.ENGLISH,
                "place": "14 Mill Lane",
                "planned_minutes": 120,
                "engagement": 4,
                "progress": "Finished the reading comprehension",
                "wellbeing": "Quiet; said home is difficult this week",
                "next_steps": "Practice paper",
            }
            | values,
            [],
            uuid.uuid4(),
        )

    return make


@pytest.fixture
def phone_of(app):
    """A separate phone signed in as `user`, as a ClientRequest."""

    def open_phone(user) -> ClientRequest:
        client = app.test_client()
        AuthActions(client).login(user, PASSWORD)
        return ClientRequest(client)

    return open_phone
