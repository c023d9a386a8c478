"""Two-factor sign-in in Chromium at phone size: setting up an authenticator at the first
sign-in, a recovery code that works once, and a passkey through Chromium's virtual
authenticator, on the sign-in page and on the idle lock."""

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from ap_field.auth.models import Role
from ap_field.common.time import utcnow
from tests.browser.conftest import pass_second_factor
from tests.browser.test_drafts import sign_out
from tests.helpers import PASSWORD, second_factor_code

WRONG_CODE = "Enter the code your authenticator app shows now, or an unused recovery code"


def give_password(page: Page, email: str) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    with page.expect_navigation():
        page.get_by_role("button", name="Sign in").tap()


def give_code(page: Page, code: str) -> None:
    page.get_by_label("Code", exact=True).fill(code)
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").tap()


def test_a_lead_sets_up_an_authenticator_and_a_recovery_code_works_once(phone, make_user):
    lead = make_user(Role.LEAD, totp_secret=None)
    give_password(phone, lead.email)

    expect(phone.get_by_role("heading", name="Set up two-factor sign-in")).to_be_visible()
    expect(phone.locator(".app-qr-code svg")).to_be_visible()
    secret = "".join(phone.locator("#authenticator-key").inner_text().split())
    phone.get_by_label("Code from the app").fill(pyotp.TOTP(secret).at(utcnow()))
    with phone.expect_navigation():
        phone.get_by_role("button", name="Turn on two-factor sign-in").tap()
    codes = phone.locator("[data-recovery-codes] code").all_inner_texts()
    assert len(codes) == 10
    with phone.expect_navigation():
        phone.get_by_role("link", name="I have kept my codes").tap()
    expect(phone.get_by_role("heading", name="Programme", exact=True)).to_be_visible()
    sign_out(phone)

    give_password(phone, lead.email)
    give_code(phone, codes[0])
    expect(phone.get_by_role("region")).to_contain_text("You used a recovery code. 9 are left.")
    sign_out(phone)

    give_password(phone, lead.email)
    give_code(phone, codes[0])
    expect(phone.locator("#code-error")).to_contain_text(WRONG_CODE)
    give_code(phone, second_factor_code(lead))
    expect(phone.get_by_role("heading", name="Programme", exact=True)).to_be_visible()


@pytest.fixture
def phone_with_a_passkey(new_phone, live_server) -> Page:
    """A phone with a platform authenticator that verifies its person, on `localhost`: a
    passkey belongs to a domain, never to an IP address."""
    page = new_phone(base_url=live_server.url.replace("127.0.0.1", "localhost"))
    devtools = page.context.new_cdp_session(page)
    devtools.send("WebAuthn.enable")
    devtools.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return page


def test_a_passkey_signs_in_and_opens_the_idle_lock(
    phone_with_a_passkey, make_user, live_server, clock, monkeypatch
):
    monkeypatch.setitem(live_server.app.config, "IDLE_LOCK_MINUTES", 15)
    signed_in_at = clock(9)
    phone = phone_with_a_passkey
    lead = make_user(Role.LEAD)
    give_password(phone, lead.email)
    pass_second_factor(phone, lead.email)
    phone.goto("/account/two-factor")
    phone.get_by_label("Name for a new passkey").fill("Work phone")
    with phone.expect_navigation():
        phone.get_by_role("button", name="Add a passkey on this phone").tap()
    expect(phone.get_by_role("alert")).to_contain_text("Passkey “Work phone” added")
    sign_out(phone)

    give_password(phone, lead.email)
    with phone.expect_navigation(url="**/programme"):
        phone.get_by_role("button", name="Use your passkey").tap()
    expect(phone.get_by_role("heading", name="Programme", exact=True)).to_be_visible()

    clock.set(signed_in_at + timedelta(minutes=40))
    phone.goto("/pupils")
    expect(phone.get_by_role("heading", name="ap-field is locked")).to_be_visible()
    with phone.expect_navigation(url="**/pupils"):
        phone.get_by_role("button", name="Unlock with your passkey").tap()
    expect(phone.get_by_role("heading", name="Pupils", exact=True)).to_be_visible()
