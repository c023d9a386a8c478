"""Nothing typed is lost or made twice, however the network fails (docs/architecture.md, "The
offline protocol").

Each seed draws four of the forms people use in the field and a fault for every write and every
token the phone asks for: dropped before it is sent, its answer dropped after the server
committed, 500/502/503, held past the phone's timeout and then committed, the page reloaded while
it is in flight, or the session ended (then the person signs in again). After each form the phone
is left to send what it holds; then the database must hold every submission exactly once and
every outbox must be empty.

The service worker is blocked here, so that every send goes through the routes below; the pages
send the outbox themselves, as they do in a browser without Background Sync.

`make test` runs a few seeds, in the SQLite half only. `make faults` runs FAULT_RUNS of them
(FAULT_SEEDS=17,42 replays chosen ones) and prints how many submissions were lost, duplicated and
stuck, with the seeds that failed (tests/browser/faults.py)."""

import contextlib
import random
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Error, Page, Route, expect

from ap_field.absences.models import AbsenceReport
from ap_field.assessments.models import Assessment
from ap_field.attendance.models import AttendanceMark
from ap_field.audit.models import AuditEvent
from ap_field.auth.models import Role, SafeguardingRole
from ap_field.calendars.models import CalendarEvent
from ap_field.calendars.services import add_calendar
from ap_field.common.time import format_long_date, utcnow
from ap_field.extensions import db
from ap_field.parents.models import Answer, DisputeReply, SessionConfirmation
from ap_field.parents.services import confirm_session, link_parent
from ap_field.photos.models import Photo
from ap_field.plans.models import Review, TimetableSlot
from ap_field.premises.models import CheckAnswer, CheckStatus, SiteAction, SiteCheck
from ap_field.pupils.services import assign
from ap_field.safeguarding.models import Concern, ConcernAction, ConcernAddendum, ConcernClosure
from ap_field.schools.models import School
from ap_field.schools.notice_models import AttendanceNotice
from ap_field.sessions.models import NoteAddendum, SessionNote
from ap_field.visits.models import HomeVisit, VisitAction, VisitPlace, VisitPurpose
from ap_field.visits.services import arrive, create_visit
from tests.attendance.helpers import put_marks
from tests.browser.conftest import mark_the_photo, sign_in_by_requests, sign_the_check
from tests.browser.faults import record_outcome, seeds
from tests.browser.test_outbox import fill_assessment, fill_note
from tests.helpers import write_demo_plan, write_test_note
from tests.photos.test_images import phone_photo
from tests.premises.helpers import answer_everything, make_check, make_provider, open_action
from tests.safeguarding.helpers import make_concern

MONDAY = date(2026, 11, 16)
TIMEOUT_SECONDS = 1
KINDS_PER_SEED = 4
SETTLE_SECONDS = 60
TAKEN_WITHIN = 5  # seconds from the tap to the form in the outbox or sent
# Each write or token request meets one of these, drawn by weight.
FAULTS = {
    "none": 20,
    "drop": 2,
    "lost": 2,
    "500": 1,
    "502": 1,
    "503": 1,
    "slow": 1,
    "reload": 1,
    "expire": 1,
}
EXPECTED_ERRORS = [
    "Failed to load resource: net::ERR_CONNECTION_RESET",
    "Failed to load resource: net::ERR_FAILED",
    "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)",
    "Failed to load resource: the server responded with a status of 500 (Internal Server Error)",
    "Failed to load resource: the server responded with a status of 502 (Bad Gateway)",
    "Failed to load resource: the server responded with a status of 503 (Service Unavailable)",
]

OUTBOX_STATE = """async () => {
  const db = await new Promise((resolve, reject) => {
    const opening = indexedDB.open("ap-field");
    opening.onupgradeneeded = () => opening.transaction.abort();
    opening.onsuccess = () => resolve(opening.result);
    opening.onerror = () => reject(opening.error);
  });
  const read = (store) => new Promise((resolve) => {
    const request = db.transaction(store).objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
  });
  const [entries, sent] = [await read("outbox"), await read("sent")];
  db.close();
  const busy = document.querySelector("form[aria-busy]") !== null;
  return {states: entries.map((entry) => entry.state), sent: sent.length, busy};
}"""


class Network:
    """The phone's network, failing as the seed says. Writes (requests with an
    Idempotency-Key) and the outbox's token requests meet a fault; pages load as normal. A
    request held for "slow" or "reload" waits here until `tend` lets it go."""

    def __init__(self, page: Page, person, rng: random.Random):
        self.page, self.person, self.rng = page, person, rng
        self.held: list[tuple[str, Route, float]] = []
        self.expired = False
        self.faults: list[str] = []

    def route(self, route: Route) -> None:
        request = route.request
        is_write = request.method == "POST" and "idempotency-key" in request.headers
        if not is_write and not request.url.endswith("/sync/token"):
            route.continue_()
            return
        fault = self.rng.choices(list(FAULTS), weights=list(FAULTS.values()))[0]
        if not is_write and fault in ("lost", "slow", "reload", "expire"):
            fault = "drop"
        self.faults.append(fault)
        if fault == "none":
            route.continue_()
        elif fault == "drop":
            route.abort("connectionreset")
        elif fault == "lost":
            route.fetch()
            route.abort("connectionreset")
        elif fault in ("500", "502", "503"):
            route.fulfill(status=int(fault), body="The server is having trouble")
        elif fault == "expire":
            self.page.context.clear_cookies()
            self.expired = True
            headers = {name: value for name, value in request.headers.items() if name != "cookie"}
            route.continue_(headers=headers)
        else:
            self.held.append((fault, route, time.monotonic()))

    def tend(self) -> None:
        """Lets held requests go: "slow" once the phone has given up on it, "reload" at once,
        reloading the page while the request is on its way. The server commits both."""
        for held in list(self.held):
            fault, route, since = held
            if fault == "slow" and time.monotonic() - since < TIMEOUT_SECONDS + 0.5:
                continue
            self.held.remove(held)
            try:
                answer = route.fetch()
            except Error:
                continue
            if fault == "reload":
                self.page.reload(wait_until="commit")
            with contextlib.suppress(Error):
                route.fulfill(response=answer)
        if self.expired:
            self.expired = False
            sign_in_by_requests(self.page, self.person.email)


def outbox_state(page: Page) -> dict | None:
    try:
        return page.evaluate(OUTBOX_STATE)
    except Error:
        return None  # the page is between two documents


def submitted(network: Network, tap) -> None:
    """Taps the form's button, then tends the network until the phone has sent what it holds,
    has one more line under "Sent" and is done with the form (a full-page form then goes on to
    the next page), nudging it as the `online` event would."""
    page = network.page
    before = outbox_state(page)
    while before is None:
        page.wait_for_timeout(50)
        before = outbox_state(page)
    tap()
    tapped = nudged = time.monotonic()
    taken = False
    while time.monotonic() - tapped < SETTLE_SECONDS:
        network.tend()
        state = outbox_state(page)
        taken = taken or bool(state and (state["states"] or state["sent"] > before["sent"]))
        if state and not state["states"] and state["sent"] > before["sent"] and not state["busy"]:
            page.wait_for_load_state()
            return
        assert taken or time.monotonic() - tapped < TAKEN_WITHIN, "the tap did not submit the form"
        if state and time.monotonic() - nudged > 1:
            nudged = time.monotonic()
            with contextlib.suppress(Error):
                page.evaluate("dispatchEvent(new Event('online'))")
        page.wait_for_timeout(100)


class World:
    """The records one seed works on, made through the services and committed."""

    def __init__(self, make_user, make_pupil, seed: int):
        self.seed = seed
        self.teacher = make_user(Role.TEACHER)
        self.pupils = [make_pupil(legal_name=name) for name in ("Amara Bello", "Ben Carter")]
        for pupil in self.pupils:
            assign(pupil, self.teacher, None, on=date(2026, 9, 1))
        self.pupil = self.pupils[0]
        write_demo_plan(self.pupil, self.teacher)
        self.visit, self.visit_under_way = (
            create_visit(
                self.pupil,
                self.teacher,
                {
                    "starts_at": utcnow(),
                    "place": VisitPlace.HOME,
                    "address": "14 Mill Lane",
                    "purpose": VisitPurpose.WELFARE,
                },
            )
            for _ in range(2)
        )
        arrive(self.visit_under_way, self.teacher, utcnow(), utcnow() + timedelta(hours=1))
        self.assessor = make_user(Role.ASSESSOR)
        self.check = make_check(self.assessor, make_provider(f"Provider {seed}"))
        answer_everything(self.check)
        self.item = self.check.items()[0]
        self.action = open_action(self.assessor, make_provider(f"Workshop {seed}"))
        self.parent = make_user(Role.PARENT)
        link_parent(self.pupil, self.parent, "Mother", may_confirm=True)
        self.note = write_test_note(self.pupil, self.teacher, held_on=MONDAY - timedelta(days=3))
        self.note_to_add_to = write_test_note(
            self.pupil, self.teacher, held_on=MONDAY - timedelta(days=7)
        )
        disputed = write_test_note(self.pupil, self.teacher, held_on=MONDAY - timedelta(days=5))
        self.dispute = confirm_session(
            disputed, self.parent, Answer.DISPUTED, "It did not happen", uuid.uuid4()
        )
        self.lead = make_user(Role.LEAD, safeguarding_role=SafeguardingRole.DSL)
        self.concern, self.concern_to_close, self.concern_unread = (
            make_concern(self.pupil, self.teacher) for _ in range(3)
        )
        self.officer = make_user(Role.SCHOOL, school=self.pupil.school)
        self.calendar = add_calendar(
            {"la_code": "881", "name": "Northshire term dates"}, uuid.uuid4()
        )
        # Friday's AM register, all marked: the school's notice for the officer to confirm.
        put_marks(self.pupils[0], self.teacher, ["/"], MONDAY - timedelta(days=3))
        put_marks(self.pupils[1], self.teacher, ["/"], MONDAY - timedelta(days=3))
        db.session.commit()

    def text(self, what: str) -> str:
        """A line this seed's submission of `what` alone carries, to find it by."""
        return f"Seed {self.seed}: {what}"

    def pupil_url(self, path: str = "") -> str:
        return f"/pupils/{self.pupil.id}{path}"


def count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# ---- The forms: each fills and sends one or more, and says how to count what arrived ---------

# How many of each submission the database holds, asked once every phone is done.
Counted = Callable[[], list[int]]


def one_tap(network: Network, path: str, button: str) -> None:
    """A form that is a single button: open its page and send it."""
    page = network.page
    page.goto(path)
    submitted(network, lambda: page.get_by_role("button", name=button).tap())


def session_note(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url("/notes/new"))
    fill_note(page, world.text("note"))
    page.get_by_label("Date").fill((MONDAY - timedelta(days=4)).isoformat())
    submitted(network, lambda: page.get_by_role("button", name="Send the note").tap())
    return lambda: [count(SessionNote, SessionNote.place == world.text("note"))]


def note_addendum(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url(f"/notes/{world.note_to_add_to.id}"))
    page.get_by_label("Addendum").fill(world.text("addendum"))
    submitted(network, lambda: page.get_by_role("button", name="Add the addendum").tap())
    return lambda: [count(NoteAddendum, NoteAddendum.text == world.text("addendum"))]


def visit(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url("/visits/new"))
    page.get_by_label("No, I am planning it").check()
    page.get_by_label("The family home").check()
    page.get_by_label("Address", exact=True).fill(world.text("visit"))
    page.get_by_label("Welfare check").check()
    submitted(network, lambda: page.get_by_role("button", name="Save visit").tap())
    return lambda: [count(HomeVisit, HomeVisit.address == world.text("visit"))]


def check_in(world: World, network: Network) -> Counted:
    one_tap(network, world.pupil_url(f"/visits/{world.visit.id}"), "I've arrived")
    arrived = (HomeVisit.id == world.visit.id, HomeVisit.arrived_at.is_not(None))
    return lambda: [count(HomeVisit, *arrived)]


def left_safely(world: World, network: Network) -> Counted:
    one_tap(network, world.pupil_url(f"/visits/{world.visit_under_way.id}"), "I've left safely")
    left = (HomeVisit.id == world.visit_under_way.id, HomeVisit.left_at.is_not(None))
    return lambda: [count(HomeVisit, *left)]


def assessment(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url("/assessments/new"))
    fill_assessment(page, world.text("assessment"))
    submitted(network, lambda: page.get_by_role("button", name="Save assessment").tap())
    return lambda: [
        count(Assessment, Assessment.interests_and_strengths == world.text("assessment"))
    ]


def visit_action(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url(f"/visits/{world.visit.id}/actions/new"))
    page.get_by_label("What needs doing").fill(world.text("visit action"))
    page.get_by_label("Who will do it").fill("Mum")
    submitted(network, lambda: page.get_by_role("button", name="Save action").tap())
    return lambda: [count(VisitAction, VisitAction.description == world.text("visit action"))]


def review(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url("/reviews/new"))
    page.get_by_label("Pupil", exact=True).check()
    page.get_by_label("Parent or carer").check()
    for on_track in page.get_by_label("On track").all():
        on_track.check()
    page.get_by_label("Changes to the timetable").fill(world.text("review"))
    submitted(network, lambda: page.get_by_role("button", name="Save the review").tap())
    return lambda: [count(Review, Review.timetable_changes == world.text("review"))]


def register_marks(world: World, network: Network) -> Counted:
    page = network.page
    page.goto("/register")
    present, late = (page.locator(f"#pupil-{pupil.id}") for pupil in world.pupils)
    submitted(network, lambda: present.get_by_role("button", name="Present (").tap())
    page.goto("/register")
    late.get_by_role("button", name="Late (").tap()
    late.get_by_label("Minutes late").fill("10")
    submitted(network, lambda: late.get_by_role("button", name="Save late mark").tap())
    on_monday = (AttendanceMark.date == MONDAY, AttendanceMark.session == "am")
    return lambda: [
        count(AttendanceMark, AttendanceMark.pupil_id == world.pupils[0].id, *on_monday),
        count(
            AttendanceMark,
            AttendanceMark.pupil_id == world.pupils[1].id,
            AttendanceMark.code == "L",
            AttendanceMark.minutes_late == 10,
            *on_monday,
        ),
    ]


def timetable_change(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url("/timetable"))
    page.get_by_label("Day").select_option(label="Friday")
    page.get_by_label("Start", exact=True).fill("15:00")
    page.get_by_label("End", exact=True).fill("16:00")
    page.get_by_label("End", exact=True).dispatch_event("change")
    # The draft's weekly total comes back from the server and moves what is below it down.
    expect(page.locator("#draft-total")).to_contain_text("with this session")
    page.get_by_label("Face-to-face").check()
    page.get_by_label("Place").fill(world.text("slot"))
    submitted(network, lambda: page.get_by_role("button", name="Add session").tap())
    return lambda: [count(TimetableSlot, TimetableSlot.place == world.text("slot"))]


def site_check(world: World, network: Network, photo) -> Counted:
    page = network.page
    item_url = f"/site-checks/{world.check.id}/items/{world.item.id}"
    page.goto(item_url)
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("Comment").fill(world.text("answer"))
    submitted(network, lambda: page.get_by_role("button", name="Save and continue").tap())
    page.goto(item_url)
    page.get_by_label("Take or choose a photo").set_input_files(photo)
    mark_the_photo(page)
    expect(page.get_by_role("button", name="Add photo")).to_be_enabled()
    page.get_by_label("Caption").fill(world.text("photo"))
    submitted(network, lambda: page.get_by_role("button", name="Add photo").tap())
    page.goto(f"/site-checks/{world.check.id}/sign-off")
    page.get_by_label("Satisfactory", exact=True).check()
    page.get_by_label("Your competence to make this check").fill(world.text("competence"))
    page.get_by_label("I made this check in person").check()
    sign_the_check(page)
    submitted(network, lambda: page.get_by_role("button", name="Sign off the check").tap())
    return lambda: [
        count(CheckAnswer, CheckAnswer.comment == world.text("answer")),
        count(Photo, Photo.caption == world.text("photo"), Photo.annotated_id.is_not(None)),
        count(
            SiteCheck,
            SiteCheck.competence_statement == world.text("competence"),
            SiteCheck.status == CheckStatus.SIGNED_OFF,
        ),
    ]


def parents_confirmation(world: World, network: Network) -> Counted:
    page = network.page
    page.goto("/my-child")
    held_on = format_long_date(world.note.held_on)
    yes = page.get_by_role("button", name=f"Yes, this happened and my child attended ({held_on})")
    submitted(network, lambda: yes.tap())
    return lambda: [count(SessionConfirmation, SessionConfirmation.note_id == world.note.id)]


def safeguarding_concern(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url("/concerns/new"))
    page.get_by_label("No", exact=True).check()
    page.get_by_label("Neglect").check()
    page.get_by_label("Where it happened").fill(world.text("concern"))
    page.get_by_label("What you saw or heard").fill("No food in the house")
    page.get_by_label("What you did straight away").fill("Phoned the DSL")
    submitted(network, lambda: page.get_by_role("button", name="Record the concern").tap())
    return lambda: [count(Concern, Concern.place == world.text("concern"))]


def concern_seen(world: World, network: Network) -> Counted:
    one_tap(
        network, world.pupil_url(f"/concerns/{world.concern_unread.id}"), "I have read this concern"
    )
    seen = (Concern.id == world.concern_unread.id, Concern.seen_by_id == world.lead.id)
    return lambda: [count(Concern, *seen)]


def concern_action(world: World, network: Network) -> Counted:
    """The DSL's step on a concern: the lead is the programme's DSL."""
    page = network.page
    page.goto(world.pupil_url(f"/concerns/{world.concern.id}/actions/new"))
    page.get_by_label("Advice sought").check()
    page.get_by_label("Who did it").fill(world.lead.name)
    page.get_by_label("Note").fill(world.text("concern action"))
    submitted(network, lambda: page.get_by_role("button", name="Record the action").tap())
    return lambda: [count(ConcernAction, ConcernAction.note == world.text("concern action"))]


def concern_addition(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url(f"/concerns/{world.concern.id}/addenda/new"))
    page.get_by_label("What you want to add").fill(world.text("addition"))
    submitted(network, lambda: page.get_by_role("button", name="Save addition").tap())
    return lambda: [count(ConcernAddendum, ConcernAddendum.text == world.text("addition"))]


def concern_closed(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url(f"/concerns/{world.concern_to_close.id}/close"))
    page.get_by_label("Outcome", exact=True).select_option(label="No further action")
    page.get_by_label("Why it can be closed").fill(world.text("closure"))
    submitted(network, lambda: page.get_by_role("button", name="Close the concern").tap())
    return lambda: [count(ConcernClosure, ConcernClosure.rationale == world.text("closure"))]


def absence_report(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(f"/my-child/{world.pupil.id}/absences/new")
    page.get_by_label("All day tomorrow").check()
    page.get_by_label("Ill", exact=True).check()
    page.get_by_label("Anything else the teacher should know").fill(world.text("absence"))
    submitted(network, lambda: page.get_by_role("button", name="Send").tap())
    return lambda: [count(AbsenceReport, AbsenceReport.note == world.text("absence"))]


def dispute_answer(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(world.pupil_url(f"/disputes/{world.dispute.id}/reply"))
    page.get_by_label("The session happened: we explain what happened").check()
    page.get_by_label("Your reply to the parent").fill(world.text("reply"))
    submitted(network, lambda: page.get_by_role("button", name="Send the answer").tap())
    return lambda: [count(DisputeReply, DisputeReply.reply == world.text("reply"))]


def new_school(world: World, network: Network) -> Counted:
    page = network.page
    page.goto("/schools/new")
    page.get_by_label("Name").fill(world.text("school"))
    page.get_by_label("URN").fill(f"{200000 + world.seed % 100000}")
    page.get_by_label("LAESTAB number").fill(f"881{world.seed % 10000:04d}")
    page.get_by_label("Local authority").fill("Essex")
    page.get_by_label("Secondary").check()
    page.get_by_label("Attendance contact's email").fill(f"attendance{world.seed}@example.org")
    submitted(network, lambda: page.get_by_role("button", name="Save school").tap())
    return lambda: [count(School, School.name == world.text("school"))]


def notice_receipt(world: World, network: Network) -> Counted:
    """Friday's notice: marks sent for Monday before this form make a notice of their own,
    listed above it."""
    page = network.page
    friday = MONDAY - timedelta(days=3)
    page.goto("/school")
    card = page.locator("li.app-card").filter(has_text=format_long_date(friday))
    submitted(network, lambda: card.get_by_role("button", name="Confirm receipt").tap())
    notice = (AttendanceNotice.date == friday, AttendanceNotice.kind == "session")
    return lambda: [count(AttendanceNotice, *notice, AttendanceNotice.read_at.is_not(None))]


def calendar_closure(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(f"/calendars/{world.calendar.id}/events/new")
    page.get_by_label("INSET day").check()
    page.get_by_label("First day").fill((MONDAY + timedelta(days=28)).isoformat())
    page.get_by_label("Description").fill(world.text("closure"))
    submitted(network, lambda: page.get_by_role("button", name="Save closure").tap())
    return lambda: [count(CalendarEvent, CalendarEvent.description == world.text("closure"))]


def action_done(world: World, network: Network) -> Counted:
    page = network.page
    page.goto(f"/site-actions/{world.action.id}")
    page.get_by_label("It is done").check()
    page.get_by_label("What was done").fill(world.text("action done"))
    submitted(network, lambda: page.get_by_role("button", name="Save the update").tap())
    return lambda: [
        count(SiteAction, SiteAction.done_note == world.text("action done")),
        count(
            AuditEvent,
            AuditEvent.event == "site_action.updated",
            AuditEvent.actor_id == world.assessor.id,
        ),
    ]


# Each form, and who fills it in.
FORMS = {
    "session note": (Role.TEACHER, session_note),
    "addendum to a session note": (Role.TEACHER, note_addendum),
    "visit": (Role.TEACHER, visit),
    "action from a visit": (Role.TEACHER, visit_action),
    "fortnightly review": (Role.TEACHER, review),
    "lone-working check-in": (Role.TEACHER, check_in),
    "leaving a visit safely": (Role.TEACHER, left_safely),
    "assessment": (Role.TEACHER, assessment),
    "register marks with Late": (Role.TEACHER, register_marks),
    "timetable change": (Role.TEACHER, timetable_change),
    "site check answer, photo and sign-off": (Role.ASSESSOR, site_check),
    "parent's confirmation": (Role.PARENT, parents_confirmation),
    "safeguarding concern": (Role.TEACHER, safeguarding_concern),
    "DSL reading a concern": (Role.LEAD, concern_seen),
    "DSL's action on a concern": (Role.LEAD, concern_action),
    "addition to a concern": (Role.TEACHER, concern_addition),
    "DSL closing a concern": (Role.LEAD, concern_closed),
    "parent's absence report": (Role.PARENT, absence_report),
    "answer to a parent's dispute": (Role.TEACHER, dispute_answer),
    "new school": (Role.LEAD, new_school),
    "school's receipt of a notice": (Role.SCHOOL, notice_receipt),
    "term calendar closure": (Role.LEAD, calendar_closure),
    "site check action done": (Role.ASSESSOR, action_done),
}


@pytest.mark.parametrize("seed", seeds())
def test_every_submission_arrives_once_whatever_the_network_does(
    seed,
    new_phone,
    live_server,
    make_user,
    make_pupil,
    clock,
    monkeypatch,
    tmp_path,
    expected_errors,
):
    expected_errors.extend(EXPECTED_ERRORS)
    monkeypatch.setitem(live_server.app.config, "OUTBOX_TIMEOUT_SECONDS", TIMEOUT_SECONDS)
    clock(9, 5, on=MONDAY)
    world = World(make_user, make_pupil, seed)
    photo = tmp_path / "IMG_0100.jpg"
    photo.write_bytes(phone_photo(size=(800, 600)))
    rng = random.Random(seed)
    chosen = rng.sample(sorted(FORMS), KINDS_PER_SEED)
    people = {
        Role.TEACHER: world.teacher,
        Role.ASSESSOR: world.assessor,
        Role.PARENT: world.parent,
        Role.LEAD: world.lead,
        Role.SCHOOL: world.officer,
    }

    networks: dict[Role, Network] = {}
    counted: dict[str, Counted] = {}
    for name in chosen:
        role, fill = FORMS[name]
        if role not in networks:
            page = new_phone(service_workers="block")
            sign_in_by_requests(page, people[role].email)
            networks[role] = Network(page, people[role], random.Random(f"{seed}-{role.value}"))
            page.context.route("**/*", networks[role].route)
        arguments = (photo,) if fill is site_check else ()
        counted[name] = fill(world, networks[role], *arguments)

    stuck = 0
    for network in networks.values():
        network.page.context.unroute("**/*")
        state = outbox_state(network.page) or {"states": []}
        stuck += len(state["states"])
    db.session.rollback()
    arrived = {name: count_them() for name, count_them in counted.items()}
    db.session.rollback()
    lost = sum(counts.count(0) for counts in arrived.values())
    duplicated = sum(sum(1 for n in counts if n > 1) for counts in arrived.values())
    faults = {role.value: network.faults for role, network in networks.items()}
    record_outcome(seed, lost=lost, duplicated=duplicated, stuck=stuck, forms=chosen)
    assert (lost, duplicated, stuck) == (0, 0, 0), (
        f"seed {seed}: {arrived}, stuck {stuck}; faults {faults}"
    )
