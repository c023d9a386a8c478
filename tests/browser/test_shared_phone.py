"""One phone, two people in turn: what the first leaves on it is theirs alone. Their drafts
go at sign-out, their unsent items wait for their next sign-in (or go, or are discarded, as
they choose), and the phone's push subscription ends with their session."""

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push.models import PushSubscription
from ap_field.sessions.models import SessionNote
from tests.browser.conftest import sign_in
from tests.browser.test_outbox import (
    NO_SIGNAL,
    count,
    fill_note,
    outbox_section,
    saved_offline,
    waiting_for_service_worker,
)
from tests.browser.test_reminders import subscribe
from tests.push.helpers import Device

KEEP = "Keep them for my next sign-in on this phone"
# No signal, the token request the test refuses, and the outbox asking while signed out.
SIGNED_OUT_ERRORS = [
    NO_SIGNAL,
    "Failed to load resource: net::ERR_FAILED",
    "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)",
]


def teacher_and_pupil(make_user, make_pupil, name: str):
    teacher = make_user(Role.TEACHER, name=name)
    pupil = make_pupil(legal_name=f"Pupil of {name}")
    assign(pupil, teacher, None)
    return teacher, pupil


def sign_out_choosing(page: Page, choice: str) -> None:
    page.get_by_role("button", name="Sign out", exact=True).tap()
    warning = page.get_by_role("alert").filter(has_text="not been sent yet")
    expect(warning).to_contain_text("1 thing you saved has not been sent yet")
    with page.expect_navigation(url="**/sign-in"):
        warning.get_by_role("button", name=choice).tap()


def note_offline(page: Page, pupil, place: str) -> None:
    page.goto(f"/pupils/{pupil.id}/notes/new")
    page.context.set_offline(True)
    fill_note(page, place)
    page.get_by_role("button", name="Send the note").tap()
    saved_offline(page)


def test_the_next_person_sees_nothing_of_the_first_and_the_first_gets_theirs_back(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.extend(SIGNED_OUT_ERRORS)
    first, first_pupil = teacher_and_pupil(make_user, make_pupil, "Amira Khan")
    second, _ = teacher_and_pupil(make_user, make_pupil, "Ben Carter")
    phone = new_phone(service_workers="block")
    sign_in(phone, first.email)
    phone.goto(f"/pupils/{first_pupil.id}/notes/new")
    phone.get_by_label("Progress against those targets").fill("Amira's draft words")
    phone.wait_for_timeout(1500)
    note_offline(phone, first_pupil, "Sports hall")

    phone.context.route("**/sync/token", lambda route: route.abort())
    phone.context.set_offline(False)
    sign_out_choosing(phone, KEEP)
    phone.context.unroute("**/sync/token")
    assert "Amira's draft words" not in phone.evaluate("() => JSON.stringify(localStorage)")

    sign_in(phone, second.email)
    phone.goto("/outbox")
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()
    expect(phone.get_by_text("Sports hall")).to_have_count(0)
    phone.wait_for_timeout(1000)
    assert count(SessionNote) == 0, "the second person's session sends none of the first's"

    phone.get_by_role("button", name="Sign out", exact=True).tap()
    phone.wait_for_url("**/sign-in")
    sign_in(phone, first.email)
    phone.goto("/outbox")
    expect(outbox_section(phone, "sent")).to_contain_text("Session note", timeout=20_000)
    assert count(SessionNote, SessionNote.place == "Sports hall") == 1


def test_discarding_leaves_nothing_and_waiting_sends_them_first(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.extend(SIGNED_OUT_ERRORS)
    teacher, pupil = teacher_and_pupil(make_user, make_pupil, "Amira Khan")
    phone = new_phone(service_workers="block")
    sign_in(phone, teacher.email)
    note_offline(phone, pupil, "Library")
    phone.context.route("**/sync/token", lambda route: route.abort())
    phone.context.set_offline(False)
    sign_out_choosing(phone, "Discard them")
    phone.context.unroute("**/sync/token")
    sign_in(phone, teacher.email)
    phone.goto("/outbox")
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    assert count(SessionNote) == 0

    note_offline(phone, pupil, "Town hall")
    phone.context.set_offline(False)
    phone.context.route("**/notes/new", lambda route: route.abort())
    phone.get_by_role("button", name="Sign out", exact=True).tap()
    phone.context.unroute("**/notes/new")
    phone.get_by_role("button", name="Wait and send them").tap()
    phone.wait_for_url("**/sign-in", timeout=20_000)
    assert count(SessionNote, SessionNote.place == "Town hall") == 1


def test_signing_out_ends_the_phones_push_subscription(
    new_phone, live_server, make_user, push_ready, push_service
):
    teacher = make_user(Role.TEACHER)
    phone = new_phone()
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(phone, teacher.email)
    phone.goto("/reminders")
    waiting_for_service_worker(phone)
    device = Device(push_service)
    assert subscribe(phone, device) == 201
    # The browser's own push service is not reachable here; the page's subscription is
    # stood in for by one the sign-out script finds as the browser's.
    phone.evaluate(
        """(endpoint) => {
            const unsubscribe = async () => sessionStorage.setItem("unsubscribed", "yes");
            const fake = {endpoint, unsubscribe};
            PushManager.prototype.getSubscription = async () => fake;
        }""",
        device.endpoint,
    )

    with phone.expect_navigation(url="**/sign-in"):
        phone.get_by_role("button", name="Sign out", exact=True).tap()

    assert db.session.scalar(sa.select(sa.func.count(PushSubscription.id))) == 0
    assert phone.evaluate("() => sessionStorage.getItem('unsubscribed')") == "yes"


def test_a_renewed_subscription_replaces_the_old_one_on_the_server(
    new_phone, live_server, make_user, push_ready, push_service
):
    teacher = make_user(Role.TEACHER)
    phone = new_phone()
    sign_in(phone, teacher.email)
    phone.goto("/reminders")
    waiting_for_service_worker(phone)
    old, renewed = Device(push_service), Device(push_service)
    assert subscribe(phone, old) == 201
    [worker] = phone.context.service_workers

    # The browser fires pushsubscriptionchange itself, and only then lets a handler wait on
    # it; a test can only dispatch one of its own, so it gives that event its own waitUntil.
    worker.evaluate(
        """async ({old, renewed}) => {
            const waits = [];
            const event = new ExtendableEvent("pushsubscriptionchange");
            Object.defineProperties(event, {
                oldSubscription: {value: {endpoint: old, options: {applicationServerKey: null}}},
                newSubscription: {value: {toJSON: () => renewed}},
                waitUntil: {value: (promise) => waits.push(promise)},
            });
            self.dispatchEvent(event);
            await Promise.all(waits);
        }""",
        {"old": old.endpoint, "renewed": renewed.subscription},
    )

    db.session.expire_all()
    rows = db.session.execute(sa.select(PushSubscription.endpoint, PushSubscription.user_id))
    assert [tuple(row) for row in rows] == [(renewed.endpoint, teacher.id)]
