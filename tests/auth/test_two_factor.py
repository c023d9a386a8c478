"""Two-factor sign-in: leads, administrators and DSLs set it up at their first sign-in and then
give a code after their password; a code counts once; recovery codes stand in for a lost
phone; an administrator can reset it."""

from datetime import timedelta

import pyotp
import pytest
import sqlalchemy as sa

from ap_field.audit.models import AuditEvent
from ap_field.auth.models import RecoveryCode, Role, SafeguardingRole, User
from ap_field.common.time import utcnow
from ap_field.extensions import db
from tests.helpers import PASSWORD, AuthActions, second_factor_code, text_of

WRONG_CODE = "Enter the code your authenticator app shows now, or an unused recovery code"


def give_password(client, user: User, path: str = "/sign-in"):
    return client.post(path, data={"email": user.email, "password": PASSWORD})


def key_on(page) -> str:
    return "".join(page.select_one("#authenticator-key").get_text().split())


def code_now(secret: str) -> str:
    return pyotp.TOTP(secret).at(utcnow())


def set_up_at_sign_in(client, client_request, user: User) -> list[str]:
    """The person's first sign-in with a second factor; the recovery codes it shows."""
    assert give_password(client, user).location == "/sign-in/set-up-two-factor"
    secret = key_on(client_request.get("/sign-in/set-up-two-factor"))
    page = client_request.post(
        "/sign-in/set-up-two-factor", {"code": code_now(secret)}, expected_status=200
    )
    return [code.get_text() for code in page.select("[data-recovery-codes] code")]


@pytest.fixture
def new_lead(make_user):
    """A lead who has never signed in, and so has no second factor yet."""
    return make_user(Role.LEAD, name="Lena Brooks", totp_secret=None)


def test_a_lead_sets_up_an_authenticator_at_their_first_sign_in(client, client_request, new_lead):
    assert give_password(client, new_lead).location == "/sign-in/set-up-two-factor"
    assert client.get("/programme").location.startswith("/sign-in"), "signed in too soon"

    page = client_request.get("/sign-in/set-up-two-factor")
    secret = key_on(page)
    assert page.select_one(".app-qr-code svg") is not None
    assert client_request.get("/sign-in/set-up-two-factor").select_one("#authenticator-key")
    assert key_on(client_request.get("/sign-in/set-up-two-factor")) == secret

    page = client_request.post(
        "/sign-in/set-up-two-factor", {"code": "000000"}, expected_status=200
    )
    assert "6-digit code your app shows now" in text_of(page, "#code-error")
    assert "6-digit code your app shows now" in text_of(page, ".govuk-error-summary")
    assert key_on(page) == secret
    assert client.get("/programme").location.startswith("/sign-in")

    page = client_request.post(
        "/sign-in/set-up-two-factor", {"code": code_now(secret)}, expected_status=200
    )
    codes = [code.get_text() for code in page.select("[data-recovery-codes] code")]
    assert len(codes) == 10 and len(set(codes)) == 10
    assert "only time ap-field shows them" in page.get_text()
    assert client.get("/programme").status_code == 200
    db.session.refresh(new_lead)
    assert new_lead.totp_secret == secret
    stored = db.session.scalars(
        sa.select(RecoveryCode.code_hash).where(RecoveryCode.user_id == new_lead.id)
    ).all()
    assert len(stored) == 10 and not set(stored) & set(codes), "codes are kept hashed"


def test_the_code_is_asked_after_the_password_and_counts_once(app, client, make_user):
    lead = make_user(Role.LEAD)
    assert give_password(client, lead).location == "/sign-in/code"
    assert client.get("/programme").location.startswith("/sign-in")
    code = pyotp.TOTP(lead.totp_secret).at(utcnow())

    assert client.post("/sign-in/code", data={"code": code}).location == "/programme"
    assert client.get("/programme").status_code == 200

    other_phone = app.test_client()
    give_password(other_phone, lead)
    replayed = other_phone.post("/sign-in/code", data={"code": code})
    assert replayed.status_code == 200
    assert WRONG_CODE in replayed.text
    assert other_phone.get("/programme").location.startswith("/sign-in")


def test_a_wrong_or_missing_code_says_so_beside_the_field(client, client_request, make_user):
    give_password(client, make_user(Role.ADMIN))
    page = client_request.post("/sign-in/code", {"code": ""}, expected_status=200)
    assert text_of(page, "#code-error") == "Error: Enter the code from your authenticator app"
    page = client_request.post("/sign-in/code", {"code": "123456"}, expected_status=200)
    assert text_of(page, "#code-error") == f"Error: {WRONG_CODE}"
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == ["#code"]


def test_a_recovery_code_signs_in_once(app, client, client_request, new_lead):
    codes = set_up_at_sign_in(client, client_request, new_lead)
    AuthActions(client).logout()

    give_password(client, new_lead)
    response = client.post("/sign-in/code", data={"code": codes[3].upper()})
    assert response.location == "/programme"
    page = client_request.get("/programme")
    assert "You used a recovery code. 9 are left." in text_of(page, ".govuk-notification-banner")

    other_phone = app.test_client()
    give_password(other_phone, new_lead)
    again = other_phone.post("/sign-in/code", data={"code": codes[3]})
    assert again.status_code == 200
    assert WRONG_CODE in again.text


def test_the_step_between_password_and_code_lasts_ten_minutes(client, clock, make_user):
    lead = make_user(Role.LEAD)
    started = clock(9, 0)
    give_password(client, lead)
    clock.set(started + timedelta(minutes=11))
    response = client.post("/sign-in/code", data={"code": second_factor_code(lead)})
    assert response.location == "/sign-in"
    assert client.get("/programme").location.startswith("/sign-in")


def test_guessing_codes_is_limited_like_guessing_passwords(client, make_user):
    lead = make_user(Role.LEAD)
    give_password(client, lead)
    for _ in range(5):
        assert client.post("/sign-in/code", data={"code": "000000"}).status_code == 200
    response = client.post("/sign-in/code", data={"code": second_factor_code(lead)})
    assert response.status_code == 429
    assert "Too many attempts" in response.text


@pytest.mark.parametrize("role", [Role.TEACHER, Role.ASSESSOR, Role.PARENT])
def test_others_sign_in_with_their_password_alone(client, make_user, role):
    response = give_password(client, make_user(role))
    assert response.location not in {"/sign-in/code", "/sign-in/set-up-two-factor"}


def test_a_dsl_of_any_staff_role_needs_a_second_factor(client, make_user):
    teacher = make_user(Role.TEACHER, safeguarding_role=SafeguardingRole.DEPUTY, totp_secret=None)
    assert give_password(client, teacher).location == "/sign-in/set-up-two-factor"


@pytest.mark.parametrize("role", [Role.TEACHER, Role.ASSESSOR])
def test_a_setting_asks_it_of_all_staff_and_not_of_parents(app, client, make_user, role):
    staff, parent = make_user(role), make_user(Role.PARENT)
    app.config["TWO_FACTOR_FOR_ALL_STAFF"] = True
    assert give_password(client, staff).location == "/sign-in/set-up-two-factor"
    parent_phone = app.test_client()
    assert give_password(parent_phone, parent).location == "/my-child"


def test_a_teacher_may_turn_it_on_and_off(client, client_request, make_user, auth):
    teacher = make_user(Role.TEACHER)
    auth.login(teacher)
    assert "Two-factor sign-in – off" in " ".join(client_request.get("/account").get_text().split())
    secret = key_on(client_request.get("/account/two-factor/set-up"))
    page = client_request.post(
        "/account/two-factor/set-up", {"code": code_now(secret)}, expected_status=200
    )
    assert len(page.select("[data-recovery-codes] code")) == 10
    auth.logout()
    assert give_password(client, teacher).location == "/sign-in/code"
    client.post("/sign-in/code", data={"code": second_factor_code(teacher)})

    client_request.post("/account/two-factor/turn-off", {})
    auth.logout()
    assert give_password(client, teacher).location == "/today"


def test_a_lead_cannot_turn_it_off(client, client_request, make_user, auth):
    lead = make_user(Role.LEAD)
    auth.login(lead)
    assert (
        client_request.get("/account/two-factor").select_one(
            "form[action='/account/two-factor/turn-off']"
        )
        is None
    )
    client_request.post("/account/two-factor/turn-off", {})
    page = client_request.get("/account/two-factor")
    assert "Your role needs two-factor sign-in, so it stays on." in page.get_text()
    db.session.refresh(lead)
    assert lead.has_two_factor


def test_new_recovery_codes_replace_the_old(app, client, client_request, new_lead):
    old = set_up_at_sign_in(client, client_request, new_lead)
    assert "You have 10 unused recovery codes" in text_of(
        client_request.get("/account/two-factor"), "[data-codes-left]"
    )
    page = client_request.post("/account/two-factor/recovery-codes", {}, expected_status=200)
    new = [code.get_text() for code in page.select("[data-recovery-codes] code")]
    assert len(new) == 10 and not set(new) & set(old)

    other_phone = app.test_client()
    give_password(other_phone, new_lead)
    assert WRONG_CODE in other_phone.post("/sign-in/code", data={"code": old[0]}).text
    assert other_phone.post("/sign-in/code", data={"code": new[0]}).location == "/programme"


def test_an_admin_resets_a_lost_second_factor(app, client, client_request, make_user, auth):
    lead = make_user(Role.LEAD, name="Lena Brooks")
    leads_phone = app.test_client()
    AuthActions(leads_phone).login(lead)
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    page = client_request.get(f"/admin/users/{lead.id}")
    assert "Reset two-factor sign-in" in page.get_text()

    client_request.post(f"/admin/users/{lead.id}/two-factor/reset", {})

    page = client_request.get(f"/admin/users/{lead.id}")
    assert "two-factor sign-in is reset and they are signed out everywhere" in page.get_text()
    assert leads_phone.get("/programme").location.startswith("/sign-in")
    assert give_password(app.test_client(), lead).location == "/sign-in/set-up-two-factor"
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.event == "account.two_factor_reset")
    )
    assert (event.actor_id, event.details) == (admin.id, {"user": lead.id, "name": lead.name})
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RecoveryCode)
            .where(RecoveryCode.user_id == lead.id)
        )
        == 0
    )


def test_the_code_step_and_set_up_send_a_stranger_back_to_sign_in(client):
    assert client.get("/sign-in/code").location == "/sign-in"
    assert client.get("/sign-in/set-up-two-factor").location == "/sign-in"
    assert client.post("/sign-in/passkey/options").status_code == 400
    assert client.post("/sign-in/passkey", data="{}").status_code == 400
