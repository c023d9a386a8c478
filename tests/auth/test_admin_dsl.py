"""The safeguarding duty on staff accounts: set by an admin beside the role, never on a parent,
and never taken from the last active designated safeguarding lead."""

from ap_field.auth.models import Role, SafeguardingRole
from ap_field.extensions import db
from tests.helpers import text_of


def _details(person, **changes) -> dict:
    return {
        "name": person.name,
        "email": person.email,
        "role": person.role.value,
        "safeguarding_role": person.safeguarding_role.value,
    } | changes


def test_an_admin_makes_a_teacher_a_deputy_dsl(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    person = make_user(Role.TEACHER)
    client_request.post(f"/admin/users/{person.id}", _details(person, safeguarding_role="deputy"))
    db.session.refresh(person)
    assert person.safeguarding_role == SafeguardingRole.DEPUTY
    assert person.is_dsl
    page = client_request.get("/admin/users")
    assert "Deputy designated safeguarding lead" in page.text


def test_a_parent_cannot_hold_a_safeguarding_duty(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    parent = make_user(Role.PARENT)
    page = client_request.post(
        f"/admin/users/{parent.id}", _details(parent, safeguarding_role="dsl"), expected_status=200
    )
    assert "Only teachers, programme leads and administrators" in text_of(
        page, "#safeguarding_role-error"
    )
    db.session.refresh(parent)
    assert parent.safeguarding_role == SafeguardingRole.NONE


def test_the_last_active_dsl_cannot_be_demoted(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    dsl = make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)
    page = client_request.post(
        f"/admin/users/{dsl.id}", _details(dsl, safeguarding_role="deputy"), expected_status=200
    )
    assert "last active designated safeguarding lead" in text_of(page, ".govuk-error-summary")
    db.session.refresh(dsl)
    assert dsl.safeguarding_role == SafeguardingRole.DSL

    make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DSL)
    client_request.post(f"/admin/users/{dsl.id}", _details(dsl, safeguarding_role="none"))
    db.session.refresh(dsl)
    assert dsl.safeguarding_role == SafeguardingRole.NONE


def test_the_last_active_dsl_cannot_be_deactivated(client, client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    dsl = make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)

    response = client.post(f"/admin/users/{dsl.id}/deactivate")

    assert response.location == f"/admin/users/{dsl.id}"
    db.session.refresh(dsl)
    assert dsl.active
    page = client_request.get(response.location)
    assert "last active designated safeguarding lead" in text_of(page, ".govuk-notification-banner")


def test_an_admin_adds_a_dsl(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    client_request.post(
        "/admin/users/new",
        {
            "name": "Priya Shah",
            "email": "priya.shah@example.org",
            "role": "teacher",
            "safeguarding_role": "dsl",
            "new_password": "harbour-violet-candle",
            "confirm_password": "harbour-violet-candle",
        },
    )
    page = client_request.get("/admin/users")
    assert "Designated safeguarding lead" in page.text
