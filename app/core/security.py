"""Secrets, password hashing and signed access tokens."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import OctKey

_hasher = PasswordHasher()
_ISSUER = "guestid"
_AUDIENCE = "guestid-api"
# Verified against when a client id is unknown, so timing does not reveal which ids exist.
_DUMMY_HASH = _hasher.hash("unknown-client")


def new_client_id() -> str:
    """A public client identifier."""
    return "gid_" + secrets.token_hex(10)


def new_client_secret() -> str:
    """A client secret with 256 bits of entropy."""
    return "gsk_" + secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    """Argon2id hash of a secret for storage."""
    return _hasher.hash(secret)


def verify_secret(stored_hash: str | None, secret: str) -> bool:
    """Constant-effort check of a secret against its stored hash."""
    try:
        return _hasher.verify(stored_hash or _DUMMY_HASH, secret) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def keyed_hash(secret_key: str, purpose: str, value: str) -> str:
    """HMAC-SHA256 of a value (identity documents) under a per-purpose key."""
    key = hmac.new(secret_key.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class AccessClaims:
    """What an access token grants."""

    client_id: str
    tenant_id: str
    scopes: frozenset[str]
    expires_at: int


# Cached: every request's token is verified with it, and deriving and importing it again took
# as long as checking the token's signature.
@lru_cache(maxsize=4)
def _signing_key(secret_key: str) -> OctKey:
    derived = hmac.new(secret_key.encode(), b"access-token", hashlib.sha256).digest()
    return OctKey.import_key(derived)


def issue_access_token(
    secret_key: str, client_id: str, tenant_id: str, scopes: frozenset[str], ttl: int
) -> tuple[str, int]:
    """A signed JWT access token and its lifetime in seconds."""
    now = int(time.time())
    claims = {
        "iss": _ISSUER,
        "aud": _AUDIENCE,
        "sub": client_id,
        "tid": tenant_id,
        "scope": " ".join(sorted(scopes)),
        "iat": now,
        "nbf": now,
        "exp": now + ttl,
        "jti": secrets.token_hex(8),
    }
    token = jwt.encode({"alg": "HS256", "typ": "at+jwt"}, claims, _signing_key(secret_key))
    return token, ttl


_REQUIRED_CLAIMS = jwt.JWTClaimsRegistry(
    iss={"essential": True, "value": _ISSUER},
    aud={"essential": True, "value": _AUDIENCE},
    sub={"essential": True},
    tid={"essential": True},
    exp={"essential": True},
)


def read_access_token(secret_key: str, token: str) -> AccessClaims | None:
    """The claims of a valid, unexpired token, or None."""
    try:
        decoded = jwt.decode(token, _signing_key(secret_key), algorithms=["HS256"])
        _REQUIRED_CLAIMS.validate(decoded.claims)
    except (JoseError, ValueError):
        return None
    claims = decoded.claims
    return AccessClaims(
        client_id=str(claims["sub"]),
        tenant_id=str(claims["tid"]),
        scopes=frozenset(str(claims.get("scope", "")).split()),
        expires_at=int(claims["exp"]),
    )
