"""VAPID (RFC 8292): the key pair that tells push services which server sends to a device.

Production reads the private key from VAPID_PRIVATE_KEY; development keeps one in
instance/ made by `flask push init`. Only the public key ever leaves the server.
"""

import base64
import os
import re
import time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from flask import Flask, current_app
from py_vapid import Vapid02

KEY_FILE = "vapid_private.pem"
# RFC 8292 section 2: a JWT lives at most 24 hours; half a day leaves room for clock skew.
TOKEN_LIFETIME_SECONDS = 12 * 3600
SUBJECT = re.compile(r"mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https://[^\s/]+\.[^\s/]+(/\S*)?")


class PushNotConfigured(Exception):
    """Push cannot be used yet; the message says what to set."""


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _key_text(app: Flask) -> str | None:
    if key := app.config.get("VAPID_PRIVATE_KEY"):
        return key
    path = Path(app.instance_path) / KEY_FILE
    return path.read_text() if path.exists() else None


def server_key(app: Flask | None = None) -> Vapid02:
    """The private key, from the environment (PEM, or the raw key in base64url) or instance/."""
    app = app or current_app
    text = _key_text(app)
    if not text:
        raise PushNotConfigured(
            "No VAPID key: set VAPID_PRIVATE_KEY, or run `flask push init` in development"
        )
    if "-----BEGIN" in text:
        return Vapid02.from_pem(text.replace("\\n", "\n").strip().encode())
    return Vapid02.from_string(text.strip())


def public_key(app: Flask | None = None) -> str | None:
    """The application server key a browser subscribes with (uncompressed point, base64url)."""
    try:
        key = server_key(app)
    except PushNotConfigured:
        return None
    return b64url(
        key.public_key.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
    )


def subject(app: Flask | None = None) -> str:
    """The `sub` claim: how a push service's operator can reach whoever runs this server."""
    value = (app or current_app).config.get("VAPID_SUBJECT") or ""
    if not SUBJECT.fullmatch(value):
        raise PushNotConfigured(
            "Set VAPID_SUBJECT to a mailto: address or an https: page where the people "
            "who run this server can be reached"
        )
    return value


def authorization(key: Vapid02, sub: str, audience: str) -> str:
    """The Authorization header for one push service (RFC 8292: vapid t=JWT, k=public key)."""
    claims = {"sub": sub, "aud": audience, "exp": int(time.time()) + TOKEN_LIFETIME_SECONDS}
    return key.sign(claims)["Authorization"]


def new_private_key_pem() -> bytes:
    return ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def raw_private_key(pem: bytes) -> str:
    """The private key as the 32-byte scalar in base64url: one line for an environment."""
    key = serialization.load_pem_private_key(pem, password=None)
    return b64url(key.private_numbers().private_value.to_bytes(32, "big"))


def write_key_file(instance_path: str, force: bool) -> Path:
    """A new key pair in instance/, readable by its owner only; an existing key is kept unless
    `force`, because changing it silently stops every phone's reminders."""
    path = Path(instance_path) / KEY_FILE
    if path.exists() and not force:
        raise FileExistsError(path)
    draft = path.with_name(f".{KEY_FILE}.{os.getpid()}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(new_private_key_pem())
    draft.replace(path)
    return path
