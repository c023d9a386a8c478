"""Sign-in is limited per IP address and per account: the 6th failure in a minute gets a 429."""

from ap_field.auth.models import Role
from tests.helpers import PASSWORD, text_of


def fail_to_sign_in(client, email: str, ip: str = "203.0.113.7"):
    return client.post(
        "/sign-in",
        data={"email": email, "password": "not-the-right-one"},
        environ_base={"REMOTE_ADDR": ip},
    )


def test_the_sixth_failed_attempt_in_a_minute_is_refused_with_a_time(client, make_user):
    user = make_user(Role.TEACHER)
    for _ in range(5):
        assert fail_to_sign_in(client, user.email).status_code == 200

    response = fail_to_sign_in(client, user.email)

    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert "Too many attempts" in response.text
    assert "Try again after" in response.text


def test_the_limit_holds_even_with_the_right_password(client, make_user):
    user = make_user(Role.TEACHER)
    for _ in range(5):
        fail_to_sign_in(client, user.email)
    response = client.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "203.0.113.7"},
    )
    assert response.status_code == 429


def test_an_account_is_protected_across_addresses(client, make_user):
    user = make_user(Role.TEACHER)
    for attempt in range(5):
        fail_to_sign_in(client, user.email, ip=f"198.51.100.{attempt}")
    assert fail_to_sign_in(client, user.email, ip="198.51.100.99").status_code == 429
    other = make_user(Role.TEACHER)
    response = client.post(
        "/sign-in",
        data={"email": other.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.100"},
    )
    assert response.status_code == 302


def test_one_address_is_limited_across_accounts(client):
    for attempt in range(5):
        fail_to_sign_in(client, f"guess{attempt}@example.org")
    assert fail_to_sign_in(client, "guess99@example.org").status_code == 429


def test_successful_sign_ins_and_visits_do_not_count(client, client_request, make_user, auth):
    user = make_user(Role.TEACHER)
    for _ in range(6):
        assert auth.login(user).status_code == 302
        auth.logout()
        client.get("/sign-in")
    page = client_request.post(
        "/sign-in", {"email": user.email, "password": "wrong-password"}, expected_status=200
    )
    assert "Enter a correct email address and password" in text_of(page, "#email-error")
