"""Every control a finger aims at is at least 24 by 24 CSS pixels (WCAG 2.2, 2.5.8), and the
main actions 44: measured in a phone's browser on the pages people use most. A sweep over
pages rather than databases: it runs in the SQLite half only."""

from datetime import date

import pytest
from playwright.sync_api import Page

from ap_field.auth.models import Role
from ap_field.parents.services import link_parent
from ap_field.pupils.services import assign
from tests.browser.conftest import PAGE_SWEEP, sign_in_by_requests
from tests.helpers import write_demo_plan

pytestmark = PAGE_SWEEP

MINIMUM = 24
MAIN_ACTION = 44

# Every control that is not a link inside a sentence (which 2.5.8 lets the text's line set).
SMALL_CONTROLS = """
() => {
  const controls = "a, button, input:not([type=hidden]), select, textarea, summary, "
    + "label.govuk-checkboxes__label, label.govuk-radios__label";
  const size = (el) => el.getBoundingClientRect();
  const inSentence = (el) => el.matches("a")
    && el.closest("p, dd, td, .govuk-hint, .govuk-inset-text, .govuk-body")
    && !el.closest(".govuk-button-group, .app-actions")
    && el.parentElement.textContent.replace(el.textContent, "").trim().length > 0;
  return [...document.querySelectorAll(controls)]
    .filter((el) => size(el).width > 1 && size(el).height > 1)
    .filter((el) => getComputedStyle(el).visibility !== "hidden" && !inSentence(el))
    .filter((el) => size(el).width < 24 || size(el).height < 24)
    .map((el) => {
      const name = (el.textContent || el.name || el.id).trim().slice(0, 40);
      return `${el.tagName.toLowerCase()} "${name}" ${size(el).width}x${size(el).height}`;
    });
}
"""
MAIN_ACTIONS = """
() => [...document.querySelectorAll("main .govuk-button")]
  .filter((el) => el.getBoundingClientRect().height)
  .filter((el) => el.getBoundingClientRect().height < 44)
  .map((el) => `"${el.textContent.trim().slice(0, 40)}" ${el.getBoundingClientRect().height}`)
"""


@pytest.fixture
def accounts(make_user, make_pupil, clock) -> dict[Role, tuple[str, int]]:
    """A teacher's block of two with plans and timetables, one with a parent; and a lead."""
    clock(9, 5, on=date(2026, 11, 18))
    teacher, lead, parent = make_user(Role.TEACHER), make_user(Role.LEAD), make_user(Role.PARENT)
    pupils = [make_pupil(legal_name=name) for name in ("Amara Bello", "Ben Carter")]
    for pupil in pupils:
        assign(pupil, teacher, lead, on=date(2026, 9, 1))
        write_demo_plan(pupil, lead, starts_on=date(2026, 9, 7))
    link_parent(pupils[0], parent, "Mother", may_confirm=True)
    pupil = pupils[0].id
    return {
        Role.TEACHER: (teacher.email, pupil),
        Role.LEAD: (lead.email, pupil),
        Role.PARENT: (parent.email, pupil),
    }


@pytest.mark.parametrize(
    "role, path",
    [
        (Role.TEACHER, "/today"),
        (Role.TEACHER, "/register"),
        (Role.TEACHER, "/pupils/{pupil}/timetable"),
        (Role.TEACHER, "/pupils/{pupil}"),
        (Role.LEAD, "/programme"),
        (Role.LEAD, "/pupils"),
        (Role.PARENT, "/my-child"),
    ],
)
def test_no_control_is_too_small_to_tap(phone: Page, accounts, role, path):
    email, pupil_id = accounts[role]
    sign_in_by_requests(phone, email)
    phone.goto(path.format(pupil=pupil_id))
    assert phone.evaluate(SMALL_CONTROLS) == []
    assert phone.evaluate(MAIN_ACTIONS) == []
