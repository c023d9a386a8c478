"""Passkeys (WebAuthn) as the second factor, and to open the idle lock (docs/architecture.md,
"Security"). The phone's own lock (fingerprint, face or PIN) verifies the person; ap-field
keeps each passkey's public key and signature count. Each ceremony's challenge waits in the
session until its answer comes back, and counts once."""

import json
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import request, session
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from ap_field.auth.models import Passkey, User
from ap_field.common.time import utcnow
from ap_field.extensions import db

RP_NAME = "ap-field"
CHALLENGE = "passkey_challenge"
NAME_LENGTH = 60


class PasskeyRefused(Exception):
    """The browser's answer is not a valid passkey of this person for this challenge."""


def _rp_id() -> str:
    return urlsplit(request.host_url).hostname


def _origin() -> str:
    return request.host_url.rstrip("/")


def _take_challenge() -> bytes:
    challenge = session.pop(CHALLENGE, None)
    if challenge is None:
        raise PasskeyRefused()
    return base64url_to_bytes(challenge)


def passkeys_of(user: User) -> list[Passkey]:
    return list(
        db.session.scalars(
            sa.select(Passkey).where(Passkey.user_id == user.id).order_by(Passkey.created_at)
        )
    )


def _descriptors(user: User) -> list[PublicKeyCredentialDescriptor]:
    return [
        PublicKeyCredentialDescriptor(id=base64url_to_bytes(passkey.credential_id))
        for passkey in passkeys_of(user)
    ]


def registration_options(user: User) -> str:
    """The options for `navigator.credentials.create`, as JSON."""
    options = generate_registration_options(
        rp_id=_rp_id(),
        rp_name=RP_NAME,
        user_id=f"ap-field-user-{user.id}".encode(),
        user_name=user.email,
        user_display_name=user.name,
        exclude_credentials=_descriptors(user),
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.PREFERRED,
            user_verification=UserVerificationRequirement.REQUIRED,
        ),
    )
    session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def add_passkey(user: User, credential: dict, name: str) -> Passkey:
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=_take_challenge(),
            expected_rp_id=_rp_id(),
            expected_origin=_origin(),
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError) as error:
        raise PasskeyRefused() from error
    passkey = Passkey(
        user_id=user.id,
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        name=(name.strip() or "Passkey")[:NAME_LENGTH],
    )
    db.session.add(passkey)
    db.session.commit()
    return passkey


def authentication_options(user: User) -> str:
    """The options for `navigator.credentials.get`, naming this person's passkeys, as JSON."""
    options = generate_authentication_options(
        rp_id=_rp_id(),
        allow_credentials=_descriptors(user),
        user_verification=UserVerificationRequirement.REQUIRED,
    )
    session[CHALLENGE] = bytes_to_base64url(options.challenge)
    return options_to_json(options)


def check_passkey(user: User, credential: dict) -> Passkey:
    """The person's passkey that answered the challenge; its count moves on."""
    passkey = db.session.scalar(
        sa.select(Passkey).where(
            Passkey.user_id == user.id, Passkey.credential_id == str(credential.get("id", ""))
        )
    )
    if passkey is None:
        session.pop(CHALLENGE, None)
        raise PasskeyRefused()
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=_take_challenge(),
            expected_rp_id=_rp_id(),
            expected_origin=_origin(),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
            require_user_verification=True,
        )
    except (WebAuthnException, ValueError) as error:
        raise PasskeyRefused() from error
    passkey.sign_count, passkey.last_used_at = verified.new_sign_count, utcnow()
    db.session.commit()
    return passkey


def posted_credential() -> tuple[dict, str]:
    """The browser's answer as static/js/passkeys.js posts it, and the name typed for a new
    passkey."""
    try:
        body = json.loads(request.get_data(as_text=True) or "null")
    except ValueError as error:
        raise PasskeyRefused() from error
    if not isinstance(body, dict) or not isinstance(body.get("credential"), dict):
        raise PasskeyRefused()
    return body["credential"], str(body.get("name", ""))


def passkey_of_or_404(user: User, passkey_id: int) -> Passkey:
    return db.first_or_404(
        sa.select(Passkey).where(Passkey.id == passkey_id, Passkey.user_id == user.id)
    )


def remove_passkey(passkey: Passkey) -> None:
    db.session.delete(passkey)
    db.session.commit()
