"""Standard Webhooks signing: whsec_ secrets, HMAC-SHA256 of "{id}.{timestamp}.{body}"."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from app.inbound.secrets import decrypt_credentials, encrypt_credentials

SECRET_PREFIX = "whsec_"  # noqa: S105 - the format's prefix, not a secret
SECRET_BYTES = 32
_KEY = "webhook_secret"


def new_secret() -> str:
    """A fresh endpoint secret: whsec_ and base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """One `v1,<base64 HMAC-SHA256>` signature."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    signed = f"{msg_id}.{timestamp}.".encode() + body
    digest = hmac.new(key, signed, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def signature_header(secrets_: list[str], msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value: one signature per live secret, space-separated."""
    return " ".join(sign(s, msg_id, timestamp, body) for s in secrets_)


def seal(secret_key: str, secret: str) -> str:
    """An endpoint secret encrypted for storage."""
    return encrypt_credentials(secret_key, {_KEY: secret})


def unseal(secret_key: str, stored: str) -> str:
    """The endpoint secret back from storage."""
    return decrypt_credentials(secret_key, stored)[_KEY]
