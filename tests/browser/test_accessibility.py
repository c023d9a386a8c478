"""Every page, as each role that can reach it, checked with axe-core against WCAG 2.2 AA and
for sideways scrolling (WCAG 1.4.10, reflow) at 320, 390 and 1280 px wide, on the demo
programme. A sweep over pages rather than databases: it runs in the SQLite half only."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from playwright.sync_api import Page

from ap_field.auth.models import Role, User
from ap_field.common.access import PUBLIC, access_rule, needs_dsl
from ap_field.demo import DEMO_PASSWORD, seed_demo
from ap_field.extensions import db, limiter
from ap_field.parents.models import ParentLink
from ap_field.pupils.models import Pupil
from tests.browser.conftest import PAGE_SWEEP, sign_in_by_requests
from tests.common.test_query_strings import records_to_ask_about
from tests.transactions import empty_tables

pytestmark = PAGE_SWEEP

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text()
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
NARROW, PHONE_WIDTH, WIDE = 320, 390, 1280
# Answers that are not pages: files, fragments htmx swaps in, and what scripts ask for.
NOT_PAGES = {
    "static",
    "pwa.manifest",
    "pwa.service_worker",
    "pwa.health",
    "sync.token",
    "photos.show",
    "photos.thumbnail",
    "attendance.export",
    "reports.subject_access",
    "safeguarding.chronology_pdf",
    "premises.report_pdf",
    "premises.signature",
    "pupils.results",
    "pupils.nc_year",
    "plans.timetable_total",
}
DEMO_ACCOUNTS = {
    Role.ADMIN: "admin@example.org",
    Role.LEAD: "lead@example.org",
    Role.TEACHER: "teacher1@example.org",
    Role.ASSESSOR: "assessor@example.org",
    Role.PARENT: "parent1@example.org",
    Role.SCHOOL: "school@example.org",
}
RUN_AXE = """
async (tags) => {
  const results = await axe.run(document, {
    runOnly: { type: "tag", values: tags },
    resultTypes: ["violations"],
  });
  const where = (v) => v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(", ");
  return results.violations.map((v) => `${v.id} (${v.impact}): ${where(v)}`);
}
"""
# A phone's browser widens its layout to fit what overflows, so the page is measured against
# the screen's own width, not the layout's.
SIDEWAYS = "(width) => document.documentElement.scrollWidth > width"
# An image with no text alternative, and a block wider than a phone.
MADE_TO_FAIL = """
() => {
  const image = document.createElement("img");
  image.src = "/static/icons/favicon.png";
  const wide = document.createElement("div");
  wide.style.width = "600px";
  wide.textContent = "wide";
  document.querySelector("main").append(image, wide);
}
"""


def pages_of(app: Flask, user: User, ids: dict[str, int]) -> list[str]:
    """The pages `user` may open, their ids filled in from the demo programme."""
    paths = []
    for rule in app.url_map.iter_rules():
        rule_of = access_rule(app, rule.endpoint)
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule_of in (PUBLIC, None):
            continue
        if user.role not in rule_of or (needs_dsl(app, rule.endpoint) and not user.is_dsl):
            continue
        if any(ids.get(argument) is None for argument in rule.arguments):
            continue  # the demo has no such record (a passkey, a device)
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", str(ids[argument]))
        paths.append(path)
    return sorted(paths)


def problems_at(page: Page, path: str) -> list[str]:
    """What axe finds at each width, and sideways scrolling at each."""
    found = []
    if page.request.get(path).status != 200:
        return []  # not a page for this record (a concern another teacher recorded, say)
    page.set_viewport_size({"width": NARROW, "height": 800})
    page.goto(path)
    if not page.locator("main").count():
        return []
    for width in (NARROW, PHONE_WIDTH, WIDE):
        page.set_viewport_size({"width": width, "height": 800})
        if page.evaluate(SIDEWAYS, width):
            found.append(f"{path} at {width} px: scrolls sideways")
        found += [f"{path} at {width} px: {v}" for v in page.evaluate(RUN_AXE, WCAG_22_AA)]
    return found


@pytest.fixture(scope="module")
def demo_programme(committing_app, live_server):
    """The demo programme, seeded once for the sweeps, which only read it, and emptied after
    them."""
    with committing_app.app_context():
        seed_demo()
        yield
        empty_tables()


@pytest.fixture
def app(demo_programme, committing_app):
    """The app as the conftest's, on the module's demo programme, which stays between tests."""
    with committing_app.app_context():
        yield committing_app
    limiter.reset()


def test_the_sweep_finds_a_violation_and_sideways_scrolling(phone: Page, live_server):
    """The check itself: a page made to break both rules is caught."""
    phone.set_viewport_size({"width": NARROW, "height": 800})
    phone.goto("/sign-in")
    phone.evaluate(AXE)
    phone.evaluate(MADE_TO_FAIL)
    assert any(v.startswith("image-alt") for v in phone.evaluate(RUN_AXE, WCAG_22_AA))
    assert phone.evaluate(SIDEWAYS, NARROW)


@pytest.mark.parametrize("role", list(Role))
def test_every_page_meets_wcag_22_aa_and_reflows(phone: Page, live_server, app, role):
    ids = records_to_ask_about()
    user = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[role]))
    if role == Role.PARENT:
        ids["pupil_id"] = user_pupil(user)
    if role == Role.SCHOOL:
        ids["pupil_id"] = db.session.scalar(
            sa.select(Pupil.id).where(Pupil.school_id == user.school_id).limit(1)
        )
    phone.context.add_init_script(AXE)
    sign_in_by_requests(phone, user.email, DEMO_PASSWORD)
    paths = pages_of(live_server.app, user, ids)
    if role == Role.ADMIN:
        # The lead's pages are the admin's too, drawn alike: the admin's own are left.
        lead = db.session.scalar(sa.select(User).where(User.email == DEMO_ACCOUNTS[Role.LEAD]))
        paths = [path for path in paths if path not in pages_of(live_server.app, lead, ids)]
    problems = []
    for path in paths:
        problems += problems_at(phone, path)
    assert problems == [], "\n".join(problems)


def user_pupil(parent: User) -> int:
    return db.session.scalar(
        sa.select(ParentLink.pupil_id).where(ParentLink.parent_id == parent.id).limit(1)
    )
