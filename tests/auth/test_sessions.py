"""Signing out, changing a password and deactivation end sessions on the server."""

from ap_field.auth.models import Role
from ap_field.extensions import db
from tests.helpers import PASSWORD, AuthActions, text_of

NEW_PASSWORD = "lantern-orchard-pebble"
CHANGE_TO_NEW_PASSWORD = {
    "current_password": PASSWORD,
    "new_password": NEW_PASSWORD,
    "confirm_password": NEW_PASSWORD,
}


def test_signing_out_ends_this_devices_session_and_not_the_others(app, client, make_user, auth):
    user = make_user(Role.TEACHER)
    other_phone = app.test_client()
    AuthActions(other_phone).login(user, remember="y")
    auth.login(user, remember="y")
    remembered = client.get_cookie("ap_field_remember").value

    response = auth.logout()

    assert response.location == "/sign-in"
    assert client.get("/today").status_code == 302
    client.set_cookie("ap_field_remember", remembered)
    assert client.get("/today").status_code == 302, "the remember cookie still worked"
    assert other_phone.get("/today").status_code == 200


def test_sign_out_says_so(client, client_request, make_user, auth):
    auth.login(make_user(Role.TEACHER))
    auth.logout()
    page = client_request.get("/sign-in")
    assert "You have signed out" in text_of(page, ".govuk-notification-banner")


def test_sign_out_needs_a_post(client, make_user, auth):
    auth.login(make_user(Role.TEACHER))
    assert client.get("/sign-out").status_code == 405
    assert client.get("/today").status_code == 200


def test_changing_the_password_keeps_this_session_and_ends_the_others(app, client, make_user, auth):
    user = make_user(Role.LEAD)
    other_phone = app.test_client()
    AuthActions(other_phone).login(user)
    auth.login(user)

    response = client.post(
        "/account/password",
        data=CHANGE_TO_NEW_PASSWORD,
    )

    assert response.location == "/programme"
    assert client.get("/programme").status_code == 200
    assert other_phone.get("/programme").status_code == 302
    db.session.refresh(user)
    assert user.check_password(NEW_PASSWORD)


def test_a_remembered_session_survives_its_own_password_change(client, make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user, remember="y")
    client.post(
        "/account/password",
        data=CHANGE_TO_NEW_PASSWORD,
    )
    client.delete_cookie("ap_field_session")
    assert client.get("/today").location == "/lock?next=/today"
    new_password = CHANGE_TO_NEW_PASSWORD["new_password"]
    assert client.post("/lock?next=/today", data={"password": new_password}).location == "/today"
    assert client.get("/today").status_code == 200


def test_password_change_errors_keep_the_user_on_the_form(client_request, make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    page = client_request.post(
        "/account/password",
        {"current_password": "wrong", "new_password": "password123", "confirm_password": "x"},
        expected_status=200,
    )
    assert text_of(page, "#current_password-error") == (
        "Error: Your current password is not correct"
    )
    assert "at least 12 characters" in text_of(page, "#new_password-error")
    assert text_of(page, "#confirm_password-error") == "Error: The two passwords do not match"
    db.session.refresh(user)
    assert user.check_password(PASSWORD)


def test_a_leaked_password_is_refused(client_request, make_user, auth):
    auth.login(make_user(Role.TEACHER))
    page = client_request.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "Password123456!",
            "confirm_password": "Password123456!",
        },
        expected_status=200,
    )
    assert "leaked passwords" in text_of(page, "#new_password-error")


def test_signing_out_deletes_the_remember_cookie_from_the_phone(client, make_user, auth):
    auth.login(make_user(Role.TEACHER), remember="y")
    assert client.get_cookie("ap_field_remember") is not None
    auth.logout()
    assert client.get_cookie("ap_field_remember") is None


def test_signing_in_starts_a_new_session(client, client_request, make_user, auth):
    """Nothing from before sign-in, such as the sign-in form's CSRF secret, carries over."""
    client_request.get("/sign-in")
    with client.session_transaction() as before:
        before["planted"] = "by someone else"
    auth.login(make_user(Role.TEACHER))
    with client.session_transaction() as after:
        assert "planted" not in after


def test_a_password_change_does_not_start_remembering_a_phone_that_did_not_ask(
    client, make_user, auth
):
    user = make_user(Role.TEACHER)
    auth.login(user)
    client.set_cookie("ap_field_remember", "left-over-from-an-old-session")
    client.post(
        "/account/password",
        data=CHANGE_TO_NEW_PASSWORD,
    )
    assert client.get_cookie("ap_field_remember").value == "left-over-from-an-old-session"


def test_an_admin_sets_a_new_password_and_ends_the_persons_sessions(
    app, client, client_request, make_user, auth
):
    teacher = make_user(Role.TEACHER, name="Tom Okafor")
    phone = app.test_client()
    AuthActions(phone).login(teacher)
    auth.login(make_user(Role.ADMIN))

    page = client_request.post(
        f"/admin/users/{teacher.id}/password",
        {"new_password": "tom", "confirm_password": "tom"},
        expected_status=200,
    )
    assert "at least 12 characters" in text_of(page, "#new_password-error")
    assert page.select_one("#name")["value"] == "Tom Okafor"

    client_request.post(
        f"/admin/users/{teacher.id}/password",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert phone.get("/today").status_code == 302
    assert AuthActions(phone).login(teacher, NEW_PASSWORD).status_code == 302
