from ap_field.auth.models import Role, User
from ap_field.extensions import db
from tests.helpers import PASSWORD, AuthActions, text_of

NEW_PASSWORD = "harbour-violet-candle"


def test_an_admin_creates_an_account_that_can_sign_in(app, client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    response = client_request.post(
        "/admin/users/new",
        {
            "name": "Priya Shah",
            "email": "Priya.Shah@example.org",
            "role": "assessor",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
    )
    assert response.location == "/admin/users"
    page = client_request.get("/admin/users")
    assert "Account created for Priya Shah" in text_of(page, ".govuk-notification-banner")

    phone = app.test_client()
    response = phone.post(
        "/sign-in", data={"email": "priya.shah@example.org", "password": NEW_PASSWORD}
    )
    assert response.location == "/site-checks"


def test_bad_input_is_explained_and_kept_and_nothing_is_saved(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    make_user(Role.TEACHER, email="taken@example.org")
    before = db.session.scalar(db.select(db.func.count()).select_from(User))

    page = client_request.post(
        "/admin/users/new",
        {
            "name": "  Tom Okafor ",
            "email": "taken@example.org",
            "role": "",
            "new_password": "short",
            "confirm_password": "short",
        },
        expected_status=200,
    )

    summary = [a.get_text() for a in page.select(".govuk-error-summary a")]
    assert summary == [
        "There is already an account with this email address",
        "Choose a role",
        "Password must be at least 12 characters. Three random words work well.",
    ]
    assert [a["href"] for a in page.select(".govuk-error-summary a")] == [
        "#email",
        "#role-0",
        "#new_password",
    ]
    assert page.select_one("#role-0").name == "input", "a group's link goes to its first option"
    assert page.select_one("#name")["value"] == "Tom Okafor"
    assert page.select_one("#email")["value"] == "taken@example.org"
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == before


def test_a_malformed_email_is_refused(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    page = client_request.post(
        "/admin/users/new",
        {
            "name": "Someone",
            "email": "not-an-email",
            "role": "teacher",
            "new_password": NEW_PASSWORD,
            "confirm_password": NEW_PASSWORD,
        },
        expected_status=200,
    )
    assert "correct format" in text_of(page, "#email-error")


def test_an_admin_changes_a_role(client_request, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    person = make_user(Role.TEACHER)
    client_request.post(
        f"/admin/users/{person.id}",
        {"name": person.name, "email": person.email, "role": "lead"},
    )
    db.session.refresh(person)
    assert person.role == Role.LEAD


def test_deactivation_signs_the_user_out_everywhere_at_once(app, client, make_user, auth):
    teacher = make_user(Role.TEACHER)
    phone = app.test_client()
    AuthActions(phone).login(teacher, remember="y")
    assert phone.get("/today").status_code == 200

    auth.login(make_user(Role.ADMIN))
    response = client.post(f"/admin/users/{teacher.id}/deactivate")

    assert response.location == "/admin/users"
    assert phone.get("/today").status_code == 302
    phone.delete_cookie("ap_field_session")
    assert phone.get("/today").status_code == 302
    assert AuthActions(phone).login(teacher).status_code == 200


def test_a_reactivated_user_can_sign_in_again(app, client, make_user, auth):
    teacher = make_user(Role.TEACHER, active=False)
    auth.login(make_user(Role.ADMIN))
    client.post(f"/admin/users/{teacher.id}/reactivate")
    assert AuthActions(app.test_client()).login(teacher, PASSWORD).status_code == 302


def test_an_admin_cannot_lock_themselves_out(client, client_request, make_user, auth):
    admin = make_user(Role.ADMIN)
    auth.login(admin)
    client.post(f"/admin/users/{admin.id}/deactivate")
    page = client_request.post(
        f"/admin/users/{admin.id}",
        {"name": admin.name, "email": admin.email, "role": "teacher"},
        expected_status=200,
    )
    assert "cannot remove your own administrator role" in text_of(page, "#role-error")
    db.session.refresh(admin)
    assert admin.active
    assert admin.role == Role.ADMIN


def test_an_unknown_user_is_a_404(client, make_user, auth):
    auth.login(make_user(Role.ADMIN))
    assert client.get("/admin/users/999999").status_code == 404
