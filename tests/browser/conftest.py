"""A live ap-field on loopback and a phone-sized Chromium driven by Playwright."""

import os
import re
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pyotp
import pytest
import sqlalchemy as sa
from bs4 import BeautifulSoup
from flask import Flask
from playwright.sync_api import APIResponse, Page, expect, sync_playwright
from werkzeug.serving import make_server

from ap_field import create_app
from ap_field.auth.models import User
from ap_field.common.time import utcnow
from ap_field.extensions import db
from tests.helpers import PASSWORD, config_for_tests, second_factor_code
from tests.push.conftest import TEST_KEY
from tests.push.helpers import push_service_on_loopback

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Sweeps that test pages, not databases (axe, reflow, tap targets, fault seeds), run in the
# SQLite half of the suite only.
PAGE_SWEEP = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="a sweep over pages: SQLite half only"
)
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


def pytest_collection_modifyitems(items):
    """Every test here drives the browser, against a server that must see what it commits."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.real_commits)


@dataclass
class LiveServer:
    app: Flask
    url: str


def closing_bodies(app: Flask):
    """The app, with each response body closed however its request ends. Werkzeug's
    development server skips the close when the browser drops the connection (a page
    closed while its icon was loading), which leaves a static file open."""

    def serve(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            body.close()

    return serve


@pytest.fixture(scope="session")
def live_server(migrated, smtp_server):
    """The app with CSRF on, as in production, served from a thread on a free port, sending
    its mail to the tests' SMTP server."""
    app = create_app(config_for_tests(migrated, smtp_port=smtp_server.port, WTF_CSRF_ENABLED=True))
    server = make_server("127.0.0.1", 0, closing_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield LiveServer(app, f"http://127.0.0.1:{server.server_port}")
    server.shutdown()
    thread.join()
    with app.app_context():
        db.engine.dispose()


def chromium_executable(push: bool = False) -> str | None:
    """Debian's Chromium. Its headless shell, where installed, is the same engine built without
    the browser around it, and needs about half the processor time; it has no Push API, so
    a phone that takes reminders is the full browser. None: Playwright's own build."""
    shell = None if push else shutil.which("chromium-headless-shell")
    return shell or shutil.which("chromium")


def _launch(playwright, push: bool):
    return playwright.chromium.launch(executable_path=chromium_executable(push), args=CHROMIUM_ARGS)


@pytest.fixture(scope="session")
def playwright():
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright):
    """The phones' browser: see `chromium_executable`."""
    browser = _launch(playwright, push=False)
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def push_browser(playwright):
    """The browser of the phones that take push reminders (tests asking for `push_ready`)."""
    browser = _launch(playwright, push=True)
    yield browser
    browser.close()


# The outbox's final answers to a write, which the page then shows (docs/architecture.md,
# "The offline protocol"); the browser logs every 4xx answer to a fetch as an error.
PROTOCOL_ANSWERS = [
    f"Failed to load resource: the server responded with a status of {answer}"
    for answer in ("409 (CONFLICT)", "422 (UNPROCESSABLE ENTITY)")
]


@pytest.fixture
def expected_errors() -> list[str]:
    """Console errors a test expects, such as the load error of a page it knows is a 403."""
    return []


@pytest.fixture
def new_phone(request, live_server, app, expected_errors):
    """Opens a phone (a fresh browser context); after the test, no page may have logged an
    error, a failed load or a Content-Security-Policy violation it did not expect."""
    push = "push_ready" in request.fixturenames
    browser = request.getfixturevalue("push_browser" if push else "browser")
    contexts, problems = [], []

    def open_phone(**options) -> Page:
        context = browser.new_context(**{"base_url": live_server.url, **PHONE, **options})
        contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: message.type == "error" and problems.append(message.text),
        )
        page.on("pageerror", lambda error: problems.append(str(error)))
        return page

    yield open_phone
    for context in contexts:
        context.close()
    expected = [*expected_errors, *PROTOCOL_ANSWERS]
    assert [problem for problem in problems if problem not in expected] == []


@pytest.fixture
def phone(new_phone) -> Page:
    return new_phone()


@pytest.fixture
def push_ready(live_server):
    """Push turned on for the served app, with the tests' VAPID key."""
    live_server.app.config["VAPID_PRIVATE_KEY"] = TEST_KEY
    yield
    live_server.app.config["VAPID_PRIVATE_KEY"] = None


@pytest.fixture
def push_service():
    """A push service of our own on loopback, which the served app may post to."""
    with push_service_on_loopback() as service:
        yield service


def open_from_menu(page: Page, name: str) -> None:
    """Opens one of the menu's pages, unfolding the menu first where the screen folds it."""
    menu = page.get_by_role("navigation", name="Menu")
    toggle = menu.get_by_role("button", name="Menu")
    if toggle.is_visible():
        toggle.tap()
    menu.get_by_role("link", name=name).tap()


def sign_in(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").tap()
    pass_second_factor(page, email)


def sign_in_by_requests(page: Page, email: str, password: str = PASSWORD) -> None:
    """Signs in through the same forms as `sign_in`, sent by the page's own requests (whose
    cookies are the page's) instead of typed into drawn pages, then opens the person's first
    page: for tests about what comes after signing in, which need not draw the sign-in pages."""
    answer = _send_form(page, page.request.get("/sign-in"), email=email, password=password)
    step = urlsplit(answer.url).path
    if step == "/sign-in/set-up-two-factor":
        secret = "".join(_page_of(answer).select_one("#authenticator-key").get_text().split())
        answer = _send_form(page, answer, code=pyotp.TOTP(secret).at(utcnow()))
        first_page = _page_of(answer).find("a", string=re.compile("I have kept my codes"))["href"]
    else:
        if step == "/sign-in/code":
            user = db.session.scalar(sa.select(User).where(User.email == email))
            answer = _send_form(page, answer, code=second_factor_code(user))
        assert answer.ok and not urlsplit(answer.url).path.startswith("/sign-in"), answer.url
        first_page = answer.url
    page.goto(first_page)
    wait_for_the_service_worker(page)


def wait_for_the_service_worker(page: Page) -> None:
    """Waits until the service worker the page registered is installed and active, so that a
    test taking the signal away next does not cut its install short (which the page would
    log as an error). A phone whose context blocks service workers has none to wait for."""
    page.evaluate(
        """async () => {
          if (await navigator.serviceWorker.getRegistration()) await navigator.serviceWorker.ready;
        }"""
    )


def _page_of(answer: APIResponse) -> BeautifulSoup:
    return BeautifulSoup(answer.text(), "html.parser")


def _send_form(page: Page, form_page: APIResponse, **fields) -> APIResponse:
    """Posts the form on `form_page` with its CSRF token and `fields`, following redirects."""
    token = _page_of(form_page).select_one("input[name=csrf_token]")["value"]
    return page.request.post(form_page.url, form={"csrf_token": token, **fields})


def mark_the_photo(phone: Page) -> None:
    """Draws an arrow on the chosen photo in the editor that opens for it, each step of the
    finger placed on the canvas where it is at that moment, and waits for the marked copy."""
    canvas = phone.locator("[data-annotate-canvas]")
    expect(canvas).to_be_visible()
    expect(canvas).not_to_have_js_property("width", 300)  # the photo is drawn on it
    box = canvas.bounding_box()
    canvas.hover(position={"x": box["width"] * 0.2, "y": box["height"] * 0.8})
    phone.mouse.down()
    box = canvas.bounding_box()
    canvas.hover(position={"x": box["width"] * 0.4, "y": box["height"] * 0.55})
    canvas.hover(position={"x": box["width"] * 0.6, "y": box["height"] * 0.3})
    phone.mouse.up()
    marked = phone.locator("[data-annotated-input]")
    for _ in range(100):
        if marked.evaluate("input => input.files.length") == 1:
            return
        phone.wait_for_timeout(100)
    state = canvas.evaluate(
        "c => ({width: c.width, shown: c.getBoundingClientRect().width,"
        " hidden: c.closest('[data-annotate]').hidden})"
    )
    raise AssertionError(f"the marked copy was not made: {state}")


def sign_with_a_finger(page: Page, canvas_id: str, strokes: int = 5) -> None:
    """Draws a zigzag of `strokes` across a signature pad, as a finger would."""
    canvas = page.locator(f"#{canvas_id}")
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    page.mouse.move(box["x"] + 20, box["y"] + box["height"] * 0.7)
    page.mouse.down()
    for step in range(1, strokes + 1):
        x = box["x"] + 20 + step * (box["width"] - 40) / strokes
        page.mouse.move(x, box["y"] + box["height"] * (0.3 if step % 2 else 0.7))
    page.mouse.up()


def sign_the_check(page: Page, representative: str = "Dee Okafor") -> None:
    """The competent person's and the provider's representative's signatures at sign-off."""
    sign_with_a_finger(page, "assessor_signature")
    page.get_by_label("Name of the provider's representative").fill(representative)
    sign_with_a_finger(page, "provider_signature", strokes=3)


def pass_second_factor(page: Page, email: str) -> None:
    """After the password: the second factor, where the account has one, or setting one up
    with the key the page shows, where it must."""
    step = urlsplit(page.url).path
    if step == "/sign-in/set-up-two-factor":
        secret = "".join(page.locator("#authenticator-key").inner_text().split())
        page.get_by_label("Code from the app").fill(pyotp.TOTP(secret).at(utcnow()))
        with page.expect_navigation():
            page.get_by_role("button", name="Turn on two-factor sign-in").tap()
        with page.expect_navigation():
            page.get_by_role("link", name="I have kept my codes").tap()
    elif step == "/sign-in/code":
        user = db.session.scalar(sa.select(User).where(User.email == email))
        page.get_by_label("Code", exact=True).fill(second_factor_code(user))
        with page.expect_navigation():
            page.get_by_role("button", name="Continue").tap()
