"""Every error is a page in the app's shell, never a stack trace."""

import pytest

from ap_field.auth.models import Role
from tests.helpers import text_of


@pytest.fixture
def app_config():
    return {"WTF_CSRF_ENABLED": True, "PROPAGATE_EXCEPTIONS": False}


def assert_shell_page(page, heading: str) -> None:
    assert text_of(page, "h1") == heading
    assert page.select_one("header .govuk-generic-header__homepage-link") is not None
    assert "Traceback" not in page.get_text()


def test_404_is_a_page(client_request):
    page = client_request.get("/no-such-page", expected_status=404)
    assert_shell_page(page, "Page not found")


def test_403_is_a_page(client_request, make_user, auth, client):
    user = make_user(Role.TEACHER)
    page = client_request.get("/sign-in")
    token = page.select_one("input[name=csrf_token]")["value"]
    client.post(
        "/sign-in",
        data={"email": user.email, "password": "correct-staple-meadow", "csrf_token": token},
    )
    page = client_request.get("/admin/users", expected_status=403)
    assert_shell_page(page, "You do not have access to this page")


def test_405_is_a_page(client_request):
    page = client_request.get("/sign-out", expected_status=405)
    assert_shell_page(page, "This page cannot do that")


def test_413_is_a_page(client, client_request):
    page = client_request.post("/sign-in", {"email": "x" * (11 * 1024 * 1024)}, expected_status=413)
    assert_shell_page(page, "The file or form is too big")


def test_500_is_a_page_and_the_error_is_logged(app, client_request, caplog):
    @app.route("/broken")
    def broken():
        raise RuntimeError("database exploded")

    page = client_request.get("/broken", expected_status=500)

    assert_shell_page(page, "Sorry, there is a problem with ap-field")
    assert "database exploded" not in page.get_text()
    assert "database exploded" in caplog.text


def test_a_missing_csrf_token_shows_the_answers_to_send_again(client_request, make_user):
    user = make_user(Role.TEACHER)
    page = client_request.post(
        "/sign-in",
        {"email": user.email, "password": "correct-staple-meadow", "remember": "y"},
        expected_status=400,
    )
    assert_shell_page(page, "This form has expired")
    assert "your answers are below, send again" in page.get_text()
    answers = text_of(page, ".app-answers")
    assert user.email in answers
    assert "correct-staple-meadow" not in str(page)
    form = page.select_one("main form")
    assert form["action"] == "/sign-in"
    hidden = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    assert hidden["email"] == user.email
    assert hidden["remember"] == "y"
    assert hidden["csrf_token"]
    assert form.select_one("input[type=password][name=password]") is not None


def test_sending_again_from_the_expired_page_works(client, client_request, make_user):
    user = make_user(Role.TEACHER)
    page = client_request.post(
        "/sign-in", {"email": user.email, "password": "correct-staple-meadow"}, expected_status=400
    )
    form = page.select_one("main form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    data["password"] = "correct-staple-meadow"
    response = client.post(form["action"], data=data)
    assert response.status_code == 302
    assert response.location == "/today"


def test_a_stale_token_is_treated_as_expired(client_request):
    page = client_request.post(
        "/sign-in", {"email": "a@example.org", "csrf_token": "stale"}, expected_status=400
    )
    assert text_of(page, "h1") == "This form has expired"
