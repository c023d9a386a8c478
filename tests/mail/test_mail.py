"""Outgoing mail, as the loopback SMTP server receives it: sent once its change commits, never
when the change rolls back, kept and tried again while the server is down, never sent twice."""

import socket
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from ap_field.common.time import utcnow
from ap_field.config import DevelopmentConfig
from ap_field.extensions import db
from ap_field.mail import services
from ap_field.mail.models import MailState, OutgoingMail
from ap_field.mail.services import (
    FIRST_RETRY,
    MAX_ATTEMPTS,
    queue_mail,
    send_pending,
    send_soon,
)
from ap_field.push import vapid
from tests.mail_server import HOST, SmtpServer

DSL = "dsl@northside.example.org"
SUBJECT = "A safeguarding concern needs you"
BODY = "A concern was recorded at 10:05.\nOpen ap-field to read it."


def _mail() -> list[OutgoingMail]:
    return db.session.scalars(sa.select(OutgoingMail).order_by(OutgoingMail.id)).all()


def test_a_queued_mail_is_sent_once_its_change_commits(app, mailbox):
    queue_mail(DSL, SUBJECT, BODY)
    db.session.commit()
    assert mailbox.messages == []

    report = send_soon()

    assert report.sent == 1
    [delivery] = mailbox.deliveries
    assert delivery.recipients == (DSL,)
    assert delivery.mail_from == "no-reply@ap-field.example.org"
    message = delivery.message
    assert message["From"] == app.config["MAIL_DEFAULT_SENDER"]
    assert message["To"] == DSL
    assert message["Subject"] == SUBJECT
    assert message.get_content_type() == "text/plain"
    assert message.get_content().rstrip("\n") == BODY
    [sent] = _mail()
    assert (sent.state, sent.attempts, sent.not_before) == (MailState.SENT, 1, None)
    assert sent.sent_at is not None


def test_each_recipient_gets_a_mail_of_their_own(app, mailbox):
    queue_mail([DSL, "lead@ap-field.example.org"], SUBJECT, BODY)
    db.session.commit()

    assert send_pending().sent == 2

    assert [message["To"] for message in mailbox.to(DSL)] == [DSL]
    assert len(mailbox.to("lead@ap-field.example.org")) == 1
    assert len(mailbox.messages) == 2


def test_a_mail_queued_in_a_transaction_that_rolls_back_is_never_sent(app, mailbox):
    queue_mail(DSL, SUBJECT, BODY)
    db.session.rollback()

    assert send_soon().sent == 0
    assert send_pending().sent == 0
    assert mailbox.messages == []
    assert _mail() == []


def test_send_soon_sends_only_what_this_session_queued(app, mailbox):
    queue_mail("earlier@example.org", "Queued by an earlier request", BODY)
    db.session.commit()
    db.session.remove()  # that request ended without sending it
    queue_mail(DSL, SUBJECT, BODY)
    db.session.commit()

    assert send_soon().sent == 1
    assert [message["To"] for message in mailbox.messages] == [DSL]

    assert send_pending().sent == 1
    assert len(mailbox.to("earlier@example.org")) == 1


def test_send_soon_keeps_its_errors_and_leaves_the_mail_to_the_tick(
    app, mailbox, monkeypatch, caplog
):
    def broken(*_args):
        raise RuntimeError("the database went away")

    queue_mail(DSL, SUBJECT, BODY)
    db.session.commit()
    monkeypatch.setattr(services, "_send_due", broken)

    assert send_soon().sent == 0
    assert "the tick will send it" in caplog.text

    monkeypatch.undo()
    assert send_pending().sent == 1
    assert len(mailbox.to(DSL)) == 1


@pytest.mark.parametrize(
    ("to", "subject"),
    [
        (DSL, "Two\nlines"),
        ("someone@example.org\r\nBcc: everyone@example.org", SUBJECT),
        (DSL, ""),
        (DSL, "x" * 201),
    ],
)
def test_a_header_a_mail_cannot_hold_is_refused_when_queued(app, to, subject):
    with pytest.raises(ValueError, match="mail header"):
        queue_mail(to, subject, BODY)


def test_two_runs_never_send_one_mail_twice(app, mailbox):
    queue_mail(DSL, SUBJECT, BODY)
    db.session.commit()
    now = utcnow()

    assert send_pending(now).sent == 1
    assert send_pending(now).sent == 0
    assert send_pending(now + timedelta(days=1)).sent == 0
    assert len(mailbox.messages) == 1


def test_a_mail_the_server_refuses_waits_and_the_others_still_go(app, mailbox):
    mailbox.refuse("gone@example.org")
    queue_mail(["gone@example.org", DSL], SUBJECT, BODY)
    db.session.commit()

    report = send_pending()

    assert (report.sent, report.retrying) == (1, 1)
    refused, sent = _mail()
    assert (refused.state, sent.state) == (MailState.PENDING, MailState.SENT)
    assert "SMTPRecipientsRefused" in refused.last_error
    assert [message["To"] for message in mailbox.messages] == [DSL]


class ServerDown:
    """The address of an SMTP server that is down: a port reserved on loopback where nothing
    listens, until `come_back()` starts a server there."""

    def __init__(self) -> None:
        self._reserved = socket.socket()
        self._reserved.bind((HOST, 0))
        self.port = self._reserved.getsockname()[1]
        self.server: SmtpServer | None = None

    def come_back(self) -> SmtpServer:
        self._reserved.close()
        self.server = SmtpServer(self.port).start()
        return self.server

    def close(self) -> None:
        self._reserved.close()
        if self.server is not None:
            self.server.stop()


class TestWhileTheServerIsDown:
    @pytest.fixture
    def server_down(self):
        down = ServerDown()
        yield down
        down.close()

    @pytest.fixture
    def app_config(self, server_down) -> dict:
        return {"MAIL_PORT": server_down.port}

    def test_the_mail_waits_and_is_sent_once_when_the_server_comes_back(
        self, app, server_down, clock, caplog
    ):
        now = clock(10, 5)
        queue_mail(DSL, SUBJECT, BODY)
        db.session.commit()

        assert send_soon().retrying == 1

        [waiting] = _mail()
        assert (waiting.state, waiting.attempts) == (MailState.PENDING, 1)
        assert waiting.not_before == now + FIRST_RETRY
        assert "ConnectionRefusedError" in waiting.last_error
        assert f"Mail {waiting.id} not sent (attempt 1 of {MAX_ATTEMPTS})" in caplog.text
        assert send_pending(now + timedelta(seconds=30)).sent == 0

        server = server_down.come_back()
        retry_at = waiting.not_before
        report = send_pending(retry_at)

        assert report.sent == 1
        assert send_pending(retry_at + timedelta(days=1)).sent == 0
        [message] = server.mailbox.messages
        assert (message["To"], message["Subject"]) == (DSL, SUBJECT)
        assert _mail()[0].attempts == 2

    def test_one_unreachable_server_is_tried_once_per_run(self, app):
        queue_mail([DSL, "lead@ap-field.example.org"], SUBJECT, BODY)
        db.session.commit()

        report = send_pending()

        assert report.retrying == 1
        assert [mail.attempts for mail in _mail()] == [1, 0]

    def test_tries_are_spaced_out_doubling_until_the_mail_has_failed(self, app, server_down):
        queue_mail(DSL, SUBJECT, BODY)
        db.session.commit()
        now, waits = utcnow(), []

        for _ in range(MAX_ATTEMPTS):
            send_pending(now)
            [mail] = _mail()
            if mail.not_before is not None:
                waits.append(mail.not_before - now)
                now = mail.not_before

        assert waits == [FIRST_RETRY * 2**attempt for attempt in range(MAX_ATTEMPTS - 1)]
        assert (mail.state, mail.attempts, mail.not_before) == (
            MailState.FAILED,
            MAX_ATTEMPTS,
            None,
        )
        server = server_down.come_back()
        assert send_pending(now + timedelta(days=1)).sent == 0
        assert server.mailbox.messages == []


@pytest.mark.real_commits
def test_senders_running_at_once_send_each_mail_once(app, mailbox):
    senders = 3
    queue_mail([f"person{number}@example.org" for number in range(5)], SUBJECT, BODY)
    db.session.commit()
    mailbox.delay = 0.1  # every send overlaps with the other senders' work
    statements: list[str] = []
    sa.event.listen(db.engine, "before_cursor_execute", _recorder(statements))
    start, now, reports = threading.Barrier(senders), utcnow(), []

    def run() -> None:
        with app.app_context():
            start.wait()
            reports.append(send_pending(now))

    threads = [threading.Thread(target=run) for _ in range(senders)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(report.sent for report in reports) == 5
    assert sorted(message["To"] for message in mailbox.wait_for(5)) == [
        f"person{number}@example.org" for number in range(5)
    ]
    assert {mail.state for mail in _mail()} == {MailState.SENT}
    if db.engine.dialect.name == "postgresql":
        assert any("FOR UPDATE SKIP LOCKED" in statement for statement in statements)


def _recorder(statements: list[str]):
    def record(_connection, _cursor, statement, *_args) -> None:
        statements.append(statement)

    return record


@pytest.mark.parametrize("push_configured", [True, False])
def test_the_tick_sends_pending_mail_with_or_without_push(app, runner, mailbox, push_configured):
    if push_configured:
        app.config["VAPID_PRIVATE_KEY"] = vapid.new_private_key_pem().decode()
    queue_mail(DSL, SUBJECT, BODY)
    db.session.commit()

    result = runner.invoke(args=["reminders", "tick"])

    assert "Mail: 1 sent, 0 to retry, 0 failed" in result.output
    assert result.exit_code == (0 if push_configured else 1)
    assert len(mailbox.to(DSL)) == 1


class TestDevelopment:
    @pytest.fixture
    def app_config(self) -> dict:
        return {"MAIL_BACKEND": DevelopmentConfig.MAIL_BACKEND}

    def test_make_run_prints_each_mail_instead_of_sending_it(self, app, mailbox, capsys):
        assert app.config["MAIL_BACKEND"] == "console"
        queue_mail(DSL, SUBJECT, BODY)
        db.session.commit()

        assert send_soon().sent == 1

        printed = capsys.readouterr().out
        assert f"To: {DSL}" in printed
        assert f"Subject: {SUBJECT}" in printed
        assert BODY in printed
        assert mailbox.messages == []
        assert _mail()[0].state == MailState.SENT
