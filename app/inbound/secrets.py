"""Connection secrets: credentials encrypted at rest, URL tokens stored only as keyed hashes."""

from __future__ import annotations

import base64
import hmac
import json
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.core.security import keyed_hash

_INFO = b"guestid/connection-credentials/v1"


@lru_cache(maxsize=8)
def _fernet(secret_key: str) -> Fernet:
    # A key of its own for credentials, so the token-signing key is never used twice.
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(
        secret_key.encode()
    )
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt_credentials(secret_key: str, credentials: dict[str, str]) -> str:
    """The credentials as a Fernet token (authenticated encryption)."""
    return _fernet(secret_key).encrypt(json.dumps(credentials).encode()).decode()


def decrypt_credentials(secret_key: str, stored: str) -> dict[str, str]:
    """The credentials of a connection; raises InvalidToken when the key changed."""
    data = json.loads(_fernet(secret_key).decrypt(stored.encode()))
    return {str(k): str(v) for k, v in data.items()}


def new_url_token() -> str:
    """A random token for the webhook URL (256 bits)."""
    return secrets.token_urlsafe(32)


def token_hash(secret_key: str, token: str) -> str:
    """The keyed hash a URL token is looked up by."""
    return keyed_hash(secret_key, "connection-url-token", token)


def same_hash(a: str, b: str) -> bool:
    """Constant-time equality of two hashes."""
    return hmac.compare_digest(a.encode(), b.encode())
