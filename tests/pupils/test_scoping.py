"""The scoping matrix: every URL that names a pupil, asked by every role, for a pupil in
the caller's scope and one outside it.

A role the view does not allow gets 403 whoever the pupil is; an allowed role gets the
page (or the form's answer) for a pupil in scope and 404 for one outside it, so nobody
learns that a child they may not see exists.
"""

from dataclasses import dataclass

import pytest
from flask import Flask

from ap_field import create_app
from ap_field.auth.models import Role, User
from ap_field.common.access import access_rule
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.pupils.models import Pupil
from ap_field.pupils.services import assign
from tests.helpers import config_for_tests


def pupil_routes(app: Flask) -> list[tuple[str, str, str]]:
    """(endpoint, method, rule) for every route with a pupil id, from the URL map itself."""
    return sorted(
        (rule.endpoint, method, rule.rule)
        for rule in app.url_map.iter_rules()
        if "pupil_id" in rule.arguments
        for method in rule.methods - {"HEAD", "OPTIONS"}
    )


ROUTES = pupil_routes(create_app(config_for_tests("sqlite://")))
SCOPES = ["in scope", "out of scope"]


@dataclass
class World:
    users: dict[Role, User]
    mine: Pupil
    theirs: Pupil
    mine_link: ParentLink
    theirs_link: ParentLink


@pytest.fixture
def world(make_user, make_pupil) -> World:
    """Teacher and parent hold `mine`; another teacher and parent hold `theirs`."""
    users = {role: make_user(role) for role in Role}
    other_teacher, other_parent = make_user(Role.TEACHER), make_user(Role.PARENT)
    mine, theirs = make_pupil(), make_pupil()
    assign(mine, users[Role.TEACHER], users[Role.LEAD])
    assign(theirs, other_teacher, users[Role.LEAD])
    mine_link = ParentLink(parent=users[Role.PARENT], pupil=mine, relationship="Mother")
    theirs_link = ParentLink(parent=other_parent, pupil=theirs, relationship="Father")
    db.session.add_all([mine_link, theirs_link])
    db.session.commit()
    return World(users, mine, theirs, mine_link, theirs_link)


def target(world: World, role: Role, scope: str) -> tuple[int, int]:
    """The (pupil id, parent link id) to ask for. Leads and admins see every pupil, so the
    pupil outside their scope is one that does not exist."""
    if scope == "in scope":
        return world.mine.id, world.mine_link.id
    if role in (Role.LEAD, Role.ADMIN):
        return 987654, 987654
    return world.theirs.id, world.theirs_link.id


def test_the_matrix_covers_every_pupil_route():
    assert len(ROUTES) >= 10
    assert {endpoint for endpoint, _, _ in ROUTES} >= {
        "pupils.show",
        "pupils.edit",
        "pupils.assign_teacher",
        "audit.pupil_trail",
        "parents.new_link",
        "parents.edit_link",
        "parents.unlink_parent",
    }


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint, method, rule", ROUTES)
def test_scoping(app, client, auth, world, endpoint, method, rule, role, scope):
    auth.login(world.users[role])
    pupil_id, link_id = target(world, role, scope)
    path = rule.replace("<int:pupil_id>", str(pupil_id)).replace("<int:link_id>", str(link_id))

    response = client.open(path, method=method, data={})

    allowed = role in access_rule(app, endpoint)
    if not allowed:
        assert response.status_code == 403
    elif scope == "in scope":
        assert response.status_code in (200, 302, 409)
    else:
        assert response.status_code == 404


def test_a_tampered_link_id_of_another_pupil_is_404(client, auth, world):
    """A link that exists, but belongs to another pupil, is not reachable through this one."""
    auth.login(world.users[Role.LEAD])
    path = f"/pupils/{world.mine.id}/parents/{world.theirs_link.id}"
    assert client.get(path).status_code == 404
    assert client.post(path + "/unlink").status_code == 404
    assert db.session.get(ParentLink, world.theirs_link.id) is not None
