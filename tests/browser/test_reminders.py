"""Reminders on a phone: permission only after a tap, subscribing through the page's CSRF
header, a test reminder that reaches the phone's service worker as a notification, and a
tap on the notification opening the page it names."""

import json

from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.common.time import london_today
from ap_field.pupils.services import assign
from tests.browser.conftest import open_from_menu, sign_in_by_requests
from tests.browser.test_shell import no_sideways_scrolling
from tests.helpers import write_demo_plan
from tests.push.helpers import Device

# Playwright's contexts are like incognito windows, where Chromium has no Push API.
INCOGNITO_PUSH = (
    "Chrome currently does not support the Push API in incognito mode "
    "(https://crbug.com/41124656). There is deliberately no way to feature-detect this, "
    "since incognito mode needs to be undetectable by websites."
)


def status_of(phone: Page):
    return phone.locator("[data-push-status]")


def test_the_browser_asks_for_permission_only_after_a_tap(phone, make_user, push_ready):
    sign_in_by_requests(phone, make_user(Role.PARENT).email)
    open_from_menu(phone, "Reminders")

    expect(status_of(phone)).to_have_text("Reminders are off for this phone.")
    assert phone.evaluate("() => Notification.permission") == "default"
    no_sideways_scrolling(phone)

    phone.get_by_role("button", name="Turn on reminders on this phone").tap()

    expect(status_of(phone)).to_contain_text("Notifications are blocked for ap-field")
    assert phone.evaluate("() => Notification.permission") == "denied"


def test_a_teacher_turns_reminders_on_and_a_test_reminder_opens_the_app(
    phone, live_server, make_user, push_ready, push_service, expected_errors
):
    expected_errors.append(INCOGNITO_PUSH)
    teacher = make_user(Role.TEACHER)
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    sign_in_by_requests(phone, teacher.email)
    open_from_menu(phone, "Reminders")

    # As far as Chromium goes here: permission granted, the service worker registered,
    # and the browser's own push service refusing (there is none offline).
    phone.get_by_role("button", name="Turn on reminders on this phone").tap()
    expect(status_of(phone)).to_contain_text("could not turn reminders on")

    # The subscription a push service would have given, posted as the page's script does.
    device = Device(push_service)
    assert subscribe(phone, device) == 201
    phone.reload()
    expect(phone.locator("#devices .app-card")).to_have_count(1)
    expect(phone.locator("#devices")).to_contain_text("No reminder delivered yet")

    phone.get_by_role("button", name="Send a test reminder").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Test reminder sent to 1 device")
    [received] = push_service.to(device)
    message = device.decrypt(received.body)

    deliver_push(phone, live_server.url, message)
    shown = notifications(phone)
    assert shown == [
        {
            "title": "Test reminder",
            "body": "Reminders reach this device.",
            "tag": "test",
            "data": {"url": "/reminders", "id": "test"},
        }
    ]
    # The page is open already on this phone, so the tap brings it to the front.
    assert open_on_tap(phone, "test") == {"opened": None, "focused": f"{live_server.url}/reminders"}


def test_a_review_reminder_opens_the_review_page_or_focuses_it(
    phone, live_server, make_user, make_pupil, push_ready
):
    phone.context.grant_permissions(["notifications"], origin=live_server.url)
    teacher = make_user(Role.TEACHER)
    pupil = make_pupil(review_date=london_today())
    assign(pupil, teacher, None)
    write_demo_plan(pupil, teacher)
    sign_in_by_requests(phone, teacher.email)
    review_page = f"/pupils/{pupil.id}/reviews/new"
    message = {"title": "Review due", "body": "A review is due.", "url": review_page, "tag": "t"}

    deliver_push(phone, live_server.url, message | {"id": "x1"})
    [shown] = notifications(phone)
    assert shown["title"] == "Review due"
    assert open_on_tap(phone, "x1") == {"opened": live_server.url + review_page, "focused": None}

    phone.goto(review_page)
    expect(phone.get_by_role("heading", level=1)).to_contain_text("review")
    assert open_on_tap(phone, "x1") == {"opened": None, "focused": live_server.url + review_page}

    elsewhere = {"url": "https://elsewhere.example/", "id": "x2", "tag": "u"}
    deliver_push(phone, live_server.url, message | elsewhere)
    assert open_on_tap(phone, "x2") == {"opened": live_server.url + "/", "focused": None}


def subscribe(phone: Page, device: Device) -> int:
    """Posts, from the Reminders page, the subscription a push service would have given."""
    return phone.evaluate(
        """async (subscription) => {
            const panel = document.querySelector("[data-push]");
            const response = await fetch(panel.dataset.subscribeUrl, {
              method: "POST",
              headers: {"Content-Type": "application/json", "X-CSRFToken": panel.dataset.csrfToken},
              body: JSON.stringify(subscription),
            });
            return response.status;
        }""",
        device.subscription,
    )


def deliver_push(phone: Page, origin: str, message: dict) -> None:
    """What a push service does when a message arrives: the DevTools protocol hands it to
    the service worker's push handler."""
    phone.evaluate("() => navigator.serviceWorker.ready")
    cdp = phone.context.new_cdp_session(phone)
    registrations = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda event: registrations.extend(event["registrations"]),
    )
    cdp.send("ServiceWorker.enable")
    phone.wait_for_timeout(200)
    [registration] = [r for r in registrations if r["scopeURL"] == origin + "/"]
    shown_ids = []
    # A delivery made while the worker is starting after a navigation is now and then lost
    # inside the DevTools protocol, before the worker's push handler runs (about 1 run in
    # 15): a push service would deliver it again, and so does this, up to three times.
    for _ in range(3):
        cdp.send(
            "ServiceWorker.deliverPushMessage",
            {
                "origin": origin,
                "registrationId": registration["registrationId"],
                "data": json.dumps(message),
            },
        )
        # Detaching disables the protocol's service worker domain, which can cancel a
        # delivery still on its way: stay attached until the notification is there.
        shown_ids = [shown["data"]["id"] for shown in notifications(phone, message["id"])]
        if message["id"] in shown_ids:
            break
    cdp.detach()
    assert message["id"] in shown_ids


def notifications(phone: Page, id: str | None = None) -> list[dict]:
    """The notifications shown, once one for message `id` is among them (any, without one)."""
    return phone.evaluate(
        """async (id) => {
            const registration = await navigator.serviceWorker.ready;
            for (let tries = 0; tries < 50; tries++) {
              const shown = await registration.getNotifications();
              if (shown.some(({data}) => id === null || data.id === id)) {
                return shown.map(({title, body, tag, data}) => ({title, body, tag, data}));
              }
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return [];
        }""",
        id,
    )


def open_on_tap(phone: Page, message_id: str) -> dict:
    """The service worker's answer to a tap on the notification of message `message_id`.
    Only a real tap may open or focus a window, which the DevTools protocol cannot give, so
    the window calls are recorded instead of made."""
    [worker] = phone.context.service_workers
    return worker.evaluate(
        """async (id) => {
            const calls = {opened: null, focused: null};
            self.clients.openWindow = async (url) => { calls.opened = url; return null; };
            WindowClient.prototype.focus = async function () {
              calls.focused = this.url;
              return this;
            };
            for (let tries = 0; tries < 50; tries++) {
              const shown = await self.registration.getNotifications();
              const tapped = shown.find((notification) => notification.data.id === id);
              if (tapped) {
                // The worker closes a tapped notification; this one stays for the next tap.
                tapped.close = () => {};
                const tap = new NotificationEvent("notificationclick", {notification: tapped});
                let answered;
                tap.waitUntil = (promise) => { answered = promise; };
                self.dispatchEvent(tap);
                await answered;
                return calls;
              }
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return "not shown";
        }""",
        message_id,
    )
