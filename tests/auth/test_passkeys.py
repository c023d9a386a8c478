"""Passkeys: a person with two-factor sign-in adds one, and it stands in for the code after the
password and for the password on the lock screen. Each answer counts once."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.auth.models import Passkey, Role
from ap_field.extensions import db
from tests.auth.soft_authenticator import SoftAuthenticator, b64url
from tests.helpers import PASSWORD, AuthActions, text_of

REFUSED = "That passkey was not accepted. Try again, or use a code."


@pytest.fixture
def app_config() -> dict:
    return {"IDLE_LOCK_MINUTES": 15}


def add_passkey(client, authenticator: SoftAuthenticator, name: str = "My work phone"):
    options = client.post("/account/passkeys/options").get_json()
    return client.post(
        "/account/passkeys", json={"credential": authenticator.create(options), "name": name}
    )


def answer_challenge(client, authenticator: SoftAuthenticator, path: str):
    options = client.post(f"{path}/options").get_json()
    return client.post(path, json={"credential": authenticator.get(options)})


@pytest.fixture
def lead_with_passkey(client, make_user, auth):
    """A lead who added a passkey on `client` and signed out; the passkey."""
    lead = make_user(Role.LEAD, name="Lena Brooks")
    auth.login(lead)
    authenticator = SoftAuthenticator()
    assert add_passkey(client, authenticator).get_json() == {"redirect": "/account/two-factor"}
    auth.logout()
    return lead, authenticator


def test_a_lead_adds_a_passkey_and_sees_it_listed(client, client_request, make_user, auth):
    auth.login(make_user(Role.LEAD))
    add_passkey(client, SoftAuthenticator(), name="Pixel in the blue case")
    page = client_request.get("/account/two-factor")
    assert "Passkey “Pixel in the blue case” added" in text_of(page, ".govuk-notification-banner")
    assert "Pixel in the blue case" in text_of(page, "[data-passkeys]")


def test_the_options_ask_the_phone_to_verify_the_person(client, make_user, auth):
    auth.login(make_user(Role.LEAD))
    options = client.post("/account/passkeys/options").get_json()
    assert options["rp"] == {"id": "localhost", "name": "ap-field"}
    assert options["authenticatorSelection"]["userVerification"] == "required"


def test_a_passkey_stands_in_for_the_code(client, client_request, lead_with_passkey):
    lead, authenticator = lead_with_passkey
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    page = client_request.get("/sign-in/code")
    assert page.select_one("[data-passkey='get']") is not None

    answer = answer_challenge(client, authenticator, "/sign-in/passkey")

    assert answer.get_json() == {"redirect": "/programme"}
    assert client.get("/programme").status_code == 200
    passkey = db.session.scalar(sa.select(Passkey).where(Passkey.user_id == lead.id))
    assert passkey.sign_count == 1
    assert passkey.last_used_at is not None


def test_an_answer_counts_once(app, client, lead_with_passkey):
    lead, authenticator = lead_with_passkey
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    options = client.post("/sign-in/passkey/options").get_json()
    answer = authenticator.get(options)
    assert client.post("/sign-in/passkey", json={"credential": answer}).status_code == 200
    AuthActions(client).logout()

    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    client.post("/sign-in/passkey/options")
    replayed = client.post("/sign-in/passkey", json={"credential": answer})
    assert replayed.status_code == 400
    assert replayed.get_json() == {"error": REFUSED}
    assert client.get("/programme").location.startswith("/sign-in")


def test_someone_elses_passkey_is_refused(app, client, lead_with_passkey, make_user):
    _, authenticator = lead_with_passkey
    admin = make_user(Role.ADMIN)
    client.post("/sign-in", data={"email": admin.email, "password": PASSWORD})
    answer = answer_challenge(client, authenticator, "/sign-in/passkey")
    assert answer.status_code == 400
    assert client.get("/programme").location.startswith("/sign-in")


def test_a_passkey_needs_the_password_first(client, lead_with_passkey):
    _, authenticator = lead_with_passkey
    assert client.post("/sign-in/passkey/options").status_code == 400
    answer = authenticator.get({"challenge": b64url(b"a challenge ap-field never made")})
    assert client.post("/sign-in/passkey", json={"credential": answer}).status_code == 400
    assert client.get("/programme").location.startswith("/sign-in")


@pytest.mark.parametrize("body", ["not json", "[]", '{"credential": "x"}', '{"credential": {}}'])
def test_a_malformed_answer_is_refused_not_an_error(client, lead_with_passkey, body):
    lead, _ = lead_with_passkey
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    client.post("/sign-in/passkey/options")
    answer = client.post("/sign-in/passkey", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert answer.get_json() == {"error": REFUSED}


def test_the_idle_lock_opens_with_the_passkey(client, clock, lead_with_passkey):
    lead, authenticator = lead_with_passkey
    started = clock(9, 0)
    AuthActions(client).login(lead)
    clock.set(started + timedelta(minutes=20))
    assert client.get("/programme").location == "/lock?next=/programme"
    page = client.get("/lock?next=/programme").text
    assert "Unlock with your passkey" in page

    answer = answer_challenge(client, authenticator, "/lock/passkey")

    assert answer.get_json() == {"redirect": "/programme"}
    assert client.get("/programme").status_code == 200


def test_removing_a_passkey(client, client_request, lead_with_passkey):
    lead, authenticator = lead_with_passkey
    AuthActions(client).login(lead)
    passkey = db.session.scalar(sa.select(Passkey.id).where(Passkey.user_id == lead.id))
    client_request.post(f"/account/passkeys/{passkey}/remove", {})
    assert "You have no passkeys." in client_request.get("/account/two-factor").get_text()
    AuthActions(client).logout()
    client.post("/sign-in", data={"email": lead.email, "password": PASSWORD})
    assert answer_challenge(client, authenticator, "/sign-in/passkey").status_code == 400


def test_an_admins_reset_removes_the_passkeys(client, lead_with_passkey, make_user, auth):
    lead, _ = lead_with_passkey
    auth.login(make_user(Role.ADMIN))
    client.post(f"/admin/users/{lead.id}/two-factor/reset")
    assert db.session.scalar(sa.select(Passkey).where(Passkey.user_id == lead.id)) is None
