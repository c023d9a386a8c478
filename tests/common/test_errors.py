"""Every error is a page in the app's shell, never a stack trace."""

import pytest

from ap_field.auth.models import Role
from tests.helpers import PASSWORD, ClientRequest, text_of


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
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    page = client_request.get("/admin/users", expected_status=403)
    assert_shell_page(page, "You do not have access to this page")


def test_405_is_a_page_that_says_what_is_allowed(client, client_request):
    page = client_request.get("/sign-out", expected_status=405)
    assert_shell_page(page, "This page cannot do that")
    assert "POST" in client.get("/sign-out").headers["Allow"]


def test_413_is_a_page(client, client_request):
    page = client_request.post("/sign-in", {"email": "x" * (11 * 1024 * 1024)}, expected_status=413)
    assert_shell_page(page, "The file or form is too big")


def test_500_is_a_page_and_the_error_is_logged(make_app, caplog):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.route("/broken")
    def broken():
        raise RuntimeError("database exploded")

    page = ClientRequest(app.test_client()).get("/broken", expected_status=500)

    assert_shell_page(page, "Sorry, there is a problem with ap-field")
    assert "database exploded" not in page.get_text()
    assert "database exploded" in caplog.text


SAME_ORIGIN = {"Sec-Fetch-Site": "same-origin"}


def test_a_missing_csrf_token_shows_the_answers_to_send_again(client_request, make_user):
    user = make_user(Role.TEACHER)
    page = client_request.post(
        "/sign-in",
        {"email": user.email, "password": PASSWORD, "remember": "y"},
        expected_status=400,
        headers=SAME_ORIGIN,
    )
    assert_shell_page(page, "This form has expired")
    assert "your answers are below, send again" in page.get_text()
    answers = text_of(page, ".app-answers")
    assert user.email in answers
    assert PASSWORD not in str(page)
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
        "/sign-in",
        {"email": user.email, "password": PASSWORD},
        expected_status=400,
        headers={"Origin": "http://localhost"},
    )
    form = page.select_one("main form")
    data = {i["name"]: i["value"] for i in form.select("input[type=hidden]")}
    data["password"] = PASSWORD
    response = client.post(form["action"], data=data)
    assert response.status_code == 302
    assert response.location == "/today"


def test_a_stale_token_is_treated_as_expired(client_request):
    page = client_request.post(
        "/sign-in",
        {"email": "a@example.org", "csrf_token": "stale"},
        expected_status=400,
        headers=SAME_ORIGIN,
    )
    assert text_of(page, "h1") == "This form has expired"


@pytest.mark.parametrize(
    "headers",
    [
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
        {"Origin": "https://evil.example"},
        {"Referer": "https://evil.example/page"},
        {},
    ],
)
def test_a_form_posted_from_elsewhere_is_not_offered_back(client_request, make_user, auth, headers):
    """Another site must not get our page to carry its forged form with a fresh token."""
    admin = make_user(Role.ADMIN)
    target = make_user(Role.TEACHER)
    page = client_request.post(
        f"/admin/users/{target.id}",
        {"name": "x", "email": target.email, "role": "admin"},
        expected_status=400,
        headers=headers,
    )
    assert text_of(page, "h1") == "There is a problem with this request"
    assert page.select_one("main form") is None
    assert page.select_one("input[name=csrf_token]") is None
    assert admin.role == Role.ADMIN


def test_a_multi_password_form_gets_each_password_field_back(client_request, make_user):
    page = client_request.post(
        "/account/password",
        {"current_password": "a", "new_password": "b", "confirm_password": "b"},
        expected_status=400,
        headers=SAME_ORIGIN,
    )
    names = [field["name"] for field in page.select("main form input[type=password]")]
    assert names == ["current_password", "new_password", "confirm_password"]
