"""`flask users create`, for the first admin of a new installation."""

import sqlalchemy as sa

from ap_field.auth.models import Role, User
from ap_field.extensions import db
from tests.helpers import AuthActions

GOOD_PASSWORD = "kettle-window-saffron"


def create(runner, email="first.admin@example.org", password=GOOD_PASSWORD, role="admin"):
    return runner.invoke(
        args=[
            "users",
            "create",
            email,
            "--role",
            role,
            "--name",
            "First Admin",
            "--password-stdin",
        ],
        input=password + "\n",
    )


def test_creates_an_account_from_standard_input(runner, client):
    result = create(runner)
    assert result.exit_code == 0, result.output
    assert "Created administrator account for first.admin@example.org" in result.output
    user = db.session.scalar(sa.select(User).where(User.email == "first.admin@example.org"))
    assert user.role == Role.ADMIN
    assert user.check_password(GOOD_PASSWORD)
    response = client.post(
        "/sign-in", data={"email": "first.admin@example.org", "password": GOOD_PASSWORD}
    )
    assert response.location == "/sign-in/set-up-two-factor"
    AuthActions(client).set_up_two_factor(response.location)
    assert client.get("/").location == "/programme"


def test_refuses_a_weak_password(runner):
    result = create(runner, password="password")
    assert result.exit_code == 1
    assert "Password must be at least 12 characters" in result.output
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0


def test_refuses_a_breached_pattern(runner):
    result = create(runner, password="Summer2024!!")
    assert result.exit_code == 1
    assert "leaked passwords" in result.output


def test_refuses_an_existing_email(runner, make_user):
    make_user(Role.LEAD, email="first.admin@example.org")
    result = create(runner, email="First.Admin@example.org")
    assert result.exit_code == 1
    assert "There is already an account for First.Admin@example.org" in result.output


def test_refuses_an_unknown_role(runner):
    result = create(runner, role="superuser")
    assert result.exit_code == 2
    assert "superuser" in result.output


def test_refuses_an_empty_name(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "x@example.org",
            "--role",
            "lead",
            "--name",
            " ",
            "--password-stdin",
        ],
        input=GOOD_PASSWORD + "\n",
    )
    assert result.exit_code == 1
    assert "Enter the person's full name" in result.output
