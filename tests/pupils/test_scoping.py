"""The scoping matrix: every URL that names a pupil, asked by every role, for a pupil in
the caller's scope and one outside it.

A role the view does not allow gets 403 whoever the pupil is; an allowed role gets the
page (or the form's answer) for a pupil in scope and 404 for one outside it, so nobody
learns that a child they may not see exists.
"""

import uuid
from dataclasses import dataclass
from datetime import time, timedelta

import pytest
from flask import Flask

from ap_field import create_app
from ap_field.absences.models import AbsenceReason
from ap_field.absences.services import report_absence
from ap_field.attendance.models import RegisterSession
from ap_field.auth.models import Role, SafeguardingRole, User
from ap_field.common.access import access_rule, needs_dsl
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.parents.models import Answer, ParentLink
from ap_field.parents.services import confirm_session, invite
from ap_field.plans.models import Focus, Mode
from ap_field.plans.queries import current_plan
from ap_field.plans.services import add_slot, hold_review
from ap_field.pupils.models import Pupil
from ap_field.pupils.queries import current_assignment, is_every_pupil, pupils_in_scope
from ap_field.pupils.services import assign
from ap_field.sessions.queries import delivery_between
from ap_field.visits.models import VisitPlace, VisitPurpose
from ap_field.visits.services import create_visit
from tests.assessments.helpers import make_assessment
from tests.helpers import (
    config_for_tests,
    detached,
    new_pupil,
    new_user,
    school_named,
    signed_in_cookie,
    write_demo_plan,
    write_test_note,
)
from tests.safeguarding.helpers import make_concern


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


def make_parent_link(pupil: Pupil, world_users: dict[Role, User], make_user) -> int:
    parent = world_users[Role.PARENT] if pupil.legal_name == "Mine" else make_user(Role.PARENT)
    link = ParentLink(parent=parent, pupil=pupil, relationship="Carer")
    db.session.add(link)
    db.session.commit()
    return link.id


def make_plan(pupil: Pupil, users: dict[Role, User], _make_user) -> int:
    return write_demo_plan(pupil, users[Role.LEAD]).id


def make_slot(pupil: Pupil, _users, _make_user) -> int:
    values = {
        "weekday": 0,
        "starts_at": time(10),
        "ends_at": time(11),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.ENGLISH,
        "place": "Home",
    }
    return add_slot(pupil, values, uuid.uuid4()).id


def make_review(pupil: Pupil, users: dict[Role, User], _make_user) -> int:
    plan = current_plan(pupil)
    today = london_today()
    values = {
        "held_on": today,
        "participants": ["pupil"],
        "timetable_changes": "No changes",
        "next_review_on": today + timedelta(days=14),
    }
    delivery = delivery_between(pupil, plan.starts_on, today)
    return hold_review(pupil, plan, values, [], delivery, users[Role.LEAD], uuid.uuid4()).id


def make_note(pupil: Pupil, users: dict[Role, User], _make_user) -> int:
    return write_test_note(pupil, users[Role.LEAD]).id


def make_pupil_assessment(pupil: Pupil, world_users: dict[Role, User], make_user) -> int:
    return make_assessment(pupil, world_users[Role.TEACHER]).id


def make_visit(pupil: Pupil, world_users: dict[Role, User], make_user) -> int:
    """A planned visit by the pupil's teacher."""
    visit = create_visit(
        pupil,
        current_assignment(pupil).teacher,
        {
            "starts_at": utcnow(),
            "place": VisitPlace.HOME,
            "address": "1 High Street",
            "purpose": VisitPurpose.WELFARE,
        },
    )
    return visit.id


def make_pupil_concern(pupil: Pupil, world_users: dict[Role, User], _make_user) -> int:
    """A concern recorded by the pupil's teacher: theirs and the DSL's to read."""
    return make_concern(pupil, current_assignment(pupil).teacher).id


def make_invitation(pupil: Pupil, users: dict[Role, User], _make_user) -> int:
    invitation, _token = invite(pupil, users[Role.LEAD], {"relationship": "Mother"})
    return invitation.id


def make_absence(pupil: Pupil, world_users: dict[Role, User], make_user) -> int:
    """An absence tomorrow, reported by the world's parent of `mine`, another's of `theirs`."""
    parent = world_users[Role.PARENT] if pupil.legal_name == "Mine" else make_user(Role.PARENT)
    tomorrow = london_today() + timedelta(days=1)
    span = (tomorrow, RegisterSession.AM, tomorrow, RegisterSession.PM)
    return report_absence(pupil, parent, span, AbsenceReason.ILL, "", uuid.uuid4()).id


def make_dispute(pupil: Pupil, world_users: dict[Role, User], make_user) -> int:
    """A parent's "No" about a session of the pupil."""
    note = write_test_note(pupil, world_users[Role.LEAD])
    parent = world_users[Role.PARENT] if pupil.legal_name == "Mine" else make_user(Role.PARENT)
    return confirm_session(note, parent, Answer.DISPUTED, "It did not happen", uuid.uuid4()).id


# Each URL argument that names a record belonging to a pupil, and how to make one for a
# pupil. An area with such routes adds its maker here, and the matrix covers its routes.
CHILD_MAKERS = {
    "link_id": make_parent_link,
    "plan_id": make_plan,
    "slot_id": make_slot,
    "review_id": make_review,
    "note_id": make_note,
    "assessment_id": make_pupil_assessment,
    "visit_id": make_visit,
    "invitation_id": make_invitation,
    "concern_id": make_pupil_concern,
    "report_id": make_absence,
    "confirmation_id": make_dispute,
}


@dataclass
class World:
    users: dict[Role, User]
    mine: Pupil
    theirs: Pupil
    children: dict[str, dict[str, int]]


@pytest.fixture(scope="module")
def transaction(module_transaction):
    """The world below is built once for the module's hundreds of cases."""
    return module_transaction


@pytest.fixture(scope="module")
def world(transaction, rollback_app) -> World:
    """The role's teacher and parent hold `mine`, on the roll of the school officer's school;
    another teacher and parent hold `theirs`, on another school's roll; each pupil has one
    record of every kind in CHILD_MAKERS."""
    with rollback_app.app_context():
        users = {role: new_user(role) for role in Role}
        users[Role.LEAD].safeguarding_role = SafeguardingRole.DSL
        db.session.commit()
        mine = new_pupil(legal_name="Mine", school_id=school_named("Northside Academy").id)
        theirs = new_pupil(legal_name="Theirs", school_id=school_named("Riverside Academy").id)
        assign(mine, users[Role.TEACHER], users[Role.LEAD])
        assign(theirs, new_user(Role.TEACHER), users[Role.LEAD])
        children = {
            argument: {
                "mine": maker(mine, users, new_user),
                "theirs": maker(theirs, users, new_user),
            }
            for argument, maker in CHILD_MAKERS.items()
        }
        detached(mine, theirs, *users.values())
    return World(users, mine, theirs, children)


@pytest.fixture(scope="module")
def cookies(world, rollback_app) -> dict[Role, str]:
    """Each role's person signed in once for the module's cases."""
    with rollback_app.app_context():
        return {role: signed_in_cookie(rollback_app, user) for role, user in world.users.items()}


def url_for_case(world: World, rule: str, role: Role, scope: str) -> str:
    """The rule filled in for the pupil to ask about. Leads and admins see every pupil, so
    the pupil outside their scope is one that does not exist."""
    if scope == "in scope":
        pupil_id, whose = world.mine.id, "mine"
    elif role in (Role.LEAD, Role.ADMIN):
        pupil_id, whose = 987654, None
    else:
        pupil_id, whose = world.theirs.id, "theirs"
    path = rule.replace("<int:pupil_id>", str(pupil_id))
    for argument, ids in world.children.items():
        path = path.replace(f"<int:{argument}>", str(ids[whose] if whose else 987654))
    assert "<" not in path, f"{rule} names a record with no maker in CHILD_MAKERS"
    return path


def test_the_matrix_covers_every_pupil_route():
    assert len(ROUTES) >= 10
    assert {endpoint for endpoint, _, _ in ROUTES} >= {
        "pupils.show",
        "pupils.edit",
        "pupils.assign_teacher",
        "pupils.audit_trail",
        "parents.new_link",
        "parents.edit_link",
        "parents.unlink_parent",
        "assessments.index",
        "assessments.new",
        "assessments.show",
        "assessments.edit",
        "visits.show",
        "visits.record",
        "visits.arrived",
        "visits.left",
        "safeguarding.new",
        "safeguarding.show",
        "safeguarding.seen",
        "safeguarding.pupil_chronology",
        "absences.new_report",
        "absences.withdraw",
        "parents.reply_to_parent",
    }


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("endpoint, method, rule", ROUTES)
def test_scoping(app, client, cookies, world, endpoint, method, rule, role, scope):
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookies[role])
    response = client.open(url_for_case(world, rule, role, scope), method=method, data={})

    allowed = role in access_rule(app, endpoint) and (
        world.users[role].is_dsl or not needs_dsl(app, endpoint)
    )
    if not allowed:
        assert response.status_code == 403
    elif "concern_id" in rule and not world.users[role].is_dsl and role != Role.TEACHER:
        assert response.status_code == 404, "a concern is read by DSLs and its recorder only"
    elif scope == "in scope":
        assert response.status_code in (200, 302, 409)
    else:
        assert response.status_code == 404


def test_a_tampered_link_id_of_another_pupil_is_404(client, auth, world):
    """A link that exists, but belongs to another pupil, is not reachable through this one."""
    auth.login(world.users[Role.LEAD])
    theirs_link = world.children["link_id"]["theirs"]
    path = f"/pupils/{world.mine.id}/parents/{theirs_link}"
    assert client.get(path).status_code == 404
    assert client.post(path + "/unlink").status_code == 404
    assert db.session.get(ParentLink, theirs_link) is not None


def test_only_the_unnarrowed_scope_of_leads_and_admins_reads_as_every_pupil(world):
    """Queries narrowed to such a scope make no join (joined_to_scope)."""
    for role, user in world.users.items():
        scope = pupils_in_scope(user)
        assert is_every_pupil(scope) == (role in {Role.LEAD, Role.ADMIN}), role
        assert not is_every_pupil(scope.where(Pupil.id == world.mine.id))
