"""GOV.UK Frontend's behaviour on a phone: the menu folds behind one button while signing out
stays one tap away, without the page jumping as it loads, and a page with errors puts the
reader in its error summary, whose links go to each field's first input."""

from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from tests.browser.conftest import sign_in_by_requests


def test_the_menu_folds_behind_one_button_and_signing_out_stays_in_sight(phone: Page, make_user):
    lead = make_user(Role.LEAD)
    sign_in_by_requests(phone, lead.email)
    menu = phone.get_by_role("navigation", name="Menu")
    schools = menu.get_by_role("link", name="Schools")
    expect(schools).to_be_hidden()
    expect(phone.get_by_role("button", name="Sign out")).to_be_visible()
    header_height = phone.locator("header").bounding_box()["height"]
    assert header_height < 200, f"the menu takes {header_height} px of the first screen"

    menu.get_by_role("button", name="Menu").tap()
    expect(schools).to_be_visible()
    schools.tap()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Schools")


LAYOUT_SHIFTS = """() => new Promise((done) => {
  new PerformanceObserver((list, observer) => {
    observer.disconnect();
    done(list.getEntries().map((shift) => shift.value));
  }).observe({ type: "layout-shift", buffered: true });
  setTimeout(() => done([]), 1000);
})"""


def test_the_page_does_not_jump_as_the_menu_folds(phone: Page, make_user):
    teacher = make_user(Role.TEACHER)
    sign_in_by_requests(phone, teacher.email)
    phone.goto("/caseload")
    expect(phone.get_by_role("button", name="Menu")).to_be_visible()
    assert phone.evaluate(LAYOUT_SHIFTS) == []


def test_the_menu_is_shown_when_its_script_never_runs(new_phone, make_user, expected_errors):
    expected_errors.append("Failed to load resource: net::ERR_FAILED")
    phone = new_phone(service_workers="block")
    phone.route("**/static/build/every-page.js*", lambda route: route.abort())
    sign_in_by_requests(phone, make_user(Role.TEACHER).email)
    menu = phone.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Caseload")).to_be_visible()
    expect(menu.get_by_role("button", name="Menu")).to_be_hidden()


def test_the_error_summary_takes_focus_and_its_links_go_to_the_first_input(phone: Page, make_user):
    lead = make_user(Role.LEAD)
    sign_in_by_requests(phone, lead.email)
    phone.goto("/schools/new")
    phone.get_by_label("Name").fill("Hillcrest Academy")
    phone.get_by_role("button", name="Save school").tap()

    summary = phone.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    summary.get_by_role("link", name="Choose the school's phase").tap()
    expect(phone.get_by_label("Primary")).to_be_focused()
    expect(phone.get_by_label("Name")).to_have_value("Hillcrest Academy")
