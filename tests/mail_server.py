"""An SMTP server on loopback for the test run (aiosmtpd, in a thread of its own): the app's
mail goes to it over a real SMTP connection, and the tests read what arrived."""

import asyncio
import email.policy
import threading
import time
from dataclasses import dataclass
from email.message import EmailMessage
from email.parser import BytesParser

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Delivery:
    """One mail as the server took it: the envelope, and the message parsed."""

    mail_from: str
    recipients: tuple[str, ...]
    message: EmailMessage


class Mailbox:
    """aiosmtpd's handler: keeps every mail it accepts, and lets a test wait for them, refuse
    an address, or slow the server down."""

    def __init__(self) -> None:
        self._deliveries: list[Delivery] = []
        self._arrived = threading.Condition()
        self.refused: set[str] = set()
        self.delay = 0.0

    async def handle_RCPT(self, _server, _session, envelope, address, _options) -> str:  # noqa: N802 (aiosmtpd's hook)
        if address in self.refused:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, _server, _session, envelope) -> str:  # noqa: N802 (aiosmtpd's hook)
        await asyncio.sleep(self.delay)
        # Lines end in CRLF on the wire; a mailbox keeps them as Python's email package does.
        content = envelope.original_content.replace(b"\r\n", b"\n")
        message = BytesParser(policy=email.policy.default).parsebytes(content)
        delivery = Delivery(envelope.mail_from, tuple(envelope.rcpt_tos), message)
        with self._arrived:
            self._deliveries.append(delivery)
            self._arrived.notify_all()
        return "250 Message accepted for delivery"

    @property
    def deliveries(self) -> list[Delivery]:
        with self._arrived:
            return list(self._deliveries)

    @property
    def messages(self) -> list[EmailMessage]:
        """Every message received since the test began, in the order they came."""
        return [delivery.message for delivery in self.deliveries]

    def to(self, address: str) -> list[EmailMessage]:
        """The messages whose envelope named `address` as a recipient."""
        return [d.message for d in self.deliveries if address in d.recipients]

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> list[EmailMessage]:
        """The messages, once at least `count` have arrived; AssertionError after `timeout`
        seconds, for mail sent from another thread or process."""
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self._deliveries) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"{len(self._deliveries)} mails arrived, not {count}"
                self._arrived.wait(left)
        return self.messages

    def refuse(self, address: str) -> None:
        """Answer 550 to mail for `address`, as a server does for a mailbox it does not have."""
        self.refused.add(address)

    def reset(self) -> None:
        """Empty, accepting every address at full speed, as at the start of each test."""
        with self._arrived:
            self._deliveries.clear()
        self.refused.clear()
        self.delay = 0.0


class LoopbackController(Controller):
    """aiosmtpd's controller on loopback. Given port 0 it listens where the system chooses and
    reads which port that is, so each pytest-xdist worker has a server of its own and no two
    ever reach for the same port."""

    def __init__(self, handler: Mailbox, port: int = 0) -> None:
        super().__init__(handler, hostname=HOST, port=port)

    def _trigger_server(self) -> None:
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


class SmtpServer:
    """An SMTP server on loopback and the mailbox it fills: the run's, or a test's own."""

    def __init__(self, port: int = 0) -> None:
        self.mailbox = Mailbox()
        self._controller = LoopbackController(self.mailbox, port)

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    @property
    def port(self) -> int:
        return self._controller.port
