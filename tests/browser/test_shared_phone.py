"""One phone, two people in turn: what the first leaves on it is theirs alone. Their drafts
go at sign-out, their unsent items wait for their next sign-in (or go, or are discarded, as
they choose), and the phone's push subscription ends with their session."""

import json
import time
from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.extensions import db
from ap_field.pupils.services import assign
from ap_field.push.models import PushSubscription
from ap_field.sessions.models import SessionNote
from tests.browser.conftest import sign_in
from tests.browser.test_drafts import offer, wait_for_draft
from tests.browser.test_outbox import (
    NO_SIGNAL,
    count,
    fill_note,
    outbox_section,
    saved_offline,
    waiting_for_service_worker,
)
from tests.browser.test_reminders import status_of, subscribe
from tests.helpers import PASSWORD
from tests.push.helpers import Device

KEEP = "Keep them for my next sign-in on this phone"
# No signal, the token request the test refuses, and the outbox asking while signed out.
SIGNED_OUT_ERRORS = [
    NO_SIGNAL,
    "Failed to load resource: net::ERR_FAILED",
    "Failed to load resource: the server responded with a status of 401 (UNAUTHORIZED)",
]
# Playwright's contexts are like incognito windows, where Chromium has no Push API: the
# browser's subscription is stood in for by the one the test puts in `test-subscription`
# (a PushSubscription's JSON), and ending it is noted in `test-unsubscribed`.
BROWSER_SUBSCRIPTION = """
PushManager.prototype.getSubscription = async () => {
  const json = JSON.parse(localStorage.getItem("test-subscription"));
  return json && {
    endpoint: json.endpoint,
    options: {},
    toJSON: () => json,
    unsubscribe: async () => {
      localStorage.removeItem("test-subscription");
      localStorage.setItem("test-unsubscribed", json.endpoint);
      return true;
    },
  };
};
"""
# What the phone keeps of the subscription it told the server of (static/js/app.js).
PUSH_TOLD = "ap-field-push"


def teacher_and_pupil(make_user, make_pupil, name: str):
    teacher = make_user(Role.TEACHER, name=name)
    pupil = make_pupil(legal_name=f"Pupil of {name}")
    assign(pupil, teacher, None)
    return teacher, pupil


def the_choice(page: Page):
    page.get_by_role("button", name="Sign out", exact=True).tap()
    warning = page.get_by_role("alert").filter(has_text="not been sent yet")
    expect(warning).to_contain_text("1 thing you saved has not been sent yet")
    return warning


def sign_out_choosing(page: Page, choice: str) -> None:
    warning = the_choice(page)
    with page.expect_navigation(url="**/sign-in"):
        warning.get_by_role("button", name=choice).tap()


def note_offline(page: Page, pupil, place: str) -> None:
    page.goto(f"/pupils/{pupil.id}/notes/new")
    page.context.set_offline(True)
    fill_note(page, place)
    page.get_by_role("button", name="Send the note").tap()
    saved_offline(page)


def back_in_signal_without_sending(page: Page) -> None:
    """The signal comes back, but the outbox's own flush on `online` finds no session token,
    so what waits is still there when the person chooses."""
    page.context.route("**/sync/token", lambda route: route.abort())
    page.context.set_offline(False)
    page.wait_for_timeout(300)
    page.context.unroute("**/sync/token")


def outbox_on_phone(page: Page) -> list[dict]:
    """What the phone's outbox holds (IndexedDB): each entry's person, and whether it is set
    aside for their next sign-in."""
    return page.evaluate(
        """() => new Promise((resolve, reject) => {
            const opened = indexedDB.open("ap-field");
            opened.onupgradeneeded = () => opened.transaction.abort();
            opened.onerror = () => resolve([]);
            opened.onsuccess = () => {
              const all = opened.result.transaction("outbox").objectStore("outbox").getAll();
              all.onsuccess = () => {
                opened.result.close();
                resolve(all.result.map((entry) => ({
                  user: entry.user, kept: Boolean(entry.set_aside),
                })));
              };
              all.onerror = () => reject(all.error);
            };
        })"""
    )


def drafts_on_phone(page: Page) -> list[str]:
    return page.evaluate("() => Object.keys(localStorage).filter((k) => k.includes('.draft.'))")


def notes_posted(page: Page) -> list[tuple[str, str]]:
    """Every session note the phone posts from now on: where to, and its Idempotency-Key (a
    page left mid-send leaves the next page to send it again, with the same key)."""
    posted = []

    def note(request) -> None:
        if request.method == "POST" and "/notes/new" in request.url:
            posted.append((request.url, request.headers.get("idempotency-key")))

    page.context.on("request", note)
    return posted


def devices() -> dict[str, int]:
    db.session.rollback()
    rows = db.session.execute(sa.select(PushSubscription.endpoint, PushSubscription.user_id))
    return {endpoint: user_id for endpoint, user_id in rows}


def devices_become(expected: dict[str, int]) -> dict[str, int]:
    """The devices the server holds, once they are `expected` (a page tells it as it starts)."""
    for _ in range(50):
        if (held := devices()) == expected:
            return held
        time.sleep(0.1)
    return devices()


def browser_subscribes(page: Page, device: Device) -> None:
    page.evaluate(
        "(json) => localStorage.setItem('test-subscription', json)", json.dumps(device.subscription)
    )


def on_the_reminders_page(phone: Page, live_server, person) -> Page:
    """A phone whose browser may show notifications, signed in as `person` on the Reminders
    page with its service worker running, and a push subscription of the test's making."""
    phone.add_init_script(BROWSER_SUBSCRIPTION)
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(phone, person.email)
    phone.goto("/reminders")
    waiting_for_service_worker(phone)
    return phone


def test_the_next_person_sees_nothing_of_the_first_and_the_first_gets_theirs_back(
    new_phone, live_server, make_user, make_pupil, expected_errors
):
    expected_errors.extend(SIGNED_OUT_ERRORS)
    first, first_pupil = teacher_and_pupil(make_user, make_pupil, "Amira Khan")
    second, second_pupil = teacher_and_pupil(make_user, make_pupil, "Ben Carter")
    phone = new_phone(service_workers="block")
    sign_in(phone, first.email)
    note_offline(phone, first_pupil, "Sports hall")
    back_in_signal_without_sending(phone)
    phone.context.route("**/sync/token", lambda route: route.abort())
    phone.goto(f"/pupils/{first_pupil.id}/notes/new")
    phone.get_by_label("Wellbeing observations").fill("Amira's draft words")
    wait_for_draft(phone)
    expect(phone.locator("[data-outbox-count]")).to_have_text("1")

    sign_out_choosing(phone, KEEP)
    phone.context.unroute("**/sync/token")

    # Signed out: her drafts are gone, her note waits for her alone, and no page shows it.
    assert drafts_on_phone(phone) == []
    assert "Amira's draft words" not in phone.evaluate("() => JSON.stringify(localStorage)")
    assert outbox_on_phone(phone) == [{"user": first.id, "kept": True}]
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()
    phone.goto("/outbox")
    expect(phone.get_by_text("Nobody is signed in")).to_be_visible()
    expect(phone.get_by_text("Sports hall")).to_have_count(0)
    # Even were the phone to lose its note that she signed out (local storage reaches the
    # disk in batches), what she set aside stays hidden.
    phone.evaluate("(id) => localStorage.setItem('ap-field-user', String(id))", first.id)
    phone.reload()
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    expect(phone.locator("[data-outbox-entry]")).to_have_count(0)
    phone.evaluate("() => localStorage.removeItem('ap-field-user')")
    phone.reload()
    expect(phone.get_by_text("Nobody is signed in")).to_be_visible()
    expect(phone.locator("[data-outbox-entry]")).to_have_count(0)

    posted = notes_posted(phone)
    sign_in(phone, second.email)
    expect(phone.locator("[data-outbox-badge]")).to_be_hidden()
    phone.goto(f"/pupils/{second_pupil.id}/notes/new")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(offer(phone)).to_have_count(0)
    # His own note goes, and in the same session the outbox sends nothing of hers.
    fill_note(phone, "Youth club")
    phone.get_by_role("button", name="Send the note").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Session note sent")
    phone.goto("/outbox")
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    expect(phone.get_by_text("Sports hall")).to_have_count(0)
    expect(outbox_section(phone, "sent")).to_contain_text("Pupil of Ben Carter")
    expect(outbox_section(phone, "sent")).not_to_contain_text("Pupil of Amira Khan")
    phone.get_by_role("button", name="Sign out", exact=True).tap()
    phone.wait_for_url("**/sign-in")
    assert {url for url, _key in posted} == {
        f"{live_server.url}/pupils/{second_pupil.id}/notes/new"
    }
    assert count(SessionNote, SessionNote.place == "Sports hall") == 0
    posted.clear()

    sign_in(phone, first.email)
    phone.goto("/outbox")
    expect(outbox_section(phone, "sent")).to_contain_text("Pupil of Amira Khan", timeout=20_000)
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    assert outbox_on_phone(phone) == []
    assert {url for url, _key in posted} == {f"{live_server.url}/pupils/{first_pupil.id}/notes/new"}
    assert len({key for _url, key in posted}) == 1
    assert count(SessionNote, SessionNote.place == "Sports hall") == 1


def test_discarding_them_leaves_nothing_on_the_phone(
    new_phone, make_user, make_pupil, expected_errors
):
    expected_errors.extend(SIGNED_OUT_ERRORS)
    teacher, pupil = teacher_and_pupil(make_user, make_pupil, "Amira Khan")
    phone = new_phone(service_workers="block")
    sign_in(phone, teacher.email)
    note_offline(phone, pupil, "Library")
    back_in_signal_without_sending(phone)

    sign_out_choosing(phone, "Discard them")

    assert outbox_on_phone(phone) == []
    sign_in(phone, teacher.email)
    phone.goto("/outbox")
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    expect(outbox_section(phone, "sent")).to_be_hidden()
    assert count(SessionNote) == 0


def test_waiting_sends_them_and_then_signs_out(new_phone, make_user, make_pupil, expected_errors):
    expected_errors.extend(SIGNED_OUT_ERRORS)
    teacher, pupil = teacher_and_pupil(make_user, make_pupil, "Amira Khan")
    phone = new_phone(service_workers="block")
    sign_in(phone, teacher.email)
    note_offline(phone, pupil, "Town hall")

    # Still without signal: waiting cannot send it, and says so.
    warning = the_choice(phone)
    warning.get_by_role("button", name="Wait and send them").tap()
    expect(warning).to_contain_text("It could not be sent: this phone may have no signal.")
    expect(phone.get_by_role("button", name="Sign out", exact=True)).to_be_visible()
    assert count(SessionNote) == 0

    back_in_signal_without_sending(phone)
    with phone.expect_navigation(url="**/sign-in"):
        warning.get_by_role("button", name="Wait and send them").tap()

    assert count(SessionNote, SessionNote.place == "Town hall") == 1
    assert outbox_on_phone(phone) == []


def test_signing_out_ends_the_phones_push_subscription(
    new_phone, live_server, make_user, push_ready, push_service
):
    teacher = make_user(Role.TEACHER)
    phone = on_the_reminders_page(new_phone(), live_server, teacher)
    this_phone, laptop = Device(push_service), Device(push_service)
    for device in (this_phone, laptop):
        assert subscribe(phone, device) == 201
    browser_subscribes(phone, this_phone)
    phone.reload()
    expect(status_of(phone)).to_have_text("Reminders are on for this phone.")

    with phone.expect_navigation(url="**/sign-in"):
        phone.get_by_role("button", name="Sign out", exact=True).tap()

    assert devices() == {laptop.endpoint: teacher.id}
    assert phone.evaluate("() => localStorage.getItem('test-unsubscribed')") == this_phone.endpoint
    assert phone.evaluate("(key) => localStorage.getItem(key)", PUSH_TOLD) is None


def test_a_renewed_subscription_replaces_the_old_one_on_the_server(
    new_phone, live_server, make_user, push_ready, push_service
):
    teacher = make_user(Role.TEACHER)
    phone = new_phone()
    sign_in(phone, teacher.email)
    phone.goto("/reminders")
    waiting_for_service_worker(phone)
    first, second, third = (Device(push_service) for _ in range(3))
    assert subscribe(phone, first) == 201
    [turned_on] = db.session.scalars(sa.select(PushSubscription.id))
    [worker] = phone.context.service_workers

    # Chromium never fires pushsubscriptionchange here (there is no push service in a test
    # context, and the DevTools protocol has no way to renew a subscription), and only an
    # event the browser fires lets a handler wait on it: the test dispatches its own, with
    # the subscriptions it names and a waitUntil of its own. The first renewal comes with its
    # new subscription; the second without, so the worker subscribes again itself, with the
    # old one's key.
    asked_with = worker.evaluate(
        """async ({first, second, third}) => {
            const key = new Uint8Array([4, 8, 15, 16, 23, 42]);
            let askedWith = null;
            PushManager.prototype.subscribe = async (options) => {
              askedWith = options;
              return {endpoint: third.endpoint, toJSON: () => third};
            };
            const renewing = ({endpoint}) => ({
              value: {endpoint, options: {applicationServerKey: key}},
            });
            const renew = async (properties) => {
              const waits = [];
              const event = new ExtendableEvent("pushsubscriptionchange");
              Object.defineProperties(event, {
                ...properties,
                waitUntil: {value: (promise) => waits.push(promise)},
              });
              self.dispatchEvent(event);
              await Promise.all(waits);
            };
            await renew({
              oldSubscription: renewing(first),
              newSubscription: {value: {endpoint: second.endpoint, toJSON: () => second}},
            });
            await renew({
              oldSubscription: renewing(second),
              newSubscription: {value: null},
            });
            return {
              same_key: askedWith.applicationServerKey === key,
              user_visible_only: askedWith.userVisibleOnly,
            };
        }""",
        {"first": first.subscription, "second": second.subscription, "third": third.subscription},
    )

    assert asked_with == {"same_key": True, "user_visible_only": True}
    assert devices() == {third.endpoint: teacher.id}
    assert list(db.session.scalars(sa.select(PushSubscription.id))) == [turned_on]


def test_a_renewal_the_server_missed_is_told_when_the_app_next_starts(
    new_phone, live_server, make_user, push_ready, push_service
):
    teacher = make_user(Role.TEACHER)
    phone = on_the_reminders_page(new_phone(), live_server, teacher)
    old, renewed = Device(push_service), Device(push_service)
    assert subscribe(phone, old) == 201
    browser_subscribes(phone, old)
    phone.reload()
    expect(status_of(phone)).to_have_text("Reminders are on for this phone.")

    # The browser renewed it while the service worker could not tell the server.
    browser_subscribes(phone, renewed)
    phone.goto("/")

    assert devices_become({renewed.endpoint: teacher.id}) == {renewed.endpoint: teacher.id}
    phone.goto("/reminders")
    expect(status_of(phone)).to_have_text("Reminders are on for this phone.")
    expect(phone.locator("#devices [data-this-device]")).to_be_visible()
    expect(phone.get_by_role("button", name="Send a test reminder")).to_be_visible()


def test_reminders_left_by_someone_who_did_not_sign_out_stop_for_the_next_person(
    new_phone, live_server, make_user, push_ready, push_service
):
    first, second = make_user(Role.TEACHER), make_user(Role.TEACHER)
    phone = new_phone()
    phone.add_init_script(BROWSER_SUBSCRIPTION)
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in(phone, first.email)
    phone.goto("/reminders")
    waiting_for_service_worker(phone)
    device = Device(push_service)
    assert subscribe(phone, device) == 201
    browser_subscribes(phone, device)
    phone.reload()
    expect(status_of(phone)).to_have_text("Reminders are on for this phone.")

    # Her session ends without a sign-out (a password changed elsewhere); he signs in.
    phone.context.clear_cookies()
    sign_in(phone, second.email)

    expect(phone.locator("main h1")).to_be_visible()
    phone.wait_for_function("() => localStorage.getItem('test-unsubscribed') !== null")
    assert phone.evaluate("() => localStorage.getItem('test-unsubscribed')") == device.endpoint
    assert phone.evaluate("(key) => localStorage.getItem(key)", PUSH_TOLD) is None
    # The push service answers 410 for it from now on, and ap-field removes it then.
    assert devices() == {device.endpoint: first.id}


def test_the_idle_lock_on_the_page_and_on_the_server(
    new_phone, live_server, make_user, make_pupil, clock, monkeypatch
):
    monkeypatch.setitem(live_server.app.config, "IDLE_LOCK_MINUTES", 15)
    signed_in_at = clock(9)
    teacher, pupil = teacher_and_pupil(make_user, make_pupil, "Amira Khan")
    phone = new_phone()
    phone.clock.install()
    sign_in(phone, teacher.email)
    phone.goto(f"/pupils/{pupil.id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text(pupil.display_name)

    phone.clock.fast_forward("14:00")
    phone.get_by_role("heading", level=1).tap()
    phone.clock.fast_forward("14:00")
    expect(phone.get_by_role("heading", level=1)).to_have_text(pupil.display_name)
    phone.clock.fast_forward("02:00")
    expect(phone.get_by_role("heading", level=1)).to_have_text("ap-field is locked")
    expect(phone.get_by_text(pupil.display_name)).to_have_count(0)

    phone.get_by_label("Password").fill(PASSWORD)
    phone.get_by_role("button", name="Unlock").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text(pupil.display_name)

    # The server keeps its own count: a page left open past the limit, asked again, is locked.
    clock.set(signed_in_at + timedelta(minutes=40))
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("ap-field is locked")
