"""Anonymising a pupil with one record of every kind: nothing that names or describes the
child is left in any table, what the programme counts is kept, the photos and the parent's
account go, one audit event says so, and every page that shows the pupil still works."""

import json
import uuid
from dataclasses import dataclass
from datetime import date, time, timedelta

import pytest
import sqlalchemy as sa

from ap_field.absences.models import AbsenceReason
from ap_field.absences.services import report_absence
from ap_field.assessments.models import Assessment
from ap_field.attendance.models import AttendanceMark, RegisterSession
from ap_field.attendance.services import MarkValues, record_mark
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, SafeguardingRole, User
from ap_field.common.time import london_today, utcnow
from ap_field.extensions import db
from ap_field.mail.services import queue_mail
from ap_field.parents.models import Answer, Outcome, ParentLink
from ap_field.parents.services import (
    accept_as_new_parent,
    confirm_session,
    invite,
    link_parent,
    reply_to_dispute,
)
from ap_field.photos.images import clean_photo
from ap_field.photos.models import Photo
from ap_field.photos.services import keep_photo
from ap_field.photos.storage import photo_store
from ap_field.plans.models import Focus, Mode, Party, Progress
from ap_field.plans.services import add_slot, hold_review, record_agreement
from ap_field.pupils.models import Destination, Pupil
from ap_field.pupils.services import assign, update_pupil
from ap_field.push.models import PushSubscription
from ap_field.retention.services import anonymise, anonymise_due
from ap_field.safeguarding import services as concerns
from ap_field.safeguarding.models import ActionKind, Concern
from ap_field.safeguarding.models import Outcome as ConcernOutcome
from ap_field.sessions.models import SessionNote
from ap_field.sessions.queries import delivery_between
from ap_field.sessions.services import add_addendum
from ap_field.visits.models import HomeVisit, VisitPlace, VisitPurpose, VisitStatus
from ap_field.visits.services import add_action, create_visit
from tests.assessments.helpers import make_assessment
from tests.helpers import (
    PASSWORD,
    Clock,
    detached,
    new_pupil,
    new_user,
    text_of,
    write_demo_plan,
    write_test_note,
)
from tests.premises.helpers import jpeg_bytes
from tests.reports.test_exports import download
from tests.safeguarding.helpers import make_concern

pytestmark = pytest.mark.usefixtures("app")

ANONYMISED_ON = date(2026, 11, 18)
BORN = date(2001, 3, 14)
PARENT_NAME, PARENT_EMAIL = "Priscilla Quillfeather", "priscilla.quillfeather@example.net"
# Every piece of text written about the child below: none may be left anywhere.
WRITTEN = {
    "legal_name": "Jayden Quillfeather",
    "preferred_name": "Jaybird",
    "reason_other": "Young carer for his grandmother Ottoline",
    "action_to_be_taken": "Call Mrs Quillfeather about the hospital letter",
    "note_place": "Marigold Library, Fenwick Street",
    "note_progress": "Read the whole of Kestrel for a Knave aloud",
    "note_wellbeing": "Tearful about the eviction notice",
    "note_next_steps": "Bring the Ottoline photo album next time",
    "note_addendum": "Left early to collect his sister Wilhelmina",
    "dispute_correction": "The session was at Marigold Library, not at home",
    "visit_address": "14 Plover Close, Fenwick",
    "visit_purpose_other": "Housing officer Mr Abernathy came too",
    "visit_others_present": "Uncle Bartholomew",
    "visit_concerns": "Damp in the bedroom, mould on the walls",
    "visit_child_voice": "I hate sharing with Wilhelmina",
    "visit_parent_voice": "We are on the council list since March",
    "visit_action": "Write to the Fenwick housing team",
    "visit_action_owner": "Mr Abernathy",
    "plan_aims": "Get Jayden back to Fenwick High",
    "plan_success": "Attends Fenwick High three days a week",
    "plan_transition": "Taster days with Mrs Okonjo-Birch",
    "plan_agreed_by": "Jayden Quillfeather himself",
    "slot_place": "Kitchen table at 14 Plover Close",
    "review_changes": "Moved Tuesday because of the Ottoline appointments",
    "review_comment": "Managed a page of Kestrel for a Knave alone",
    "assessment_barrier_other": "Caring for grandmother Ottoline",
    "assessment_barrier_notes": "Sleeps badly since the flood",
    "assessment_interests": "Falconry and drawing kestrels",
    "assessment_send": "Dyslexia assessed at Fenwick Juniors",
    "assessment_focus_other": "Falconry club at Plover Park",
    "mark_reason": "Arrived with his aunt Priscilla",
    "mark_change_reason": "Mum rang: hospital with Ottoline",
    "concern_place": "Bus stop on Fenwick Street",
    "concern_category_other": "Carer strain at 14 Plover Close",
    "concern_what_happened": "Burn mark on his wrist from the cooker",
    "concern_child_words": "Nan can't cook any more so I do it",
    "concern_others_present": "His sister Wilhelmina",
    "concern_action_taken": "Called Ms Vantongeren the DSL",
    "concern_body_mark": "Round burn, size of a coin",
    "concern_action_taken_by": "Ms Vantongeren",
    "concern_action_note": "Spoke to Priscilla about the cooker",
    "concern_reference": "MASH-2026-88412",
    "concern_referral_outcome": "Young carers assessment booked",
    "concern_addendum": "Wilhelmina says he burnt himself twice",
    "concern_closure": "Young carers service now visiting weekly",
    "concern_reopen": "New burn seen by the Plover Park warden",
    "dispute_comment": "Jayden was at the dentist with me that day",
    "dispute_reply": "Sorry Priscilla, we mixed up the library booking",
    "absence_note": "Ottoline's funeral in Whitby",
    "photo_caption": "Mould behind Jayden's bed",
    "invitee_name": "Bartholomew Quillfeather",
}


@dataclass
class World:
    pupil: Pupil
    dsl: User
    parent: User
    other_parent: User
    other_child: Pupil
    # What the pupil's record held before, the photo's files and each table's row count.
    original: dict
    ids: dict[str, int]


@pytest.fixture(scope="module")
def transaction(module_transaction):
    """The pupil below is built and anonymised once for the module."""
    return module_transaction


@pytest.fixture(scope="module")
def visit_photos(transaction):
    """A link from home visits to photos, as an area that kept photos of a pupil's records
    would have (none does yet): anonymising finds such links from the schema."""
    table = sa.Table(
        "visit_photos_in_tests",
        db.metadata,
        sa.Column("visit_id", sa.ForeignKey("home_visits.id"), primary_key=True),
        sa.Column("photo_id", sa.ForeignKey("photos.id"), primary_key=True),
    )
    table.create(transaction)
    yield table
    db.metadata.remove(table)


def _pupil_and_people() -> tuple[Pupil, User, User]:
    dsl = new_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)
    teacher = new_user(Role.TEACHER)
    pupil = new_pupil(
        legal_name=WRITTEN["legal_name"],
        preferred_name=WRITTEN["preferred_name"],
        date_of_birth=BORN,
        reasons=["mental_health", "other"],
        reason_other=WRITTEN["reason_other"],
        action_to_be_taken=WRITTEN["action_to_be_taken"],
    )
    assign(pupil, teacher, dsl)
    return pupil, teacher, dsl


def _plan_and_review(pupil: Pupil, teacher: User, dsl: User) -> dict:
    plan = write_demo_plan(pupil, teacher, starts_on=london_today() - timedelta(days=28))
    plan.aims, plan.success_criteria = WRITTEN["plan_aims"], WRITTEN["plan_success"]
    plan.transition_plan = WRITTEN["plan_transition"]
    db.session.commit()
    record_agreement(plan, Party.PUPIL, WRITTEN["plan_agreed_by"], london_today(), dsl)
    slot = {
        "weekday": 1,
        "starts_at": time(10),
        "ends_at": time(11),
        "place": WRITTEN["slot_place"],
    }
    add_slot(pupil, slot | {"mode": Mode.FACE_TO_FACE, "focus": Focus.ENGLISH}, uuid.uuid4())
    review = {
        "held_on": london_today(),
        "participants": ["pupil"],
        "timetable_changes": WRITTEN["review_changes"],
        "next_review_on": london_today() + timedelta(days=14),
    }
    progress = [
        {"target_id": plan.targets[0].id, "progress": Progress.SOME},
        {"target_id": plan.targets[1].id, "progress": Progress.ON_TRACK},
    ]
    progress[0]["comment"] = WRITTEN["review_comment"]
    delivery = delivery_between(pupil, plan.starts_on, london_today())
    review = hold_review(pupil, plan, review, progress, delivery, teacher, uuid.uuid4())
    return {"plan": plan, "review": review}


def _note(pupil: Pupil, teacher: User) -> dict:
    note = write_test_note(
        pupil,
        teacher,
        place=WRITTEN["note_place"],
        progress=WRITTEN["note_progress"],
        wellbeing=WRITTEN["note_wellbeing"],
        next_steps=WRITTEN["note_next_steps"],
    )
    add_addendum(note, teacher, WRITTEN["note_addendum"])
    return {"note": note}


def _assessment_and_mark(pupil: Pupil, teacher: User) -> dict:
    assessment = make_assessment(
        pupil,
        teacher,
        barriers=["other"],
        barrier_other=WRITTEN["assessment_barrier_other"],
        barrier_notes=WRITTEN["assessment_barrier_notes"],
        interests_and_strengths=WRITTEN["assessment_interests"],
        communication_and_send_needs=WRITTEN["assessment_send"],
        focus_areas=["english", "other"],
        focus_other=WRITTEN["assessment_focus_other"],
        literacy_score=42,
    )
    day = london_today() - timedelta(days=1)
    first = MarkValues(day, RegisterSession.AM, "/", None, WRITTEN["mark_reason"])
    mark = record_mark(pupil, first, teacher, None, uuid.uuid4())
    change = MarkValues(day, RegisterSession.AM, "I", None, WRITTEN["mark_change_reason"])
    record_mark(pupil, change, teacher, mark.version, uuid.uuid4())
    return {"assessment": assessment}


def _visit_with_photo(pupil: Pupil, teacher: User, visit_photos: sa.Table) -> dict:
    visit = create_visit(
        pupil,
        teacher,
        {
            "starts_at": utcnow() - timedelta(days=2),
            "status": VisitStatus.COMPLETED,
            "place": VisitPlace.HOME,
            "address": WRITTEN["visit_address"],
            "purpose": VisitPurpose.OTHER,
            "purpose_other": WRITTEN["visit_purpose_other"],
            "present": ["pupil", "others"],
            "others_present": WRITTEN["visit_others_present"],
            "concerns": WRITTEN["visit_concerns"],
            "child_voice": WRITTEN["visit_child_voice"],
            "parent_voice": WRITTEN["visit_parent_voice"],
        },
    )
    action = {"description": WRITTEN["visit_action"], "owner": WRITTEN["visit_action_owner"]}
    add_action(visit, uuid.uuid4(), action | {"due_on": london_today() + timedelta(days=7)})
    photo = keep_photo(clean_photo(jpeg_bytes()), teacher, uuid.uuid4(), WRITTEN["photo_caption"])
    db.session.execute(visit_photos.insert().values(visit_id=visit.id, photo_id=photo.id))
    db.session.commit()
    return {"visit": visit, "photo": photo}


def _concern(pupil: Pupil, teacher: User, dsl: User, visit: HomeVisit) -> dict:
    concern = make_concern(
        pupil,
        teacher,
        visit=visit,
        place=WRITTEN["concern_place"],
        categories=["neglect", "other"],
        category_other=WRITTEN["concern_category_other"],
        what_happened=WRITTEN["concern_what_happened"],
        child_words=WRITTEN["concern_child_words"],
        others_present=WRITTEN["concern_others_present"],
        action_taken=WRITTEN["concern_action_taken"],
        body_marks=[
            {"side": "front", "x": 0.3, "y": 0.4, "description": WRITTEN["concern_body_mark"]}
        ],
    )
    concerns.note_read(concern)
    action = {
        "kind": ActionKind.SOCIAL_CARE,
        "taken_on": london_today(),
        "taken_by": WRITTEN["concern_action_taken_by"],
        "note": WRITTEN["concern_action_note"],
        "reference": WRITTEN["concern_reference"],
        "referral_outcome": WRITTEN["concern_referral_outcome"],
    }
    concerns.add_action(concern, dsl, uuid.uuid4(), action)
    concerns.add_addendum(concern, teacher, uuid.uuid4(), WRITTEN["concern_addendum"])
    rationale = WRITTEN["concern_closure"]
    concerns.close(concern, dsl, concern.version, ConcernOutcome.EARLY_HELP, rationale)
    concerns.reopen(concern, dsl, concern.version, WRITTEN["concern_reopen"])
    return {"concern": concern}


def _parents(pupil: Pupil, teacher: User, dsl: User, note: SessionNote) -> dict:
    """A parent who has only this child and answers, reports and gets mail; one who also has
    another child; and an invitation nobody used."""
    invitation, _token = invite(pupil, dsl, {"relationship": "Aunt", "parent_name": PARENT_NAME})
    parent = accept_as_new_parent(invitation, PARENT_NAME, PARENT_EMAIL, PASSWORD)
    invite(pupil, dsl, {"relationship": "Uncle", "parent_name": WRITTEN["invitee_name"]})
    other_parent, other_child = new_user(Role.PARENT, name="Grandma Other"), new_pupil()
    link_parent(pupil, other_parent, "Grandmother", True)
    link_parent(other_child, other_parent, "Grandmother", True)
    comment = WRITTEN["dispute_comment"]
    dispute = confirm_session(note, parent, Answer.DISPUTED, comment, uuid.uuid4())
    reply = {"outcome": Outcome.CORRECTED, "reply": WRITTEN["dispute_reply"]}
    reply_to_dispute(
        dispute, teacher, reply | {"correction": WRITTEN["dispute_correction"]}, uuid.uuid4()
    )
    tomorrow = london_today() + timedelta(days=1)
    span = (tomorrow, RegisterSession.AM, tomorrow, RegisterSession.PM)
    report_absence(pupil, parent, span, AbsenceReason.OTHER, WRITTEN["absence_note"], uuid.uuid4())
    queue_mail(PARENT_EMAIL, "Did your child's session happen?", "Tell us in one tap.")
    endpoint = "https://fcm.googleapis.com/fcm/send/quillfeather"
    db.session.add(PushSubscription(user=parent, endpoint=endpoint, p256dh="k", auth="a"))
    db.session.commit()
    return {
        "parent": parent,
        "other_parent": other_parent,
        "other_child": other_child,
        "dispute": dispute,
    }


def _row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


@pytest.fixture(scope="module")
def world(transaction, rollback_app, visit_photos) -> World:
    """On 18 November 2026 a pupil born on 14 March 2001, with one record of every kind, is
    closed, and the tick anonymises them the same day."""
    with rollback_app.app_context(), pytest.MonkeyPatch.context() as monkeypatch:
        Clock(monkeypatch)(10, on=ANONYMISED_ON)
        pupil, teacher, dsl = _pupil_and_people()
        made = _plan_and_review(pupil, teacher, dsl) | _note(pupil, teacher)
        made |= _assessment_and_mark(pupil, teacher) | _visit_with_photo(
            pupil, teacher, visit_photos
        )
        made |= _concern(pupil, teacher, dsl, made["visit"])
        made |= _parents(pupil, teacher, dsl, made["note"])
        update_pupil(
            pupil, {"status": "closed", "destination": Destination.MAINSTREAM}, pupil.version
        )
        photo = made["photo"]
        files = [photo.stored_name, photo.thumbnail_name]
        original = {
            "case_number": pupil.case_number,
            "upn": pupil.upn,
            "nc_year": pupil.nc_year(ANONYMISED_ON),
            "files": files,
            "counts": _row_counts(),
        }
        assert all(photo_store().has(name) for name in files)

        assert anonymise_due() == 1

        ids = {name: record.id for name, record in made.items()}
        people = detached(pupil, dsl, made["parent"], made["other_parent"], made["other_child"])
    return World(*people, original=original, ids=ids)


def _needles(world: World) -> list[str]:
    return [
        *WRITTEN.values(),
        world.original["case_number"],
        world.original["upn"],
        BORN.isoformat(),
        PARENT_NAME,
        PARENT_EMAIL,
    ]


def _texts_in_every_table():
    """(table, column, text) for every value of every text or JSON column in the database."""
    for table in db.metadata.sorted_tables:
        columns = [column for column in table.c if isinstance(column.type, sa.String | sa.JSON)]
        if not columns:
            continue
        for row in db.session.execute(sa.select(*columns)):
            for column, value in zip(columns, row, strict=True):
                if value is not None:
                    text = (
                        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                    )
                    yield table.name, column.name, text


def test_nothing_that_names_or_describes_the_child_is_left_in_any_table(world):
    needles = [needle.lower() for needle in _needles(world)]
    left = {
        (table, column, needle)
        for table, column, text in _texts_in_every_table()
        for needle in needles
        if needle in text.lower()
    }
    assert left == set()


def test_the_record_keeps_what_the_programme_counts(world):
    pupil = db.session.get(Pupil, world.pupil.id)
    assert pupil.legal_name == f"Anonymised pupil {pupil.id}"
    assert (pupil.preferred_name, pupil.upn) == (None, None)
    assert pupil.case_number == f"ANON-{pupil.id}"
    assert pupil.date_of_birth == date(2000, 9, 1), "the first day of the pupil's school year"
    assert pupil.nc_year(ANONYMISED_ON) == world.original["nc_year"]
    assert (pupil.status, pupil.destination) == ("closed", Destination.MAINSTREAM)
    assert (pupil.gender, pupil.school_on_roll) == (world.pupil.gender, "Northside Academy")
    assert pupil.reasons == ["mental_health", "other"]
    assert pupil.closed_on == ANONYMISED_ON
    [mark] = db.session.scalars(
        sa.select(AttendanceMark).where(AttendanceMark.pupil_id == pupil.id)
    )
    assert mark.code == "I"
    note = db.session.get(SessionNote, world.ids["note"])
    assert (note.actual_minutes, note.engagement, note.progress) == (60, 4, "Anonymised")
    concern = db.session.get(Concern, world.ids["concern"])
    assert (concern.categories, concern.status, concern.body_marks) == (
        ["neglect", "other"],
        "seen",
        [],
    )
    assert concern.child_words == "Anonymised"
    assert db.session.get(Assessment, world.ids["assessment"]).literacy_score == 42


def test_only_links_invitations_photos_with_their_files_and_the_parents_devices_and_mail_go(
    world,
):
    before, after = world.original["counts"], _row_counts()
    changed = {name: after[name] - before[name] for name in before if after[name] != before[name]}
    assert changed == {
        "audit_events": 1,
        "parent_links": -2,
        "parent_invitations": -2,
        "photos": -1,
        "photo_chunks": -2,
        "visit_photos_in_tests": -1,
        "push_subscriptions": -1,
        "outgoing_mail": -1,
    }


def test_one_audit_event_says_so_and_the_trail_keeps_only_what_happened(world):
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.pupil_id == world.pupil.id).order_by(AuditEvent.id)
    ).all()
    last = events[-1]
    assert (last.event, last.actor_id) == ("pupil.anonymised", None)
    assert last.details == {"rule": "25th birthday", "closed_on": "2026-11-18"}
    assert [event.event for event in events].count("pupil.anonymised") == 1
    keys = {key for event in events for key in event.details}
    assert not keys & {"before", "after", "parent", "comment", "reply", "reason", "agreed_by"}
    assert {"concern_id", "visit_id", "held_on", "teacher"} <= keys


def test_the_photos_and_their_files_are_gone(world):
    assert db.session.get(Photo, world.ids["photo"]) is None
    assert [name for name in world.original["files"] if photo_store().has(name)] == []


def test_a_parent_with_no_other_child_can_no_longer_sign_in_and_is_not_named(world, auth):
    parent = db.session.get(User, world.parent.id)
    assert (parent.name, parent.active) == ("Anonymised parent or carer", False)
    assert parent.email == f"anonymised-{parent.id}@example.invalid"
    assert not parent.check_password(PASSWORD)
    response = auth.login(world.parent)
    assert response.status_code != 302


def test_a_parent_with_another_child_keeps_their_account_and_that_link(world):
    other = db.session.get(User, world.other_parent.id)
    assert (other.name, other.active) == ("Grandma Other", True)
    children = db.session.scalars(
        sa.select(ParentLink.pupil_id).where(ParentLink.parent_id == other.id)
    ).all()
    assert children == [world.other_child.id]


def test_anonymising_again_changes_nothing(world):
    pupil = db.session.get(Pupil, world.pupil.id)
    assert anonymise(pupil) is False
    count = sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.event == "pupil.anonymised")
    assert db.session.scalar(count) == 1


def test_the_pupils_page_says_the_record_was_anonymised(world, auth, client_request):
    auth.login(world.dsl)
    page = client_request.get(f"/pupils/{world.pupil.id}")
    assert text_of(page, "h1") == f"Anonymised pupil {world.pupil.id}"
    assert text_of(page, ".govuk-inset-text").startswith("Anonymised on 18 Nov 2026, 10:00")


def test_an_anonymised_record_cannot_be_changed(world, auth, client, client_request, pupil_form):
    auth.login(world.dsl)
    edit = f"/pupils/{world.pupil.id}/edit"
    assert client.get(edit).location == f"/pupils/{world.pupil.id}"
    page = client_request.get(f"/pupils/{world.pupil.id}")
    assert "stays as it is" in text_of(page, ".govuk-notification-banner")
    client.post(edit, data=pupil_form(legal_name="Someone Named", version="99"))
    saved = db.session.get(Pupil, world.pupil.id)
    assert saved.legal_name == f"Anonymised pupil {world.pupil.id}"


PAGES = [
    "/pupils/{pupil}",
    "/pupils/{pupil}/audit",
    "/pupils/{pupil}/attendance",
    "/pupils/{pupil}/assessments",
    "/pupils/{pupil}/assessments/{assessment}",
    "/pupils/{pupil}/plan/versions/{plan}",
    "/pupils/{pupil}/timetable",
    "/pupils/{pupil}/reviews",
    "/pupils/{pupil}/reviews/{review}",
    "/pupils/{pupil}/notes",
    "/pupils/{pupil}/notes/{note}",
    "/pupils/{pupil}/visits",
    "/pupils/{pupil}/visits/{visit}",
    "/pupils/{pupil}/concerns/{concern}",
    "/pupils/{pupil}/safeguarding",
    "/pupils/{pupil}/disputes/{dispute}/reply",
    "/pupils/{pupil}/final-report",
    "/pupils",
    "/programme",
    "/impact",
    "/safeguarding",
]


@pytest.mark.parametrize("page", PAGES)
def test_each_page_that_shows_the_pupil_still_works_and_names_nobody(world, auth, client, page):
    auth.login(world.dsl)
    response = client.get(page.format(pupil=world.pupil.id, **world.ids))
    assert response.status_code == 200, response.text[:2000]
    if response.mimetype == "text/html":
        text = response.get_data(as_text=True).lower()
        assert [needle for needle in _needles(world) if needle.lower() in text] == []


@pytest.mark.parametrize(
    "download_path",
    [
        "/pupils/{pupil}/safeguarding.pdf",
        "/pupils/{pupil}/subject-access.zip",
        "/exports?export=tracking-sheet&format=csv",
        "/exports?export=central-record&format=xlsx",
    ],
)
def test_the_files_that_hold_the_pupil_are_still_made(app, world, download_path):
    response, _streamed, body = download(app, world.dsl, download_path.format(pupil=world.pupil.id))
    assert response.status_code == 200
    assert body
