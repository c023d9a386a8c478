"""Signing in and out on a phone, and what each role lands on."""

import re

import pytest
from playwright.sync_api import expect

from ap_field.auth.models import Role
from tests.browser.conftest import sign_in
from tests.helpers import LANDING


@pytest.mark.parametrize("role", list(Role))
def test_each_role_signs_in_to_its_page_and_signs_out(phone, live_server, make_user, role):
    user = make_user(role)
    path, heading = LANDING[role]

    sign_in(phone, user.email)

    expect(phone).to_have_url(live_server.url + path)
    expect(phone.get_by_role("heading", level=1)).to_have_text(re.compile(heading))
    expect(phone.locator("footer")).to_contain_text(f"Signed in as {user.name}")
    no_sideways_scrolling(phone)

    phone.get_by_role("button", name="Sign out").tap()

    expect(phone).to_have_url(live_server.url + "/sign-in")
    expect(phone.get_by_role("alert")).to_contain_text("You have signed out")
    phone.goto(path)
    expect(phone).to_have_url(re.compile(r"/sign-in\?next="))


def test_a_teacher_gets_a_403_page_for_an_admin_page(phone, make_user, expected_errors):
    expected_errors.append(
        "Failed to load resource: the server responded with a status of 403 (FORBIDDEN)"
    )
    sign_in(phone, make_user(Role.TEACHER).email)
    response = phone.goto("/admin/users")
    assert response.status == 403
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "You do not have access to this page"
    )
    expect(phone.get_by_role("link", name="Go to your start page")).to_be_visible()


def test_a_wrong_password_is_explained_at_the_field_and_the_top(phone, make_user):
    user = make_user(Role.TEACHER)
    sign_in(phone, user.email, password="not-my-password")
    summary = phone.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Enter a correct email address and password")
    expect(phone.locator("#email-error")).to_be_visible()
    expect(phone.get_by_label("Email address")).to_have_value(user.email)
    summary.get_by_role("link").tap()
    expect(phone.get_by_label("Email address")).to_be_focused()


def test_htmx_is_loaded_with_the_safe_configuration(phone, make_user):
    sign_in(phone, make_user(Role.LEAD).email)
    config = phone.evaluate(
        "({allowEval: htmx.config.allowEval,"
        " indicatorStyles: htmx.config.includeIndicatorStyles,"
        " history: htmx.config.historyCacheSize,"
        " version: htmx.version,"
        " csrf: JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRFToken']})"
    )
    assert config["allowEval"] is False
    assert config["indicatorStyles"] is False
    assert config["history"] == 0
    assert config["version"].startswith("2.0.")
    assert len(config["csrf"]) > 20


def test_the_phone_can_install_the_app(phone, live_server):
    phone.goto("/sign-in")
    manifest_url = phone.locator("link[rel=manifest]").get_attribute("href")
    manifest = phone.evaluate(f"fetch('{manifest_url}').then(r => r.json())")
    assert manifest["display"] == "standalone"
    for icon in manifest["icons"]:
        response = phone.request.get(live_server.url + icon["src"])
        assert response.ok
        assert response.headers["content-type"] == "image/png"


def no_sideways_scrolling(page, screen: int = 390) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= screen, f"the page is {width}px wide on a {screen}px phone"
