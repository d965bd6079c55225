"""OAuth 2.0 client-credentials token endpoint (RFC 6749 section 4.4)."""

from __future__ import annotations

import asyncio
import base64
import binascii
from typing import Annotated
from urllib.parse import unquote_plus

from fastapi import APIRouter, Form, Header
from fastapi.responses import JSONResponse

from app.api.deps import SessionDep, SettingsDep
from app.core.errors import PROBLEM_BASE, PROBLEM_JSON
from app.core.security import issue_access_token, verify_secret
from app.tenancy.service import find_client

router = APIRouter(tags=["auth"])
_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _oauth_error(status: int, error: str, description: str) -> JSONResponse:
    """An RFC 6749 error that is also an RFC 9457 problem document."""
    headers = dict(_NO_STORE)
    if status == 401:
        headers["WWW-Authenticate"] = 'Basic realm="guestid"'
    body = {
        "type": PROBLEM_BASE + "oauth-" + error.replace("_", "-"),
        "title": description,
        "status": status,
        "error": error,
        "error_description": description,
    }
    return JSONResponse(body, status_code=status, headers=headers, media_type=PROBLEM_JSON)


def _basic_credentials(authorization: str | None) -> tuple[str, str] | None:
    if not authorization or not authorization.lower().startswith("basic "):
        return None
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, sep, secret = decoded.partition(":")
    return (unquote_plus(client_id), unquote_plus(secret)) if sep else None


@router.post("/oauth/token", summary="Exchange client credentials for an access token")
async def token(
    session: SessionDep,
    settings: SettingsDep,
    grant_type: Annotated[str, Form()],
    scope: Annotated[str | None, Form()] = None,
    client_id: Annotated[str | None, Form()] = None,
    client_secret: Annotated[str | None, Form()] = None,
    authorization: Annotated[str | None, Header()] = None,
) -> JSONResponse:
    """Client credentials by HTTP Basic or form fields; the token carries tenant and scopes."""
    if grant_type != "client_credentials":
        return _oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
    credentials = _basic_credentials(authorization) or (
        (client_id, client_secret) if client_id and client_secret else None
    )
    # A client id is printable text; one with a NUL cannot even be looked up in PostgreSQL.
    if credentials is None or not credentials[0].isprintable():
        return _oauth_error(401, "invalid_client", "client authentication failed")
    client = await find_client(session, credentials[0])
    stored_hash = client.secret_hash if client else None
    # Argon2 takes tens of milliseconds: keep it off the event loop.
    valid = await asyncio.to_thread(verify_secret, stored_hash, credentials[1])
    if not valid or client is None:
        return _oauth_error(401, "invalid_client", "client authentication failed")
    granted = frozenset(client.scopes.split())
    requested = frozenset(scope.split()) if scope else granted
    if not requested <= granted:
        return _oauth_error(400, "invalid_scope", "requested scope exceeds the client's scopes")
    access_token, ttl = issue_access_token(
        settings.secret_key,
        client.client_id,
        client.tenant_id,
        requested,
        settings.access_token_ttl_seconds,
    )
    return JSONResponse(
        {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": ttl,
            "scope": " ".join(sorted(requested)),
        },
        headers=_NO_STORE,
    )
