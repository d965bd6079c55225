"""API credentials turned into request headers: OAuth2 tokens obtained, cached, renewed on 401."""

from __future__ import annotations

import asyncio
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from connectors.http import Clock, Sleep, SourceError, send, utcnow

APALEO_IDENTITY = "https://identity.apaleo.com/connect/token"
CLOUDBEDS_API = "https://api.cloudbeds.com/api/v1.2"
OHIP_SCOPE = "urn:opc:hgbu:ws:__myscopes__"
EARLY = timedelta(seconds=60)  # renew a minute early: clocks and latency differ
DEFAULT_LIFETIME = 3600  # seconds, when a token answer names none
EXPIRED = datetime(1970, 1, 1, tzinfo=UTC)
# Credentials that change without making another connection (and settings of the puller).
VOLATILE = frozenset({"refresh_token", "since", "sync_interval_seconds"})


@dataclass(frozen=True)
class Token:
    """An access token, when it stops being good, and the refresh token that renews it."""

    access_token: str
    expires_at: datetime
    refresh_token: str | None = None


class TokenCache:
    """Access tokens in memory, by a fingerprint of the credentials that obtained them."""

    def __init__(self) -> None:
        self._tokens: dict[str, Token] = {}
        self._rotated: dict[str, dict[str, str]] = {}
        self._superseded: dict[str, set[str]] = {}

    def usable(self, key: str, now: datetime) -> Token | None:
        """The cached token while it is good for at least another minute."""
        token = self._tokens.get(key)
        return token if token is not None and token.expires_at - EARLY > now else None

    def put(self, key: str, token: Token) -> None:
        """Remember a token."""
        self._tokens[key] = token

    def note_rotation(self, key: str, old_refresh: str, new_refresh: str) -> None:
        """Remember a refresh token the source replaced, until the owner stores the new one."""
        self._rotated.setdefault(key, {})["refresh_token"] = new_refresh
        self._superseded.setdefault(key, set()).add(old_refresh)

    def refresh_token(self, key: str, configured: str) -> str:
        """The refresh token to use: ours when the configured one is one the source replaced
        (its rotation not stored yet, or rolled back), else the configured one (an admin's)."""
        latest = self._tokens.get(key)
        if (
            latest is not None
            and latest.refresh_token
            and configured in self._superseded.get(key, set())
        ):
            return latest.refresh_token
        return configured

    def pending_rotation(self, key: str, configured: Mapping[str, str]) -> dict[str, str]:
        """Replaced credentials `configured` does not hold yet: offered until they are stored,
        so a rolled-back job does not lose a rotation."""
        wanted = self._rotated.get(key, {})
        pending = {k: v for k, v in wanted.items() if configured.get(k) != v}
        if not pending:
            self._rotated.pop(key, None)
        return pending

    def expire(self, key: str) -> None:
        """Forget the access token (refused by the source), keeping its refresh token."""
        if (token := self._tokens.get(key)) is not None:
            self._tokens[key] = replace(token, expires_at=EXPIRED)


class ApiAuth:
    """One connection's API credentials as request headers; tokens are obtained when needed."""

    def __init__(
        self,
        source: str,
        credentials: Mapping[str, str],
        cache: TokenCache | None = None,
        *,
        sleep: Sleep = asyncio.sleep,
        clock: Clock = utcnow,
    ) -> None:
        self.source = source
        self.credentials = credentials
        self.cache = cache if cache is not None else TokenCache()
        self.sleep = sleep
        self.clock = clock
        # Credential values the source replaced (a rotated refresh token), for the caller to store.
        self.rotated: dict[str, str] = {}
        # The refresh token is left out: a rotation must not look like another connection.
        stable = sorted((k, v) for k, v in credentials.items() if k not in VOLATILE)
        self.key = hashlib.sha256(json.dumps([source, stable]).encode()).hexdigest()
        self._refresh_used: str | None = None

    @property
    def renewable(self) -> bool:
        """True when a token endpoint can issue a fresh token (a static token cannot renew)."""
        c = self.credentials
        if self.source == "cloudbeds":
            return not c.get("api_key") and all(
                c.get(k) for k in ("client_id", "client_secret", "refresh_token")
            )
        return self.source in ("apaleo", "opera") and bool(
            c.get("client_id") and c.get("client_secret")
        )

    async def headers(self, client: httpx.AsyncClient, hotel: str | None = None) -> dict[str, str]:
        """Authentication headers of a request (OPERA: for `hotel`, default the connection's)."""
        c = self.credentials
        if self.source == "cloudbeds" and c.get("api_key"):
            return {"x-api-key": c["api_key"]}
        out = {"Authorization": f"Bearer {await self._access_token(client)}"}
        if self.source == "opera":
            out["x-app-key"] = c.get("app_key", "")
            out["x-hotelid"] = hotel or c.get("hotel_id", "")
        return out

    async def request(
        self,
        client: httpx.AsyncClient,
        method: str,
        url: str,
        *,
        hotel: str | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send with authentication; a 401 renews the token once and tries again."""
        extra = dict(kwargs.pop("headers", None) or {})
        headers = {**extra, **await self.headers(client, hotel)}
        try:
            return await send(client, method, url, headers=headers, sleep=self.sleep, **kwargs)
        except SourceError as exc:
            if exc.status != 401 or not self.renewable:
                raise
        self.cache.expire(self.key)
        headers = {**extra, **await self.headers(client, hotel)}
        return await send(client, method, url, headers=headers, sleep=self.sleep, **kwargs)

    async def _access_token(self, client: httpx.AsyncClient) -> str:
        if not self.renewable:
            static = "access_token" if self.source == "cloudbeds" else "token"
            return self.credentials.get(static, "")
        if (cached := self.cache.usable(self.key, self.clock())) is not None:
            return cached.access_token
        token = await self._obtain(client)
        self.cache.put(self.key, token)
        return token.access_token

    async def _obtain(self, client: httpx.AsyncClient) -> Token:
        c = self.credentials
        basic = httpx.BasicAuth(c["client_id"], c["client_secret"])
        if self.source == "apaleo":
            form = {"grant_type": "client_credentials"}
            url = c.get("identity_url", APALEO_IDENTITY)
            answer = await send(client, "POST", url, data=form, auth=basic, sleep=self.sleep)
        elif self.source == "cloudbeds":
            refresh = self.cache.refresh_token(self.key, c["refresh_token"])
            self._refresh_used = refresh
            form = {
                "grant_type": "refresh_token",
                "client_id": c["client_id"],
                "client_secret": c["client_secret"],
                "refresh_token": refresh,
            }
            url = f"{c.get('base_url', CLOUDBEDS_API).rstrip('/')}/access_token"
            answer = await send(client, "POST", url, data=form, sleep=self.sleep)
        else:  # opera: OHIP client credentials, with the application key and enterprise
            headers = {"x-app-key": c.get("app_key", "")}
            if c.get("enterprise_id"):
                headers["enterpriseId"] = c["enterprise_id"]
            form = {"grant_type": "client_credentials", "scope": c.get("scope", OHIP_SCOPE)}
            url = f"{c['base_url'].rstrip('/')}/oauth/v1/tokens"
            answer = await send(
                client, "POST", url, data=form, auth=basic, headers=headers, sleep=self.sleep
            )
        return self._token(answer)

    def _token(self, answer: httpx.Response) -> Token:
        try:
            data = answer.json()
            access = str(data["access_token"])
        except (ValueError, KeyError, TypeError) as exc:
            raise SourceError(f"{self.source} token endpoint: no access_token") from exc
        lifetime = data.get("expires_in")
        seconds = int(lifetime) if str(lifetime or "").isdigit() else DEFAULT_LIFETIME
        refresh = data.get("refresh_token")
        refresh = str(refresh) if refresh else None
        used = self._refresh_used
        if self.source == "cloudbeds" and refresh and used and refresh != used:
            self.rotated["refresh_token"] = refresh
            self.cache.note_rotation(self.key, used, refresh)
        return Token(access, self.clock() + timedelta(seconds=seconds), refresh)
