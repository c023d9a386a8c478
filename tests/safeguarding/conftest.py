"""Fixtures for safeguarding concerns: a teacher signed in with a pupil in their caseload, the
programme's DSL, a valid concern form as a browser sends it, and concerns made directly."""

import pytest

from ap_field.auth.models import Role, SafeguardingRole
from ap_field.pupils.services import assign
from tests.helpers import school_named
from tests.safeguarding.helpers import concern_fields
from tests.safeguarding.helpers import make_concern as make_concern_now


@pytest.fixture
def dsl(make_user):
    return make_user(
        Role.LEAD,
        name="Lena Brooks",
        email="dsl@example.org",
        safeguarding_role=SafeguardingRole.DSL,
    )


@pytest.fixture
def pupil(make_pupil, teacher):
    pupil = make_pupil(
        legal_name="Jayden Clarke",
        school_id=school_named("Northside Academy", dsl_email="dsl@northside.sch.uk").id,
    )
    assign(pupil, teacher, None)
    return pupil


@pytest.fixture
def concern_form():
    return concern_fields


@pytest.fixture
def make_concern(app):
    return make_concern_now


@pytest.fixture
def switch_to(auth):
    """Sign the client out and in again as someone else."""

    def switch(user) -> None:
        auth.logout()
        auth.login(user)

    return switch
