"""No query string makes a page fail: every parameter each GET route reads, set to a huge
number, a negative, non-ASCII digits, an empty value or a long string, answers below 500.

Which parameters a route reads is found by asking it: the requests' query strings record
every name a view looks up, and each name found is set in turn until no new one appears.
"""

import sqlalchemy as sa
from flask import Flask, Request
from werkzeug.datastructures import ImmutableMultiDict

from ap_field.assessments.models import Assessment
from ap_field.auth.models import Role, User
from ap_field.common.access import PUBLIC, access_rule
from ap_field.demo import DEMO_PASSWORD
from ap_field.extensions import db
from ap_field.parents.models import ParentLink
from ap_field.photos.models import Photo
from ap_field.plans.models import LearningPlan, Review, TimetableSlot
from ap_field.premises.models import (
    CheckItem,
    CheckSection,
    CheckSignature,
    CheckTemplate,
    InsurancePolicy,
    ProviderSite,
    SiteAction,
    SiteCheck,
)
from ap_field.pupils.models import CaseloadAssignment
from ap_field.safeguarding.models import Concern
from ap_field.schools.models import School
from ap_field.schools.notice_models import AttendanceNotice
from ap_field.sessions.models import SessionNote
from ap_field.visits.models import HomeVisit
from tests.helpers import AuthActions, SeparateContextClient

BAD_VALUES = {
    "a huge number": "9" * 30,
    "a negative": "-1",
    "non-ASCII digits": "²",
    "Arabic-Indic digits": "١٢٣",
    "an empty value": "",
    "a long string": "x" * 3000,
}
# Who asks for a page: the first of these its rule allows.
ROLES = (Role.LEAD, Role.TEACHER, Role.ASSESSOR, Role.ADMIN, Role.PARENT, Role.SCHOOL)
READ: set[str] = set()


class RecordingArgs(ImmutableMultiDict):
    """A query string that remembers each name a view asks it for."""

    def get(self, key, *args, **kwargs):
        READ.add(key)
        return super().get(key, *args, **kwargs)

    def getlist(self, key, *args, **kwargs):
        READ.add(key)
        return super().getlist(key, *args, **kwargs)

    def __getitem__(self, key):
        READ.add(key)
        return super().__getitem__(key)

    def __contains__(self, key):
        READ.add(key)
        return super().__contains__(key)


class RecordingRequest(Request):
    parameter_storage_class = RecordingArgs


def first_id(query: sa.Select) -> int:
    return db.session.scalar(query.limit(1))


def records_to_ask_about() -> dict[str, int]:
    """An id for each URL argument, from the demo programme: the records of a pupil of the
    first teacher that has them all."""
    teacher = db.session.scalar(sa.select(User.id).where(User.email == "teacher1@example.org"))
    pupil = first_id(
        sa.select(CaseloadAssignment.pupil_id)
        .where(CaseloadAssignment.teacher_id == teacher)
        .where(CaseloadAssignment.pupil_id.in_(sa.select(Review.pupil_id)))
        .where(CaseloadAssignment.pupil_id.in_(sa.select(HomeVisit.pupil_id)))
        .where(CaseloadAssignment.pupil_id.in_(sa.select(ParentLink.pupil_id)))
        .where(CaseloadAssignment.pupil_id.in_(sa.select(Concern.pupil_id)))
        .order_by(CaseloadAssignment.slot)
    )
    provider = first_id(sa.select(ProviderSite.provider_id))
    check = first_id(sa.select(SiteCheck.id).order_by(SiteCheck.id))
    template = db.session.get(SiteCheck, check).template_id
    of_pupil = {
        "plan_id": LearningPlan,
        "note_id": SessionNote,
        "review_id": Review,
        "visit_id": HomeVisit,
        "assessment_id": Assessment,
        "slot_id": TimetableSlot,
        "link_id": ParentLink,
        "concern_id": Concern,
    }
    ids = {
        argument: first_id(sa.select(model.id).where(model.pupil_id == pupil))
        for argument, model in of_pupil.items()
    }
    return ids | {
        "pupil_id": pupil,
        "provider_id": provider,
        "site_id": first_id(sa.select(ProviderSite.id).where(ProviderSite.provider_id == provider)),
        "policy_id": first_id(
            sa.select(InsurancePolicy.id).where(InsurancePolicy.provider_id == provider)
        ),
        "check_id": check,
        "action_id": first_id(sa.select(SiteAction.id)),
        "signature_id": first_id(
            sa.select(CheckSignature.id).where(CheckSignature.check_id == check)
        ),
        "template_id": first_id(sa.select(CheckTemplate.id)),
        "item_id": first_id(
            sa.select(CheckItem.id).join(CheckSection).where(CheckSection.template_id == template)
        ),
        "photo_id": first_id(sa.select(Photo.id)),
        "user_id": teacher,
        "school_id": first_id(sa.select(School.id)),
        "notice_id": first_id(sa.select(AttendanceNotice.id)),
    }


def who_asks(app: Flask, endpoint: str, pupil_id: int) -> str | None:
    """The email of someone the route allows, or None for a public page."""
    rule = access_rule(app, endpoint)
    if rule == PUBLIC:
        return None
    role = next(role for role in ROLES if role in rule)
    if role == Role.PARENT:
        link = db.session.scalar(sa.select(ParentLink).where(ParentLink.pupil_id == pupil_id))
        return link.parent.email
    if role == Role.TEACHER:
        return "teacher1@example.org"
    return db.session.scalar(sa.select(User.email).where(User.role == role).limit(1))


def get_routes(app: Flask, ids: dict[str, int]) -> list[tuple[str, str]]:
    routes = []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint == "static":
            continue
        path = rule.rule
        for argument in rule.arguments:
            value = ids.get(argument, "not-a-real-link")
            path = path.replace(f"<int:{argument}>", str(value)).replace(
                f"<token:{argument}>", str(value)
            )
        routes.append((rule.endpoint, path))
    return sorted(routes)


def ask(client, path: str, query: dict[str, str]) -> int:
    READ.clear()
    return client.get(path, query_string=query, buffered=True).status_code


def failure(client, path: str, query: dict[str, str]) -> str | None:
    """What went wrong, if the answer is a server error (raised, as the tests' app does)."""
    try:
        status = ask(client, path, query)
    except Exception as error:
        return f"{type(error).__name__}: {str(error)[:150]}"
    return f"answered {status}" if status >= 500 else None


def parameters_read(client, path: str) -> set[str]:
    """Every name the route reads, found by setting each name it read until none is new. The
    first question carries a name no route reads, for views that read nothing of an empty
    query string."""
    ask(client, path, {"unread": "1"})
    found = READ - {"unread"}
    while True:
        ask(client, path, dict.fromkeys(found, "1"))
        if found >= READ:
            return found
        found |= READ


def test_no_query_string_makes_a_get_route_fail(app, runner, monkeypatch):
    assert runner.invoke(args=["demo", "seed"]).exit_code == 0
    monkeypatch.setattr(app, "request_class", RecordingRequest)
    ids = records_to_ask_about()
    clients = {}
    failures, reads = [], {}
    for endpoint, path in get_routes(app, ids):
        email = who_asks(app, endpoint, ids["pupil_id"])
        if email not in clients:
            clients[email] = SeparateContextClient(app, app.response_class, use_cookies=True)
            if email:
                user = db.session.scalar(sa.select(User).where(User.email == email))
                AuthActions(clients[email]).login(user, DEMO_PASSWORD)
        client = clients[email]
        reads[endpoint] = parameters_read(client, path)
        for name in sorted(reads[endpoint]):
            for kind, value in BAD_VALUES.items():
                others = dict.fromkeys(reads[endpoint] - {name}, "1")
                for query in ({name: value}, others | {name: value}):
                    if problem := failure(client, path, query):
                        failures.append(f"{endpoint} {name}= {kind}: {problem}")

    assert failures == [], "\n".join(failures)
    # The sweep reaches the lists, the filters and the forms in query strings.
    assert {"page", "teacher", "q", "status"} <= reads["pupils.index"]
    assert {"teachers-page"} <= reads["reports.programme"]
    assert {"first", "last"} <= reads["attendance.export"]
    assert {"export", "format", "first", "last"} <= reads["reports.exports"]
    assert {"date", "session"} <= reads["attendance.register"]
    assert len([endpoint for endpoint, names in reads.items() if names]) >= 12
