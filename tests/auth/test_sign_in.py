import pytest

from ap_field.auth.models import Role
from tests.helpers import LANDING, PASSWORD, second_factor_code, text_of

SAME_MESSAGE = "Enter a correct email address and password"


@pytest.mark.parametrize("role", list(Role))
def test_each_role_lands_on_its_own_page(client, client_request, make_user, auth, role):
    response = auth.login(make_user(role))
    path, heading = LANDING[role]
    assert response.status_code == 302
    assert response.location == path
    page = client_request.get(path)
    assert text_of(page, "h1").startswith(heading.split()[0])


def test_sign_in_ignores_case_and_spaces_in_the_email(client, make_user):
    user = make_user(Role.TEACHER, email="tom.okafor@example.org")
    response = client.post(
        "/sign-in", data={"email": "  Tom.Okafor@Example.org ", "password": PASSWORD}
    )
    assert response.location == "/today"
    assert user.last_signed_in_at is not None


@pytest.mark.parametrize(
    "email, password",
    [("nobody@example.org", PASSWORD), ("known@example.org", "not-the-password-at-all")],
)
def test_wrong_email_and_wrong_password_get_the_same_message(
    client_request, make_user, email, password
):
    make_user(Role.TEACHER, email="known@example.org")
    page = client_request.post(
        "/sign-in", {"email": email, "password": password}, expected_status=200
    )
    assert text_of(page, ".govuk-error-summary") == f"There is a problem {SAME_MESSAGE}"
    assert text_of(page, "#email-error") == f"Error: {SAME_MESSAGE}"
    assert page.select_one("#email")["value"] == email
    assert not page.select_one("#password").get("value")


def test_a_deactivated_account_gets_the_same_message(client_request, make_user):
    user = make_user(Role.TEACHER, active=False)
    page = client_request.post(
        "/sign-in", {"email": user.email, "password": PASSWORD}, expected_status=200
    )
    assert SAME_MESSAGE in text_of(page, ".govuk-error-summary")


def test_empty_fields_say_what_to_enter(client_request):
    page = client_request.post("/sign-in", {"email": "", "password": ""}, expected_status=200)
    assert text_of(page, "#email-error") == "Error: Enter your email address"
    assert text_of(page, "#password-error") == "Error: Enter your password"
    links = [a["href"] for a in page.select(".govuk-error-summary a")]
    assert links == ["#email", "#password"]
    assert page.title.string.startswith("Error: Sign in")


def test_after_sign_in_the_user_returns_to_the_page_they_asked_for(client, make_user):
    user = make_user(Role.TEACHER)
    client.get("/register")
    response = client.post(
        "/sign-in?next=/register", data={"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/register"


def test_the_page_asked_for_is_kept_through_the_second_factor(client, make_user):
    user = make_user(Role.LEAD)
    response = client.post(
        "/sign-in?next=/site-checks", data={"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/sign-in/code"
    response = client.post("/sign-in/code", data={"code": second_factor_code(user)})
    assert response.location == "/site-checks"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "javascript:x"])
def test_sign_in_never_redirects_off_the_site(client, make_user, target):
    user = make_user(Role.TEACHER)
    response = client.post(
        f"/sign-in?next={target}", data={"email": user.email, "password": PASSWORD}
    )
    assert response.location == "/today"


def test_remember_this_phone_sets_a_lasting_cookie_only_when_ticked(client, make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    assert client.get_cookie("ap_field_remember") is None
    auth.logout()
    auth.login(user, remember="y")
    cookie = client.get_cookie("ap_field_remember")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None


def test_a_remembered_phone_stays_signed_in_after_the_browser_closes(client, make_user, auth):
    """Still signed in, behind the idle lock: who reopened the browser is not known."""
    auth.login(make_user(Role.TEACHER), remember="y")
    client.delete_cookie("ap_field_session")
    assert client.get("/today").location == "/lock?next=/today"
    assert client.post("/lock?next=/today", data={"password": PASSWORD}).location == "/today"
    assert client.get("/today").status_code == 200


def test_a_signed_in_user_visiting_sign_in_goes_to_their_page(client, make_user, auth):
    auth.login(make_user(Role.PARENT))
    assert client.get("/sign-in").location == "/my-child"
