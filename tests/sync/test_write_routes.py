"""Every write route of the field's records keeps the offline protocol (docs/architecture.md,
"The offline protocol"), read from the URL map so that a new POST route is either in the
table below or left out on purpose, with its reason:

- an edit sent with a version older than the record's answers 409 and changes nothing;
- a write sent twice under one Idempotency-Key is made once, and the second send gets the
  first answer again (status and Location) with `Idempotent-Replayed: true`;
- another body under a used key answers 422 and changes nothing.

Each route gets a valid form from the role that uses it, against records built once for the
module, with the clock at 09:05 on a Wednesday in term (the AM register is open).
"""

import dataclasses
import enum
import functools
import io
import uuid
from collections.abc import Callable
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa
from flask import Flask

from ap_field.absences.models import AbsenceReason, AbsenceReport
from ap_field.absences.services import report_absence
from ap_field.assessments.models import Assessment
from ap_field.attendance.models import AttendanceMark, LocalAuthorityReport, RegisterSession
from ap_field.attendance.queries import find_mark
from ap_field.auth.models import Role, SafeguardingRole, User
from ap_field.calendars.models import CalendarEvent, EventKind, TermCalendar
from ap_field.calendars.services import add_calendar, add_event
from ap_field.common.access import allow
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.parents.models import (
    Answer,
    DisputeReply,
    ParentInvitation,
    ParentLink,
    SessionConfirmation,
)
from ap_field.parents.services import confirm_session, invite, link_parent
from ap_field.photos.images import clean_photo
from ap_field.photos.models import Photo
from ap_field.plans.models import (
    Focus,
    LearningPlan,
    Mode,
    PlanAgreement,
    Review,
    TimetableSlot,
)
from ap_field.plans.services import add_slot
from ap_field.premises.models import (
    CheckAnswer,
    CheckTemplate,
    InsurancePolicy,
    PolicyKind,
    Provider,
    ProviderSite,
    SiteAction,
    SiteCheck,
)
from ap_field.premises.services import add_photo
from ap_field.pupils.models import CaseloadAssignment, Pupil
from ap_field.pupils.services import assign
from ap_field.safeguarding.models import Concern, ConcernAction, ConcernAddendum, Outcome
from ap_field.safeguarding.services import close
from ap_field.schools.models import School
from ap_field.schools.notice_models import AttendanceNotice
from ap_field.sessions.models import NoteAddendum, SessionNote
from ap_field.visits.models import (
    HomeVisit,
    VisitAction,
    VisitPlace,
    VisitPurpose,
    VisitStatus,
)
from ap_field.visits.services import create_visit
from tests.assessments.helpers import assessment_form, make_assessment
from tests.attendance.helpers import put_marks
from tests.helpers import Clock, detached, new_pupil, new_user, write_demo_plan, write_test_note
from tests.plans.test_plans import plan_form
from tests.plans.test_timetable import slot as slot_form
from tests.premises.helpers import (
    answer_everything,
    jpeg_bytes,
    make_check,
    make_provider,
    open_action,
    signed_form,
)
from tests.premises.helpers import template_named as latest_template
from tests.premises.test_providers import provider_form
from tests.safeguarding.helpers import concern_fields, make_concern
from tests.schools.test_schools import school_form
from tests.sync.conftest import REGISTER_OPEN, keyed, mark_form, note_form, visit_form

# POST routes that are not the field's records, each with why it is left out.
LEFT_OUT = {
    "auth.sign_in": "makes a session, not a record; nothing is queued before it",
    "calendars.import_file": "an .ics file, read and checked whole online so that nothing is"
    " saved from part of one, as a photo is",
    "auth.sign_out": "ends the session the outbox sends with",
    "auth.change_password": "a person's own password, typed online",
    "auth.lock": "a person's own password, opening the idle lock on the page where it was typed",
    "auth.new_user": "accounts, kept by an admin online",
    "auth.edit_user": "accounts, kept by an admin online",
    "auth.set_password": "accounts, kept by an admin online",
    "auth.deactivate_user": "accounts, kept by an admin online",
    "auth.reactivate_user": "accounts, kept by an admin online",
    "auth.reset_two_factor": "accounts, kept by an admin online",
    "auth.second_factor": "the second step of making a session, with a code that lasts 30 seconds",
    "auth.set_up_at_sign_in": "the second step of making a session, setting up its factor",
    "auth.sign_in_passkey_options": "a passkey challenge for the sign-in under way, as JSON",
    "auth.sign_in_with_passkey": "the passkey's answer to a challenge made a moment before",
    "auth.lock_passkey_options": "a passkey challenge for the idle lock, as JSON",
    "auth.unlock_with_passkey": "the passkey's answer, opening the idle lock on its page",
    "auth.set_up_two_factor": "a person's own second factor, set up online",
    "auth.make_recovery_codes": "a person's own recovery codes, shown once online",
    "auth.turn_off_two_factor": "a person's own second factor",
    "auth.passkey_options": "a passkey challenge for a new passkey, as JSON",
    "auth.add_passkey_here": "a new passkey's answer to a challenge made a moment before",
    "auth.remove_passkey_here": "a person's own passkey",
    "auth.sign_out_elsewhere": "ends a session of the person's on another device",
    "auth.sign_out_others": "ends the person's sessions on every other device",
    "parents.join": "a stranger making an account from an invitation link, with no session",
    "push.settings": "a person's choice of reminders",
    "push.subscribe_device": "this browser's push subscription, posted as JSON by its script",
    "push.turn_off_device": "this browser's push subscription",
    "push.test_notification": "sends a test reminder and records nothing",
    "schools.receipt": "a school confirming a notice from its emailed link, with no session",
    "premises.action_link": "a provider closing an action from its emailed link, with no "
    "session or outbox of their own: the link's page keeps the photo and note on the phone "
    "until they arrive (static/js/action-link.js), and the link takes one photo and note",
    "schools.new_officer": "accounts, invited by a lead online: the link exists only in its mail",
    "schools.welcome": "an invited officer setting a first password from the link, no session",
}


class Kind(enum.Enum):
    CREATE = "adds one record"
    EDIT = "changes a record as of the version its form was opened on"
    CHANGE = "changes a record without a version; the table says why"
    REMOVE = "removes one record; it names the record and nothing of its contents"


@dataclasses.dataclass
class World:
    """The records every route is sent against, by id, and a user of each role; with each
    test's own `pupil_form`, which gives every pupil form a case number of its own."""

    users: dict[Role, User]
    ids: dict[str, int]
    plan_targets: list[int]
    pupil_form: Callable[..., dict] | None = None

    def __getitem__(self, name: str) -> int:
        return self.ids[name]


@dataclasses.dataclass(frozen=True)
class Write:
    """A write route: sent by `role` to `path` (filled in with the World's ids) with a valid
    `form` (an edit's version is added as it is sent), it adds, changes or removes a row of
    `rows`. An edit names the World's `record` it changes; a change says why it is
    `unversioned`."""

    kind: Kind
    role: Role
    path: str
    form: Callable[[World], dict]
    rows: type
    record: str | None = None
    unversioned: str = dataclasses.field(default="", kw_only=True)


def new_uuid() -> str:
    return str(uuid.uuid4())


def today(days: int = 0) -> str:
    return (london_today() + timedelta(days=days)).isoformat()


def review_form(world: World) -> dict:
    form = {
        "client_uuid": new_uuid(),
        "held_on": today(),
        "participants": ["pupil", "parent"],
        "timetable_changes": "No changes",
        "next_review_on": today(14),
    }
    for number, target_id in enumerate(world.plan_targets):
        form[f"progress-{number}-target_id"] = str(target_id)
        form[f"progress-{number}-progress"] = "on_track"
    return form


def site_form(**overrides) -> dict:
    return {"site_name": "Workshop", "address": "Unit 4, Riverside, NS4 2QT"} | overrides


def policy_form(**overrides) -> dict:
    return {
        "kind": "employers_liability",
        "insurer": "Northshire Mutual",
        "cover_amount": "10000000",
        "expires_on": today(365),
    } | overrides


def answer_no(world: World) -> dict:
    return {
        "answer": "no",
        "comment": "The fire door is propped open",
        "action_description": "Fit a door closer",
        "action_owner": "The manager",
        "action_risk": "low",
        "action_due_on": today(14),
    }


LONE_WORKING = (
    "lone working: saying you arrived or left safely is an event that must always go "
    "through, never refused as stale (visits.services._lone_working)"
)
TEACHER, LEAD, ADMIN, ASSESSOR, PARENT, SCHOOL = (
    Role.TEACHER,
    Role.LEAD,
    Role.ADMIN,
    Role.ASSESSOR,
    Role.PARENT,
    Role.SCHOOL,
)
PUPIL = "/pupils/{pupil}"
VISIT = PUPIL + "/visits/{visit_made}"
ITEM = "/site-checks/{check}/items/{item}"
CONCERN = PUPIL + "/concerns/{concern}"
CREATE, EDIT, CHANGE, REMOVE = Kind.CREATE, Kind.EDIT, Kind.CHANGE, Kind.REMOVE

WRITES = {
    "absences.new_report": Write(
        CREATE,
        PARENT,
        "/my-child/{pupil}/absences/new",
        lambda w: {"when": f"{today(1)}:am:pm", "reason": "ill", "client_uuid": new_uuid()},
        AbsenceReport,
    ),
    "absences.withdraw": Write(
        EDIT,
        PARENT,
        "/my-child/{pupil}/absences/{absence}/withdraw",
        lambda w: {},
        AbsenceReport,
        "absence",
    ),
    "assessments.new": Write(
        CREATE,
        TEACHER,
        PUPIL + "/assessments/new",
        lambda w: assessment_form(client_uuid=new_uuid()),
        Assessment,
    ),
    "assessments.edit": Write(
        EDIT,
        TEACHER,
        PUPIL + "/assessments/{assessment}/edit",
        lambda w: assessment_form(wellbeing="5"),
        Assessment,
        "assessment",
    ),
    "attendance.mark": Write(
        EDIT,
        TEACHER,
        PUPIL + "/attendance",
        lambda w: mark_form(code="L", minutes_late="10", reason="The bus was late"),
        AttendanceMark,
        "mark",
    ),
    "attendance.report": Write(
        CREATE,
        LEAD,
        PUPIL + "/attendance/report",
        lambda w: {"concern": "missed_15_days", "client_uuid": new_uuid()},
        LocalAuthorityReport,
    ),
    "calendars.new_calendar": Write(
        CREATE,
        LEAD,
        "/calendars/new",
        lambda w: {"client_uuid": new_uuid(), "la_code": "882", "name": "Southshire term dates"},
        TermCalendar,
    ),
    "calendars.new_event": Write(
        CREATE,
        LEAD,
        "/calendars/{calendar}/events/new",
        lambda w: {
            "client_uuid": new_uuid(),
            "kind": "inset_day",
            "first_day": "2027-01-04",
            "last_day": "",
            "description": "Staff training day",
            "school_id": "0",
        },
        CalendarEvent,
    ),
    "calendars.remove": Write(
        REMOVE,
        LEAD,
        "/calendars/{calendar}/events/{calendar_event}/remove",
        lambda w: {},
        CalendarEvent,
    ),
    "parents.new_invitation": Write(
        CREATE,
        TEACHER,
        PUPIL + "/invitations/new",
        lambda w: {"parent_name": "Sam Clarke", "relationship": "Father"},
        ParentInvitation,
    ),
    "parents.withdraw_invitation": Write(
        CHANGE,
        TEACHER,
        PUPIL + "/invitations/{invitation}/withdraw",
        lambda w: {},
        ParentInvitation,
        unversioned="an invitation has no version; one used, withdrawn or expired is refused",
    ),
    "parents.new_link": Write(
        CREATE,
        LEAD,
        PUPIL + "/parents/new",
        lambda w: {"parent_id": str(w["other_parent"]), "relationship": "Grandmother"},
        ParentLink,
    ),
    "parents.edit_link": Write(
        EDIT,
        LEAD,
        PUPIL + "/parents/{link}",
        lambda w: {"parent_id": str(w["parent"]), "relationship": "Stepmother"},
        ParentLink,
        "link",
    ),
    "parents.unlink_parent": Write(
        REMOVE, LEAD, PUPIL + "/parents/{link}/unlink", lambda w: {}, ParentLink
    ),
    "parents.reply_to_parent": Write(
        CREATE,
        TEACHER,
        PUPIL + "/disputes/{dispute}/reply",
        lambda w: {
            "outcome": "corrected",
            "correction": "The session ended at 10:30, not 11:00",
            "reply": "You were right: it finished early. We have corrected the note.",
            "client_uuid": new_uuid(),
        },
        DisputeReply,
    ),
    "parents.session_answer": Write(
        CREATE,
        PARENT,
        "/my-child/{pupil}/sessions/{note}",
        lambda w: {"answer": "confirmed", "comment": "", "client_uuid": new_uuid()},
        SessionConfirmation,
    ),
    "plans.new_plan": Write(
        CREATE,
        TEACHER,
        PUPIL + "/plan/new",
        lambda w: plan_form(client_uuid=new_uuid()),
        LearningPlan,
    ),
    "plans.agree": Write(
        CREATE,
        TEACHER,
        PUPIL + "/plan/versions/{plan}/agree",
        lambda w: {"party": "pupil", "agreed_by": "Jayden Clarke", "agreed_on": today()},
        PlanAgreement,
    ),
    "plans.new_review": Write(CREATE, TEACHER, PUPIL + "/reviews/new", review_form, Review),
    "plans.timetable_page": Write(
        CREATE,
        TEACHER,
        PUPIL + "/timetable",
        lambda w: slot_form(
            weekday="2", starts_at="13:00", ends_at="14:00", client_uuid=new_uuid()
        ),
        TimetableSlot,
    ),
    "plans.edit_slot": Write(
        EDIT,
        TEACHER,
        PUPIL + "/timetable/slots/{slot}",
        lambda w: slot_form(weekday="1"),
        TimetableSlot,
        "slot",
    ),
    "plans.delete_slot": Write(
        REMOVE, TEACHER, PUPIL + "/timetable/slots/{slot}/remove", lambda w: {}, TimetableSlot
    ),
    "premises.new_provider": Write(
        CREATE, LEAD, "/providers/new", lambda w: provider_form(), Provider
    ),
    "premises.edit_provider": Write(
        EDIT,
        LEAD,
        "/providers/{provider}/edit",
        lambda w: provider_form(client_uuid=""),
        Provider,
        "provider",
    ),
    "premises.new_site": Write(
        CREATE,
        LEAD,
        "/providers/{provider}/sites/new",
        lambda w: site_form(client_uuid=new_uuid()),
        ProviderSite,
    ),
    "premises.edit_site": Write(
        EDIT,
        LEAD,
        "/providers/{provider}/sites/{site}/edit",
        lambda w: site_form(client_uuid=""),
        ProviderSite,
        "site",
    ),
    "premises.new_policy": Write(
        CREATE,
        LEAD,
        "/providers/{provider}/policies/new",
        lambda w: policy_form(client_uuid=new_uuid()),
        InsurancePolicy,
    ),
    "premises.edit_policy": Write(
        EDIT,
        LEAD,
        "/providers/{provider}/policies/{policy}/edit",
        lambda w: policy_form(client_uuid=""),
        InsurancePolicy,
        "policy",
    ),
    "premises.new_template": Write(
        CREATE,
        ADMIN,
        "/check-templates/new",
        lambda w: {
            "client_uuid": new_uuid(),
            "name": "Kitchen",
            "source": "The provider's own kitchen checks",
            "text": "# Kitchen\n- A fire blanket hangs by the cooker",
        },
        CheckTemplate,
    ),
    "premises.new_check": Write(
        CREATE,
        ASSESSOR,
        "/site-checks/new",
        lambda w: {
            "client_uuid": new_uuid(),
            "site_id": str(w["site_to_check"]),
            "template_id": str(w["template"]),
            "higher_risk": "none",
        },
        SiteCheck,
    ),
    "premises.item": Write(
        CHANGE,
        ASSESSOR,
        ITEM,
        answer_no,
        CheckAnswer,
        unversioned="a draft check's answers are its own assessor's alone until sign-off, "
        "and the sign-off carries the check's version",
    ),
    "premises.add_item_photo": Write(
        CREATE,
        ASSESSOR,
        ITEM + "/photos",
        lambda w: {
            "photo": jpeg_bytes(colour=(0, 90, 200)),
            "caption": "Fire exit",
            "photo_uuid": new_uuid(),
        },
        Photo,
    ),
    "premises.remove_item_photo": Write(
        REMOVE, ASSESSOR, ITEM + "/photos/{photo}/remove", lambda w: {}, Photo
    ),
    "premises.sign_off_check": Write(
        EDIT,
        ASSESSOR,
        "/site-checks/{check}/sign-off",
        lambda w: signed_form(
            outcome="satisfactory",
            summary="All in order",
            competence_statement="NEBOSH General Certificate",
            confirm="y",
        ),
        SiteCheck,
        "check",
    ),
    "premises.update_action_status": Write(
        EDIT,
        ASSESSOR,
        "/site-actions/{action}/status",
        lambda w: {"status": "in_progress", "note": ""},
        SiteAction,
        "action",
    ),
    "pupils.new": Write(
        CREATE, LEAD, "/pupils/new", lambda w: w.pupil_form(client_uuid=new_uuid()), Pupil
    ),
    "pupils.edit": Write(
        EDIT,
        LEAD,
        PUPIL + "/edit",
        lambda w: w.pupil_form(legal_name="Jayden Clarke-Ellis"),
        Pupil,
        "pupil",
    ),
    "pupils.assign_teacher": Write(
        CREATE,
        LEAD,
        PUPIL + "/assign",
        lambda w: {"teacher_id": str(w["other_teacher"])},
        CaseloadAssignment,
    ),
    "sessions.new_note": Write(
        CREATE, TEACHER, PUPIL + "/notes/new", lambda w: note_form(), SessionNote
    ),
    "sessions.note": Write(
        CREATE,
        TEACHER,
        PUPIL + "/notes/{note}",
        lambda w: {"text": "It was chapter three, not two."},
        NoteAddendum,
    ),
    "visits.new": Write(CREATE, TEACHER, PUPIL + "/visits/new", lambda w: visit_form(), HomeVisit),
    "visits.record": Write(
        EDIT,
        TEACHER,
        VISIT + "/record",
        lambda w: visit_form(client_uuid="", address="2 New Road"),
        HomeVisit,
        "visit_made",
    ),
    "visits.arrived": Write(
        CHANGE,
        TEACHER,
        PUPIL + "/visits/{planned_visit}/arrived",
        lambda w: {"expected_finish": "10:30"},
        HomeVisit,
        unversioned=LONE_WORKING,
    ),
    "visits.left": Write(
        CHANGE,
        TEACHER,
        PUPIL + "/visits/{visit_under_way}/left",
        lambda w: {},
        HomeVisit,
        unversioned=LONE_WORKING,
    ),
    "visits.new_action": Write(
        CREATE,
        TEACHER,
        VISIT + "/actions/new",
        lambda w: {
            "client_uuid": new_uuid(),
            "description": "Ask the school for a laptop",
            "owner": "Me",
            "due_on": today(7),
        },
        VisitAction,
    ),
    "safeguarding.new": Write(
        CREATE, TEACHER, PUPIL + "/concerns/new", lambda w: concern_fields(), Concern
    ),
    "safeguarding.new_addendum": Write(
        CREATE,
        TEACHER,
        CONCERN + "/addenda/new",
        lambda w: {"client_uuid": new_uuid(), "text": "She said it happened on Sunday"},
        ConcernAddendum,
    ),
    "safeguarding.seen": Write(EDIT, LEAD, CONCERN + "/seen", lambda w: {}, Concern, "concern"),
    "safeguarding.new_action": Write(
        CREATE,
        LEAD,
        CONCERN + "/actions/new",
        lambda w: {
            "client_uuid": new_uuid(),
            "kind": "social_care",
            "taken_on": today(),
            "taken_by": "The DSL",
            "note": "Referred by phone",
            "reference": "CSC-1",
        },
        ConcernAction,
    ),
    "safeguarding.close_concern": Write(
        EDIT,
        LEAD,
        CONCERN + "/close",
        lambda w: {"outcome": "monitoring", "rationale": "Family engaging with early help"},
        Concern,
        "concern",
    ),
    "safeguarding.reopen_concern": Write(
        EDIT,
        LEAD,
        PUPIL + "/concerns/{closed_concern}/reopen",
        lambda w: {"reason": "New bruising seen"},
        Concern,
        "closed_concern",
    ),
    "schools.new": Write(CREATE, LEAD, "/schools/new", lambda w: school_form(), School),
    "schools.edit": Write(
        EDIT,
        LEAD,
        "/schools/{school}/edit",
        lambda w: school_form(name="Fenwick High", urn="137999", laestab="8819999"),
        School,
        "school",
    ),
    "schools.officer_read": Write(
        CHANGE,
        SCHOOL,
        "/school/notices/{notice}/read",
        lambda w: {},
        AttendanceNotice,
        unversioned="a receipt: the first confirmation is kept, a later one changes nothing",
    ),
}
EDITS = sorted(endpoint for endpoint, write in WRITES.items() if write.kind is EDIT)


def post_endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


def unlisted_post_routes(app: Flask) -> set[str]:
    return post_endpoints(app) - WRITES.keys() - LEFT_OUT.keys()


def test_every_post_route_is_in_the_table_or_left_out_with_a_reason(app):
    assert unlisted_post_routes(app) == set(), "add these to WRITES or LEFT_OUT"
    assert (WRITES.keys() | LEFT_OUT.keys()) - post_endpoints(app) == set(), "these are gone"
    assert WRITES.keys() & LEFT_OUT.keys() == set()
    assert all(LEFT_OUT.values())


def test_the_check_catches_a_post_route_added_later(make_app):
    app = make_app()

    @app.post("/pupils/<int:pupil_id>/forgotten")
    @allow(Role.TEACHER)
    def forgotten(pupil_id: int):
        return "written"

    assert unlisted_post_routes(app) == {"forgotten"}


def test_the_table_sends_each_route_to_its_own_view_and_says_what_it_does(app):
    urls = app.url_map.bind("localhost")
    wrong = {
        endpoint: write
        for endpoint, write in WRITES.items()
        if urls.match(write.path.format_map(_AnyIds()), method="POST")[0] != endpoint
        or (write.record is not None) != (write.kind is EDIT)
        or bool(write.unversioned) != (write.kind is CHANGE)
    }
    assert wrong == {}


class _AnyIds(dict):
    def __missing__(self, _name: str) -> int:
        return 1


@pytest.fixture(scope="module")
def transaction(module_transaction):
    """The world below is built once for the module's hundred-odd sends."""
    return module_transaction


@pytest.fixture(scope="module")
def register_open():
    """The whole module, the world's records included, sees REGISTER_OPEN as now."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        Clock(monkeypatch).set(REGISTER_OPEN)
        yield


@pytest.fixture(scope="module")
def world(transaction, rollback_app, register_open) -> World:
    """A pupil in a teacher's caseload with a record of each kind the routes change, a
    provider with a site, a policy and a draft check whose every item is answered (the
    first with a photo), and a user of each role."""
    with rollback_app.app_context():
        users = {role: new_user(role) for role in Role}
        teacher, lead, assessor = users[TEACHER], users[LEAD], users[ASSESSOR]
        lead.safeguarding_role = SafeguardingRole.DSL
        pupil = new_pupil(legal_name="Jayden Clarke")
        assign(pupil, teacher, lead)
        plan = write_demo_plan(pupil, lead, starts_on=london_today() - timedelta(days=14))
        provider = make_provider()
        policy = InsurancePolicy(
            provider=provider,
            kind=PolicyKind.PUBLIC_LIABILITY,
            cover_amount=5_000_000,
            expires_on=london_today() + timedelta(days=200),
        )
        db.session.add(policy)
        db.session.commit()
        check = make_check(assessor, provider)
        answer_everything(check)
        item = check.items()[0]
        photo = add_photo(check, item, clean_photo(jpeg_bytes()), assessor, uuid.uuid4(), None)
        put_marks(pupil, teacher, ["/"], REGISTER_OPEN.date())
        ids = {
            "pupil": pupil.id,
            "plan": plan.id,
            "slot": _slot(pupil).id,
            "note": _note(pupil, teacher).id,
            "assessment": make_assessment(pupil, teacher).id,
            "mark": find_mark(pupil.id, REGISTER_OPEN.date(), RegisterSession.AM).id,
            "parent": users[PARENT].id,
            "link": link_parent(pupil, users[PARENT], "Mother", may_confirm=True).id,
            "invitation": _invitation(pupil, lead).id,
            "other_parent": new_user(PARENT).id,
            "other_teacher": new_user(TEACHER).id,
            "provider": provider.id,
            "site": provider.sites[0].id,
            "site_to_check": make_provider("Hillcrest Farm").sites[0].id,
            "policy": policy.id,
            "template": latest_template().id,
            "check": check.id,
            "item": item.id,
            "photo": photo.id,
            **_visits(pupil, teacher),
            **_concerns(pupil, teacher, lead),
            "absence": _absence(pupil, users[PARENT]).id,
            "dispute": _dispute(pupil, teacher, users[PARENT]).id,
            "school": pupil.school_id,
            "notice": db.session.scalar(sa.select(AttendanceNotice.id)),
            **_calendar(),
            "action": open_action(assessor, make_provider("Brookside Gym")).id,
        }
        plan_targets = [target.id for target in plan.targets]
        detached(*users.values())
    return World(users, ids, plan_targets)


def _calendar() -> dict[str, int]:
    """Northshire's calendar with its spring half term, well apart from the register's day."""
    calendar = add_calendar({"la_code": "881", "name": "Northshire term dates"}, uuid.uuid4())
    half_term = {
        "kind": EventKind.HALF_TERM,
        "first_day": date(2027, 2, 15),
        "last_day": date(2027, 2, 19),
        "description": "Spring half term",
        "school_id": None,
    }
    event = add_event(calendar, half_term, uuid.uuid4())
    return {"calendar": calendar.id, "calendar_event": event.id}


def _slot(pupil: Pupil) -> TimetableSlot:
    values = {
        "weekday": 0,
        "starts_at": time(10),
        "ends_at": time(11),
        "mode": Mode.FACE_TO_FACE,
        "focus": Focus.ENGLISH,
        "place": "Home",
    }
    return add_slot(pupil, values, uuid.uuid4())


def _note(pupil: Pupil, teacher: User) -> SessionNote:
    return write_test_note(pupil, teacher)


def _invitation(pupil: Pupil, lead: User) -> ParentInvitation:
    values = {"parent_name": "Sam Clarke", "relationship": "Father", "may_confirm_attendance": True}
    return invite(pupil, lead, values)[0]


def _visits(pupil: Pupil, teacher: User) -> dict[str, int]:
    """One planned for now, one under way, and one that happened."""
    now = utcnow()
    home = {"place": VisitPlace.HOME, "address": "14 Mill Lane", "purpose": VisitPurpose.WELFARE}
    planned = create_visit(pupil, teacher, home | {"starts_at": now})
    under_way = create_visit(
        pupil,
        teacher,
        home
        | {
            "starts_at": now - timedelta(hours=1),
            "status": VisitStatus.IN_PROGRESS,
            "arrived_at": now - timedelta(hours=1),
            "expected_finish_at": now + timedelta(hours=1),
        },
    )
    made = create_visit(
        pupil,
        teacher,
        home
        | {
            "starts_at": now - timedelta(hours=3),
            "status": VisitStatus.COMPLETED,
            "present": ["pupil"],
        },
    )
    return {
        "planned_visit": planned.id,
        "visit_under_way": under_way.id,
        "visit_made": made.id,
    }


def _absence(pupil: Pupil, parent: User) -> AbsenceReport:
    """A week ahead, well apart from the day the create route reports."""
    ahead = london_today() + timedelta(days=7)
    span = (ahead, RegisterSession.AM, ahead, RegisterSession.PM)
    return report_absence(pupil, parent, span, AbsenceReason.APPOINTMENT, "", uuid.uuid4())


def _dispute(pupil: Pupil, teacher: User, parent: User) -> SessionConfirmation:
    note = write_test_note(pupil, teacher)
    return confirm_session(note, parent, Answer.DISPUTED, "It finished early", uuid.uuid4())


def _concerns(pupil: Pupil, teacher: User, dsl: User) -> dict[str, int]:
    """One new concern, and one the DSL closed."""
    concern, closed = make_concern(pupil, teacher), make_concern(pupil, teacher)
    close(closed, dsl, closed.version, Outcome.NO_FURTHER_ACTION, "Explained by the school")
    return {"concern": concern.id, "closed_concern": closed.id}


@functools.cache
def _row_counts() -> tuple[list[str], sa.Select]:
    tables = db.metadata.sorted_tables
    counts = (sa.select(sa.func.count()).select_from(table).scalar_subquery() for table in tables)
    return [table.name for table in tables], sa.select(*counts)


def database_state(model: type) -> tuple[dict[str, int], list]:
    """Every table's row count, and every row of the table `model` keeps."""
    names, counts = _row_counts()
    table = model.__table__
    rows = db.session.execute(sa.select(table).order_by(*table.primary_key)).all()
    return dict(zip(names, db.session.execute(counts).one(), strict=True)), rows


def version_of(write: Write, world: World) -> int:
    table = write.rows.__table__
    return db.session.scalar(sa.select(table.c.version).where(table.c.id == world[write.record]))


def someone_else_saves(write: Write, world: World) -> None:
    table = write.rows.__table__
    db.session.execute(
        sa.update(table)
        .where(table.c.id == world[write.record])
        .values(version=table.c.version + 1)
    )
    db.session.commit()


class Phone:
    """Sends a route's form as the outbox does: under a key, signed in as the route's role."""

    def __init__(self, client, auth, world: World):
        self.client, self.auth, self.world = client, auth, world

    def open_form(self, endpoint: str) -> tuple[Write, dict]:
        """Sign in as the route's role; a valid form, an edit's with the record's version."""
        write = WRITES[endpoint]
        self.auth.login(self.world.users[write.role])
        form = write.form(self.world)
        if write.kind is EDIT:
            form = form | {"version": str(version_of(write, self.world))}
        return write, form

    def send(self, write: Write, form: dict, key: uuid.UUID):
        files = {
            name: (io.BytesIO(value), "photo.jpg")
            for name, value in form.items()
            if isinstance(value, bytes)
        }
        path = write.path.format_map(self.world.ids)
        return self.client.post(path, data=form | files, headers=keyed(key))


@pytest.fixture
def phone(client, auth, world, pupil_form) -> Phone:
    return Phone(client, auth, dataclasses.replace(world, pupil_form=pupil_form))


@pytest.mark.parametrize("endpoint", EDITS)
def test_an_edit_older_than_the_record_is_409_and_changes_nothing(phone, world, endpoint):
    write, form = phone.open_form(endpoint)
    someone_else_saves(write, world)
    before = database_state(write.rows)

    response = phone.send(write, form, uuid.uuid4())

    assert response.status_code == 409, response.text[:2000]
    assert database_state(write.rows) == before


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_a_write_sent_twice_under_one_key_is_made_once(phone, endpoint):
    write, form = phone.open_form(endpoint)
    key = uuid.uuid4()
    (counts, rows) = before = database_state(write.rows)

    first = phone.send(write, form, key)
    (counts_made, rows_made) = made = database_state(write.rows)
    again = phone.send(write, form, key)

    assert first.status_code in (200, 201), first.text[:2000]
    assert "Idempotent-Replayed" not in first.headers
    assert again.status_code == first.status_code
    assert again.headers.get("Location") == first.headers.get("Location")
    assert again.headers["Idempotent-Replayed"] == "true"
    table = write.rows.__tablename__
    assert counts_made[table] - counts[table] == {CREATE: 1, REMOVE: -1}.get(write.kind, 0)
    assert made != before
    if write.kind in (EDIT, CHANGE):
        assert rows_made != rows
    assert database_state(write.rows) == made


@pytest.mark.parametrize("endpoint", sorted(WRITES))
def test_another_body_under_a_used_key_is_422_and_changes_nothing(phone, endpoint):
    write, form = phone.open_form(endpoint)
    key = uuid.uuid4()
    first = phone.send(write, form, key)
    assert first.status_code in (200, 201), first.text[:2000]
    made = database_state(write.rows)

    # The key stands for its first request's every field, so any other field is another body.
    response = phone.send(write, form | {"sent_again_with": "something else"}, key)

    assert response.status_code == 422
    assert database_state(write.rows) == made
