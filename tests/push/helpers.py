"""A push service of our own on loopback, and devices that can read what it receives."""

import base64
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]  # names in lower case, as HTTP treats them
    body: bytes


@dataclass
class PushService:
    """Answers each device's endpoint with the status it is told (201 unless told otherwise),
    and keeps every request it received."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    statuses: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    delay: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, device: "Device", status: int, **headers) -> None:
        """The next request to `device` gets `status` (and headers); later ones 201 again."""
        self.statuses.setdefault(device.path, []).append((status, headers))

    def to(self, device: "Device") -> list[Received]:
        return [request for request in self.received if request.path == device.path]

    def _respond(self, path: str) -> tuple[int, dict]:
        with self.lock:
            queued = self.statuses.get(path)
            return queued.pop(0) if queued else (201, {})


@contextmanager
def push_service_on_loopback() -> Iterator[PushService]:
    """A push service of our own, answering on loopback while the block runs."""
    service = PushService()
    server = _serve(service)
    # Asked to stop, the server stops within its poll interval: half a second by default,
    # paid at the end of every test that uses it.
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield service
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _serve(service: PushService) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with service.lock:
                headers = {name.lower(): value for name, value in self.headers.items()}
                service.received.append(Received(self.path, headers, body))
            if service.delay:
                time.sleep(service.delay)
            status, headers = service._respond(self.path)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name.replace("_", "-"), str(value))
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.url = f"http://127.0.0.1:{server.server_port}"
    return server


class Device:
    """A browser's side of a subscription: its own P-256 key pair and auth secret."""

    def __init__(self, service: PushService):
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        self.auth_secret = os.urandom(16)
        self.path = f"/push/{secrets.token_urlsafe(8)}"
        self.endpoint = service.url + self.path

    @property
    def subscription(self) -> dict:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "endpoint": self.endpoint,
            "expirationTime": None,
            "keys": {"p256dh": b64url(public), "auth": b64url(self.auth_secret)},
        }

    def decrypt(self, body: bytes) -> dict:
        plaintext = http_ece.decrypt(
            body,
            private_key=self.private_key,
            auth_secret=self.auth_secret,
            version="aes128gcm",
        )
        return json.loads(plaintext)


def jwt_claims(token: str) -> dict:
    return json.loads(b64url_decode(token.split(".")[1]))
