"""Sign-in is limited per IP address and per account: the 6th failure in a minute gets a 429."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from ap_field.auth.models import Role
from ap_field.extensions import SweptMemoryStorage, limiter
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


@pytest.mark.real_commits
def test_a_burst_of_simultaneous_guesses_gets_no_more_than_five_answers(app, make_user):
    """Attempts are counted before the password is checked, so sending them all at once
    does not let more through."""
    email = make_user(Role.TEACHER).email
    barrier = threading.Barrier(20, timeout=10)

    def guess(number: int) -> int:
        client = app.test_client()
        barrier.wait()
        return fail_to_sign_in(client, email, ip=f"192.0.2.{number}").status_code

    with ThreadPoolExecutor(max_workers=20) as pool:
        statuses = list(pool.map(guess, range(20)))

    assert statuses.count(200) == 5
    assert statuses.count(429) == 15


def test_a_correct_password_clears_the_accounts_count(client, make_user):
    user = make_user(Role.TEACHER)
    for _ in range(4):
        fail_to_sign_in(client, user.email, ip="198.51.100.1")
    client.post(
        "/sign-in",
        data={"email": user.email, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": "198.51.100.2"},
    )
    client.post("/sign-out")
    for attempt in range(5):
        response = fail_to_sign_in(client, user.email, ip=f"198.51.100.{10 + attempt}")
        assert response.status_code == 200


def test_guesses_at_the_current_password_share_the_accounts_limit(client, make_user, auth):
    user = make_user(Role.TEACHER)
    auth.login(user)
    wrong = {"current_password": "guess", "new_password": "x", "confirm_password": "x"}
    for _ in range(5):
        assert client.post("/account/password", data=wrong).status_code == 200
    assert client.post("/account/password", data=wrong).status_code == 429


def test_spaces_and_capitals_do_not_make_a_new_account_key(client, make_user):
    user = make_user(Role.TEACHER, email="casey@example.org")
    for number, variant in enumerate(
        ["casey@example.org", " Casey@example.org", "CASEY@EXAMPLE.ORG "] * 2
    ):
        response = fail_to_sign_in(client, variant, ip=f"198.51.100.{number}")
    assert response.status_code == 429
    assert user.active


def test_counts_are_kept_in_the_swept_memory_storage_by_default(app):
    assert isinstance(limiter.storage, SweptMemoryStorage)
    assert not limiter.storage.timer.is_alive()


def test_expired_counts_are_swept_while_others_are_cleared_at_the_same_time(monkeypatch):
    """The sweep meets clears from other threads (a correct password clears its account's
    count) without an error, and leaves only what has not expired."""
    storage = SweptMemoryStorage()
    monkeypatch.setattr(storage, "SWEEP_EVERY", 0)
    limit = parse("5 per second")
    window = MovingWindowRateLimiter(storage)
    failures = []

    def count_and_clear(worker: int) -> None:
        try:
            for round_number in range(300):
                key = f"account-{worker}-{round_number % 7}"
                window.hit(limit, key)
                if round_number % 3 == 0:
                    window.clear(limit, key)
        except Exception as error:
            failures.append(error)

    threads = [threading.Thread(target=count_and_clear, args=(worker,)) for worker in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    storage.acquire_entry("short", 5, 0)
    storage.acquire_entry("long", 5, 60)
    storage.incr("fixed", 0)
    storage.acquire_entry("trigger", 5, 60)
    assert "short" not in storage.events
    assert "fixed" not in storage.storage
    assert storage.get_moving_window("long", 5, 60)[1] == 1
