"""Annotated dependencies shared by every router."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.exc import IntegrityError
from sqlmodel.ext.asyncio.session import AsyncSession

from app.core.config import Settings
from app.core.errors import Problem
from app.core.idempotency import MAX_KEY_LENGTH
from app.core.security import AccessClaims, read_access_token

_bearer = HTTPBearer(auto_error=False, description="OAuth2 client-credentials access token")


async def get_session(request: Request) -> AsyncIterator[AsyncSession]:
    """One transaction per request: commit on success, roll back on any error."""
    async with request.app.state.sessions() as session:
        try:
            yield session
            await session.commit()
        except IntegrityError as exc:
            # Two requests raced to create the same row (same record, same key): the loser
            # is told to retry rather than shown a server error.
            await session.rollback()
            raise Problem(
                409,
                "concurrent-write",
                "Conflicting concurrent write",
                "another request changed the same data at the same time; retry",
                headers={"Retry-After": "1"},
            ) from exc
        except BaseException:
            await session.rollback()
            raise


# A `\u0000` escape in JSON text: preceded by an even number of backslashes (escaped ones).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


async def reject_nul(request: Request) -> None:
    """Refuse U+0000 anywhere in the path, query or JSON body, before any query runs."""
    # PostgreSQL text cannot hold it (a 500 there); the SQLite mode must answer the same.
    found: list[tuple[str, ...]] = [
        ("path", name) for name, value in request.path_params.items() if "\x00" in str(value)
    ]
    found += [
        ("query", name)
        for name, value in request.query_params.multi_items()
        if "\x00" in name or "\x00" in value
    ]
    if "json" in request.headers.get("content-type", "") and _JSON_NUL.search(await request.body()):
        found.append(("body",))
    if found:
        raise RequestValidationError(
            [{"loc": loc, "msg": "must not contain U+0000 (NUL)", "type": "nul"} for loc in found]
        )


async def get_settings_dep(request: Request) -> Settings:
    """The app's settings."""
    settings: Settings = request.app.state.settings
    return settings


# scope="function": the transaction commits before the response leaves, so a client never
# sees a success for work that then fails to commit.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]

# The limits are published, not enforced here: `idempotency.scope_for` checks the key (after
# stripping quotes) and answers 400 idempotency-key-invalid, as the IETF draft asks.
IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Repeats of a request with the same key return the first answer",
        json_schema_extra={"minLength": 1, "maxLength": MAX_KEY_LENGTH, "pattern": r'[^\s"]'},
    ),
]


async def current_client(
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> AccessClaims:
    """The API client behind the bearer token."""
    challenge = {"WWW-Authenticate": 'Bearer realm="guestid"'}
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Problem(401, "unauthorized", "Authentication required", headers=challenge)
    claims = read_access_token(settings.secret_key, credentials.credentials)
    if claims is None:
        raise Problem(
            401,
            "invalid-token",
            "Invalid or expired access token",
            headers={"WWW-Authenticate": 'Bearer realm="guestid", error="invalid_token"'},
        )
    return claims


CurrentClient = Annotated[AccessClaims, Depends(current_client)]


def require_scope(scope: str) -> Callable[[AccessClaims], Coroutine[Any, Any, AccessClaims]]:
    """A dependency that admits clients holding `scope` (or `admin`)."""

    async def _check(client: CurrentClient) -> AccessClaims:
        if scope not in client.scopes and "admin" not in client.scopes:
            raise Problem(
                403, "insufficient-scope", "Insufficient scope", f"this call needs scope {scope}"
            )
        return client

    return _check


RecordsWriter = Annotated[AccessClaims, Depends(require_scope("records:write"))]
RecordsReader = Annotated[AccessClaims, Depends(require_scope("records:read"))]
ProfilesReader = Annotated[AccessClaims, Depends(require_scope("profiles:read"))]
ProfilesWriter = Annotated[AccessClaims, Depends(require_scope("profiles:write"))]
Admin = Annotated[AccessClaims, Depends(require_scope("admin"))]
