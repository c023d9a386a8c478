import pytest

from ap_field.auth.passwords import password_problem


@pytest.mark.parametrize(
    "password", ["lantern-orchard-pebble", "kettle window saffron", "Tall-Blue-Heron-42"]
)
def test_three_random_words_are_accepted(password):
    assert password_problem(password) is None


@pytest.mark.parametrize(
    "password, problem",
    [
        ("short-one", "at least 12 characters"),
        ("Summer2024!!", "leaked passwords"),
        ("P@ssw0rd2024!", "leaked passwords"),
        ("iloveyou123456", "leaked passwords"),
        ("qwertyuiop123", "leaked passwords"),
        ("aaaaaaaaaaaaaaaa", "too easy to guess"),
        ("x" * 129, "128 characters or fewer"),
    ],
)
def test_weak_and_breached_passwords_are_refused_with_a_reason(password, problem):
    assert problem in password_problem(password)


def test_a_password_built_from_the_users_own_name_is_refused():
    personal = ["Jessica Okonkwo", "jessica.okonkwo@example.org"]
    assert password_problem("jessica.okonkwo.2011") is None
    assert "your name or email" in password_problem("Jessica.Okonkwo.2011", personal)
    assert password_problem("jessica-likes-sailing-boats", personal) is None


@pytest.mark.parametrize("length", [72, 73, 128])
def test_long_passphrases_are_checked_not_crashed_on(length):
    passphrase = ("amber kettle window saffron river " * 4)[:length]
    assert password_problem(passphrase) is None
