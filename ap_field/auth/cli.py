import sys

import click
from flask.cli import AppGroup

from ap_field.auth.forms import email_address_problem, email_in_use
from ap_field.auth.models import Role
from ap_field.auth.passwords import password_problem
from ap_field.auth.services import add_account

users_cli = AppGroup("users", help="Manage user accounts.")


@users_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([role.value for role in Role]), required=True)
@click.option("--name", required=True, help="The person's full name.")
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from standard input instead of prompting for it.",
)
def create_user(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create an account, such as the first admin of a new installation."""
    if problem := email_address_problem(email):
        raise click.ClickException(problem)
    if not name.strip():
        raise click.ClickException("Enter the person's full name with --name")
    if email_in_use(email):
        raise click.ClickException(f"There is already an account for {email}")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if problem := password_problem(password, [name, email]):
        raise click.ClickException(problem)
    user = add_account(name.strip(), email, Role(role), password)
    click.echo(f"Created {user.role.label.lower()} account for {user.email}")
