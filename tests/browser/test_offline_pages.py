"""The service worker on a phone: the app's files come from its cache, a page with no signal
is the offline page unless the teacher kept it, kept pages last only as long as the session,
and a new version replaces the old cache while the pages kept by the old one still work."""

import dataclasses
import json
import re
import uuid
from datetime import date

from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.pupils.services import assign
from ap_field.pwa.services import fingerprints
from tests.browser.conftest import sign_in_by_requests
from tests.browser.test_outbox import NO_SIGNAL

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


def under_the_service_worker(page: Page) -> None:
    """Waits until the service worker is active and controls the page. A page whose load
    began while the worker was still installing may stay uncontrolled; it is loaded again."""
    page.evaluate("() => navigator.serviceWorker.ready.then(() => null)")
    if not page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    assert page.evaluate("() => Boolean(navigator.serviceWorker.controller)")


def cache_names(page: Page) -> list[str]:
    return page.evaluate("() => caches.keys()")


def kept_form_uuid(page: Page, path: str) -> str:
    """The client_uuid in the copy of `path` kept on the phone."""
    html = page.evaluate(
        """async (path) => {
            const response = await caches.match(path, {ignoreVary: true});
            return response ? response.text() : "";
        }""",
        path,
    )
    found = re.search(r'name="client_uuid"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="client_uuid"', html
    )
    assert found, f"no kept copy of {path} with a client_uuid"
    return found.group(1)


def teacher_with_caseload(make_user, make_pupil, names=("Amara Bello", "Ben Carter")):
    teacher = make_user(Role.TEACHER)
    pupils = [make_pupil(legal_name=name) for name in names]
    for pupil in pupils:
        assign(pupil, teacher, None, on=date(2026, 9, 1))
    return teacher, pupils


def test_a_repeat_visit_takes_every_static_file_from_the_service_worker(phone, make_user):
    sign_in_by_requests(phone, make_user(Role.TEACHER).email)
    under_the_service_worker(phone)
    page_files, worker_fetches = [], []
    phone.on(
        "response",
        lambda response: "/static/" in response.url and page_files.append(response),
    )
    phone.context.on(
        "request",
        lambda request: (
            request.service_worker is not None
            and "/static/" in request.url
            and worker_fetches.append(request.url)
        ),
    )

    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Today")

    assert {response.url.split("/static/")[1].split("?")[0] for response in page_files} >= {
        "css/app.css",
        "vendor/htmx.min.js",
        "build/app.js",
        "build/every-page.js",
    }
    assert all(response.from_service_worker for response in page_files)
    assert all("?v=" in response.url for response in page_files)
    assert worker_fetches == []


def test_a_page_not_kept_is_the_offline_page_without_signal(phone, make_user):
    sign_in_by_requests(phone, make_user(Role.TEACHER).email)
    under_the_service_worker(phone)

    phone.context.set_offline(True)
    phone.goto("/caseload")

    expect(phone.get_by_role("heading", level=1)).to_have_text("No connection")
    expect(phone.get_by_role("link", name="See what is waiting to be sent")).to_have_attribute(
        "href", "/outbox"
    )
    expect(phone.locator("[data-kept-pages-list]")).to_have_text("Nothing is kept on this phone.")
    expect(phone.locator("footer")).not_to_contain_text("Signed in as")
    phone.context.set_offline(False)


def test_a_kept_caseload_opens_with_no_signal(phone, make_user, make_pupil):
    teacher, (amara, _ben) = teacher_with_caseload(make_user, make_pupil)
    sign_in_by_requests(phone, teacher.email)
    under_the_service_worker(phone)
    phone.goto("/caseload")
    panel = phone.locator("[data-keep-pages]")
    kept_count = len(json.loads(panel.get_attribute("data-keep-pages")))

    panel.get_by_role("button", name="Keep on this phone").tap()

    expect(panel).to_contain_text(f"{kept_count} pages kept on this phone on ")
    note_form = f"/pupils/{amara.id}/notes/new"
    kept_uuid = kept_form_uuid(phone, note_form)

    phone.context.set_offline(True)
    phone.goto("/caseload")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Your caseload")
    notice = phone.locator("[data-offline-notice]")
    expect(notice).to_contain_text("You are offline: this copy was kept on ")

    phone.get_by_role("link", name="Amara Bello").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Amara Bello")
    expect(notice).to_be_visible()

    phone.goto("/register")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("register")
    expect(notice).to_be_visible()
    for session in ("AM", "PM"):
        phone.goto(f"/register?session={session.lower()}")
        expect(phone.get_by_role("heading", level=1)).to_have_text(f"{session} register")
        expect(notice).to_be_visible()

    phone.goto(f"/pupils/{amara.id}/timetable")
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Timetable")
    phone.goto(note_form + "?slot=1&date=2026-11-30")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(notice).to_be_visible()

    phone.goto(note_form)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Session note")
    expect(notice).to_be_visible()
    fresh_uuid = phone.locator('input[name="client_uuid"]').input_value()
    assert UUID.match(fresh_uuid)
    assert fresh_uuid != kept_uuid
    phone.goto(note_form)
    assert phone.locator('input[name="client_uuid"]').input_value() not in {fresh_uuid, kept_uuid}

    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("No connection")
    kept_list = phone.locator("[data-kept-pages-list]")
    expect(kept_list.get_by_role("link", name="Caseload", exact=True)).to_have_attribute(
        "href", re.compile(r"/caseload$")
    )
    expect(kept_list.get_by_role("link", name="Amara Bello", exact=True)).to_be_visible()
    phone.context.set_offline(False)


def test_a_kept_page_is_refreshed_when_opened_with_signal(phone, make_user, make_pupil):
    teacher, (amara,) = teacher_with_caseload(make_user, make_pupil, names=("Amara Bello",))
    sign_in_by_requests(phone, teacher.email)
    under_the_service_worker(phone)
    phone.goto(f"/pupils/{amara.id}")
    phone.get_by_role("button", name="Keep on this phone").tap()
    expect(phone.locator("[data-keep-status]")).to_contain_text("pages kept on this phone on ")
    kept_uuid = kept_form_uuid(phone, f"/pupils/{amara.id}/notes/new")

    phone.goto(f"/pupils/{amara.id}/notes/new")
    online_uuid = phone.locator('input[name="client_uuid"]').input_value()

    assert online_uuid != kept_uuid
    assert kept_form_uuid(phone, f"/pupils/{amara.id}/notes/new") == online_uuid


def test_signing_out_deletes_the_kept_pages(phone, make_user, make_pupil):
    teacher, _pupils = teacher_with_caseload(make_user, make_pupil)
    sign_in_by_requests(phone, teacher.email)
    under_the_service_worker(phone)
    phone.goto("/caseload")
    phone.get_by_role("button", name="Keep on this phone").tap()
    expect(phone.locator("[data-keep-status]")).to_contain_text("pages kept on this phone on ")
    assert any(name.startswith("pages-") for name in cache_names(phone))

    phone.get_by_role("button", name="Sign out").tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Sign in to ap-field")

    assert not any(name.startswith("pages-") for name in cache_names(phone))
    phone.context.set_offline(True)
    phone.goto("/caseload")
    expect(phone.get_by_role("heading", level=1)).to_have_text("No connection")
    expect(phone.locator("[data-kept-pages-list]")).to_have_text("Nothing is kept on this phone.")
    phone.context.set_offline(False)


def test_another_persons_session_deletes_the_kept_pages(new_phone, make_user, make_pupil):
    teacher, _pupils = teacher_with_caseload(make_user, make_pupil)
    phone = new_phone()
    sign_in_by_requests(phone, teacher.email)
    under_the_service_worker(phone)
    phone.goto("/caseload")
    phone.get_by_role("button", name="Keep on this phone").tap()
    expect(phone.locator("[data-keep-status]")).to_contain_text("pages kept on this phone on ")

    # The session ends elsewhere (a password change on another device); someone else signs in.
    phone.context.clear_cookies()
    sign_in_by_requests(phone, make_user(Role.TEACHER).email)

    assert not any(name.startswith("pages-") for name in cache_names(phone))


def serve_a_new_version(live_server, monkeypatch, static: dict[str, str]) -> None:
    """The live server from now on serves the static files under these fingerprints, and a
    service worker and import map made from them."""
    served = fingerprints(live_server.app)
    monkeypatch.setitem(
        live_server.app.extensions, "pwa.fingerprints", dataclasses.replace(served, static=static)
    )
    monkeypatch.delitem(live_server.app.extensions, "pwa.import_map", raising=False)


def take_the_new_version(page: Page, old_cache: str) -> list[str]:
    """Asks the service worker to update, and waits until the new one has taken over and
    deleted `old_cache`; the caches then on the phone."""
    return page.evaluate(
        """async (oldCache) => {
            const registration = await navigator.serviceWorker.getRegistration();
            const updated = registration.update().catch((error) => String(error));
            await Promise.race([updated, new Promise((resolve) => setTimeout(resolve, 10000))]);
            for (let tries = 0; tries < 100; tries++) {
              const names = await caches.keys();
              if (!names.includes(oldCache) && !registration.installing && !registration.waiting) {
                return names;
              }
              await new Promise((resolve) => setTimeout(resolve, 100));
            }
            return caches.keys();
        }""",
        old_cache,
    )


def test_a_new_version_takes_over_and_deletes_the_old_files(
    phone, live_server, make_user, monkeypatch
):
    sign_in_by_requests(phone, make_user(Role.TEACHER).email)
    under_the_service_worker(phone)
    [old_cache] = [name for name in cache_names(phone) if name.startswith("static-")]
    served = fingerprints(live_server.app)
    serve_a_new_version(live_server, monkeypatch, {**served.static, "sw.js": uuid.uuid4().hex[:12]})

    names = take_the_new_version(phone, old_cache)

    [new_cache] = [name for name in names if name.startswith("static-")]
    assert new_cache != old_cache
    assert phone.evaluate("() => navigator.serviceWorker.controller.state") == "activated"
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Today")


def test_a_register_kept_by_the_last_version_still_takes_marks_offline_after_an_update(
    phone, live_server, make_user, make_pupil, monkeypatch, clock, expected_errors
):
    """Every static file changed, the kept register still asks for the old ones by their old
    fingerprints: with no signal, the new worker answers with the files of the same paths."""
    expected_errors.append(NO_SIGNAL)
    clock(9, 5, on=date(2026, 11, 16))
    teacher, (amara,) = teacher_with_caseload(make_user, make_pupil, names=("Amara Bello",))
    sign_in_by_requests(phone, teacher.email)
    under_the_service_worker(phone)
    phone.goto("/caseload")
    phone.get_by_role("button", name="Keep on this phone").tap()
    expect(phone.locator("[data-keep-status]")).to_contain_text("pages kept on this phone on ")
    [old_cache] = [name for name in cache_names(phone) if name.startswith("static-")]
    served = fingerprints(live_server.app)
    serve_a_new_version(
        live_server, monkeypatch, {name: uuid.uuid4().hex[:12] for name in served.static}
    )
    assert old_cache not in take_the_new_version(phone, old_cache)
    # The browser's own cache emptied, as a phone's is when it needs the space.
    phone.context.new_cdp_session(phone).send("Network.clearBrowserCache")

    phone.context.set_offline(True)
    phone.goto("/register")
    expect(phone.locator("[data-offline-notice]")).to_contain_text("this copy was kept on ")
    row = phone.locator(f"#pupil-{amara.id}")
    row.get_by_role("button", name="Present (Amara Bello)").tap()
    expect(row).to_contain_text("Saved on this phone, not sent yet")

    phone.context.set_offline(False)
    phone.goto("/outbox")
    expect(phone.get_by_text("Nothing is waiting")).to_be_visible()
    phone.goto("/register")
    expect(phone.locator(f"#mark-{amara.id}")).to_contain_text("Marked / Present (AM)")
