"""Mail queued with the change that causes it, and sent once.

`queue_mail` adds rows to the current transaction. After the commit, `send_soon` (called by the
view) sends them straight away when it can, and `send_pending` (run by `flask reminders tick`)
sends whatever is still waiting. Each mail is leased before it is sent, so two senders never
send one mail; a failure leaves it pending, tried again after 1, 2, 4 … minutes until
MAX_ATTEMPTS. The one gap: a sender stopped after the SMTP server took a mail but before its
commit sends it again once the lease runs out.
"""

import logging
import smtplib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from flask_mailman import EmailMessage

from ap_field.common.routing import path_for
from ap_field.common.time import utcnow
from ap_field.extensions import db, mailman
from ap_field.mail.models import (
    MAX_ADDRESS_LENGTH,
    MAX_ERROR_LENGTH,
    MAX_SUBJECT_LENGTH,
    MailState,
    OutgoingMail,
)

logger = logging.getLogger(__name__)

# Long enough for one sender to hand one mail over, however slow the SMTP server is within
# MAIL_TIMEOUT; another sender leaves the mail alone until then.
LEASE = timedelta(minutes=10)
FIRST_RETRY = timedelta(minutes=1)
# Retries after 1, 2, 4 … 64 minutes: an SMTP server down for two hours loses no mail.
MAX_ATTEMPTS = 8
# The server answered and refused this one mail; the connection still serves the next.
REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)
# Where a session keeps the mail it queued, for send_soon.
QUEUED = "ap_field.mail.queued"


@dataclass
class MailReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0


def link_to(endpoint: str, **values) -> str:
    """A page's full address for a mail, also from the tick, where no request says which
    address ap-field is reached at: BASE_URL when set, else the request's own."""
    path = path_for(endpoint, **values)
    base = current_app.config["BASE_URL"] or (request.host_url if has_request_context() else "")
    return base.rstrip("/") + path


def queue_mail(to: str | Iterable[str], subject: str, body: str) -> list[OutgoingMail]:
    """Add a plain-text mail for each recipient to the current transaction, without
    committing, so that it is sent only if the change that caused it commits.

    Refuses (ValueError) a subject or address that a mail header cannot hold, here rather than
    at every attempt to send it.
    """
    addresses = [to] if isinstance(to, str) else list(to)
    _check_header(subject, MAX_SUBJECT_LENGTH)
    for address in addresses:
        _check_header(address, MAX_ADDRESS_LENGTH)
    queued = [OutgoingMail(to_address=address, subject=subject, body=body) for address in addresses]
    db.session.add_all(queued)
    db.session.info.setdefault(QUEUED, []).extend(queued)
    return queued


def _check_header(value: str, longest: int) -> None:
    if not value or "\n" in value or "\r" in value or len(value) > longest:
        raise ValueError(
            f"not a mail header of at most {longest} characters on one line: {value!r}"
        )


def send_pending(now: datetime | None = None) -> MailReport:
    """Send each pending mail that is due and that no other sender holds, oldest first. When
    the server cannot be reached the run stops, leaving the rest for the next one."""
    return _send_due(now or utcnow())


def send_soon() -> MailReport:
    """Send the mail this session queued, for a view to call straight after its commit.

    Best effort: no error reaches the person using the page, and what is not sent now is sent
    by the tick. Mail whose transaction rolled back was never stored and is not sent.
    """
    queued = db.session.info.pop(QUEUED, [])
    ids = {identity[0] for outgoing in queued if (identity := sa.inspect(outgoing).identity)}
    if not ids:
        return MailReport()
    try:
        return _send_due(utcnow(), ids)
    except Exception:
        db.session.rollback()
        logger.exception("Sending mail straight after its change failed; the tick will send it")
        return MailReport()


def _send_due(now: datetime, ids: set[int] | None = None) -> MailReport:
    """Send what is due (of `ids` only, when given) over one connection to the server."""
    report = MailReport()
    connection = mailman.get_connection()
    seen: set[int] = set()
    try:
        while (outgoing := _next_due(now, seen, ids)) is not None:
            seen.add(outgoing.id)
            if _lease(outgoing, now) and not _send(outgoing, connection, now, report):
                break
    finally:
        _close(connection)
    return report


def _next_due(now: datetime, seen: set[int], ids: set[int] | None) -> OutgoingMail | None:
    """The oldest pending mail not leased or waiting; on PostgreSQL, a row another sender holds
    is skipped rather than waited for."""
    query = (
        sa.select(OutgoingMail)
        .where(
            OutgoingMail.state == MailState.PENDING,
            sa.or_(OutgoingMail.not_before.is_(None), OutgoingMail.not_before <= now),
            OutgoingMail.id.not_in(seen),
        )
        .order_by(OutgoingMail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    if ids is not None:
        query = query.where(OutgoingMail.id.in_(ids))
    return db.session.scalar(query)


def _lease(outgoing: OutgoingMail, now: datetime) -> bool:
    """Take the mail for this sender. The update only matches if no other sender took it since
    we read it, which keeps SQLite (which has no row locks) to one sender too."""
    taken = db.session.execute(
        sa.update(OutgoingMail)
        .where(OutgoingMail.id == outgoing.id, OutgoingMail.attempts == outgoing.attempts)
        .values(attempts=outgoing.attempts + 1, not_before=now + LEASE)
        .execution_options(synchronize_session=False)
    ).rowcount
    db.session.commit()
    return taken == 1


def _send(outgoing: OutgoingMail, connection, now: datetime, report: MailReport) -> bool:
    """Hand one leased mail to the server and note how it went. False when the server could not
    be reached, so that the run stops instead of waiting on it for every mail."""
    try:
        connection.open()
        EmailMessage(
            outgoing.subject, outgoing.body, to=[outgoing.to_address], connection=connection
        ).send()
    except REFUSED as refused:
        _retry_later(outgoing, now, refused, report)
    except OSError as unreachable:
        _retry_later(outgoing, now, unreachable, report)
        return False
    except Exception as error:
        logger.exception("Mail %s could not be made", outgoing.id)
        _retry_later(outgoing, now, error, report)
    else:
        outgoing.state, outgoing.sent_at, outgoing.not_before = MailState.SENT, utcnow(), None
        db.session.commit()
        report.sent += 1
    return True


def _retry_later(
    outgoing: OutgoingMail, now: datetime, error: Exception, report: MailReport
) -> None:
    """Leave the mail pending until its next try, 1 minute after the first failure and twice as
    long after each one since; after MAX_ATTEMPTS it has failed."""
    logger.warning(
        "Mail %s not sent (attempt %s of %s): %r",
        outgoing.id,
        outgoing.attempts,
        MAX_ATTEMPTS,
        error,
    )
    outgoing.last_error = f"{type(error).__name__}: {error}"[:MAX_ERROR_LENGTH]
    if outgoing.attempts >= MAX_ATTEMPTS:
        logger.error("Mail %s has failed: it will not be tried again", outgoing.id)
        outgoing.state, outgoing.not_before = MailState.FAILED, None
        report.failed += 1
    else:
        outgoing.not_before = now + FIRST_RETRY * 2 ** (outgoing.attempts - 1)
        report.retrying += 1
    db.session.commit()


def _close(connection) -> None:
    """Say goodbye to the server; a server already gone is no loss, as everything is noted."""
    try:
        connection.close()
    except OSError as error:
        logger.warning("Closing the connection to the SMTP server failed: %r", error)
