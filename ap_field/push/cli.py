"""`flask push init` makes the VAPID key pair; `flask reminders tick` sends the mail and the
reminders that are due, does the outbox's housekeeping and anonymises the pupils whose retention
period is over."""

import click
from flask import current_app
from flask.cli import AppGroup

from ap_field.common.time import utcnow
from ap_field.mail.services import send_pending
from ap_field.parents.services import ask_by_mail
from ap_field.premises.services import mail_overdue_actions, remind_action_owners
from ap_field.push import vapid
from ap_field.push.reminders import tick
from ap_field.reports.queries import refresh_programme_figures
from ap_field.retention.services import anonymise_due
from ap_field.safeguarding.services import remind_unseen
from ap_field.schools.notices import remind_unread, send_due_notices
from ap_field.sync.models import KEYS_KEPT_FOR, forget_old_keys

push_cli = AppGroup("push", help="Web Push keys.")
reminders_cli = AppGroup("reminders", help="Push reminders and outgoing mail.")


@push_cli.command("init")
@click.option(
    "--force", is_flag=True, help="Replace an existing key (every phone must subscribe again)."
)
@click.option("--if-missing", is_flag=True, help="Do nothing when a key exists already.")
@click.option(
    "--env",
    "for_environment",
    is_flag=True,
    help="Print a new key as VAPID_PRIVATE_KEY=... for production instead of writing a file.",
)
def init(force: bool, if_missing: bool, for_environment: bool) -> None:
    """Create the VAPID key pair that identifies this server to push services."""
    if for_environment:
        click.echo(f"VAPID_PRIVATE_KEY={vapid.raw_private_key(vapid.new_private_key_pem())}")
        return
    try:
        path = vapid.write_key_file(current_app.instance_path, force=force)
    except FileExistsError as exists:
        if if_missing:
            return
        raise click.ClickException(
            f"{exists} exists. Replacing it stops reminders on every subscribed phone until "
            "it subscribes again; add --force if that is what you want."
        ) from exists
    click.echo(f"Wrote {path}. Public key: {vapid.public_key()}")


@reminders_cli.command("tick")
def tick_command() -> None:
    """Send the mail and the reminders that are due, forget the outbox's idempotency keys
    older than 30 days, anonymise the pupils whose retention period is over and work the
    programme's figures out again, so that leads seldom wait for them. Run it every few
    minutes (cron or a scheduler).

    Mail goes first: it needs no push key, so it is sent even where push is not configured.
    It includes the mail about safeguarding concerns nobody has seen in time, to parents
    with sessions to confirm and no phone that takes reminders, each school's attendance at a
    session's cut-off, to leads about attendance notices no school has confirmed, to the
    owners of site check actions due the next day, and to the assessors of those overdue.
    """
    now = utcnow()
    forgotten = forget_old_keys(now)
    if forgotten:
        click.echo(f"Idempotency keys older than {KEYS_KEPT_FOR.days} days deleted: {forgotten}")
    if anonymised := anonymise_due():
        click.echo(f"Pupils anonymised, their retention period over: {anonymised}")
    if unseen := remind_unseen(now):
        click.echo(f"Safeguarding concerns not yet seen, DSLs and leads mailed: {unseen}")
    if asked := ask_by_mail(now):
        click.echo(f"Parents without reminders asked by mail to confirm sessions: {asked}")
    if told := send_due_notices(now):
        click.echo(f"Schools sent a session's attendance at its cut-off: {told}")
    if unread := remind_unread(now):
        click.echo(f"Attendance notices not confirmed by schools, leads mailed: {unread}")
    if owners := remind_action_owners(now):
        click.echo(f"Site check actions due tomorrow, owners mailed: {owners}")
    if assessors := mail_overdue_actions(now):
        click.echo(f"Site check actions overdue, the checks' assessors mailed: {assessors}")
    mailed = send_pending()
    click.echo(f"Mail: {mailed.sent} sent, {mailed.retrying} to retry, {mailed.failed} failed")
    if refresh_programme_figures(now):
        click.echo("The programme's figures worked out again")
    try:
        report = tick()
    except vapid.PushNotConfigured as problem:
        raise click.ClickException(str(problem)) from problem
    click.echo(
        f"Reminders: {report.claimed} newly due, {report.sent} sent, "
        f"{report.retrying} to retry, {report.undelivered} undelivered, {report.errors} errors"
    )
