"""OAuth2 tokens: obtained as each vendor issues them, cached until expiry, renewed once on 401."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs

import httpx
import pytest

from connectors.apaleo import ApaleoConnector
from connectors.http import SourceError
from connectors.oauth import ApiAuth, TokenCache
from connectors.registry import missing
from tests.connectors.fakes import Handler, Sleeps, apaleo_api, run_sync

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


class Identity:
    """A token endpoint that issues tok-1, tok-2, … and records what it was asked."""

    def __init__(self, lifetime: int = 3600, refresh: str | None = None) -> None:
        self.issued: list[str] = []
        self.forms: list[dict[str, str]] = []
        self.headers: list[httpx.Headers] = []
        self.lifetime, self.refresh = lifetime, refresh

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.forms.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        self.headers.append(request.headers)
        self.issued.append(f"tok-{len(self.issued) + 1}")
        body: dict[str, object] = {"access_token": self.issued[-1], "token_type": "Bearer"}
        body["expires_in"] = self.lifetime
        if self.refresh:
            body["refresh_token"] = f"{self.refresh}-{len(self.issued)}"
        return httpx.Response(200, json=body)


def _basic(request_headers: httpx.Headers) -> str:
    scheme, _, value = request_headers["authorization"].partition(" ")
    assert scheme == "Basic"
    return base64.b64decode(value).decode()


APALEO = {
    "client_id": "GUESTID-AC",
    "client_secret": "s3cret",
    "identity_url": "https://identity.test/connect/token",
    "since": "2026-11-01T00:00:00Z",
}


def _apaleo(identity: Identity, accepted: list[str]) -> Handler:
    """Identity and Booking API: the API accepts whichever token is in `accepted`."""

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "identity.test":
            return identity(request)
        return apaleo_api(5, token=accepted[0])(request)

    return handle


async def test_apaleo_client_credentials_token_is_obtained_once_and_reused() -> None:
    identity = Identity()
    cache = TokenCache()
    puller = ApaleoConnector(sleep=Sleeps(), clock=lambda: NOW, page_size=2, tokens=cache)
    records, _ = await run_sync(puller, _apaleo(identity, ["tok-1"]), APALEO)
    assert len(records) == 5
    assert identity.issued == ["tok-1"]  # three pages, one token
    assert identity.forms[0] == {"grant_type": "client_credentials"}
    assert _basic(identity.headers[0]) == "GUESTID-AC:s3cret"


async def test_a_refused_token_is_renewed_once_then_the_error_stands() -> None:
    identity = Identity()
    cache = TokenCache()
    accepted = ["tok-2"]  # tok-1 was revoked at the source
    auth = ApiAuth("apaleo", APALEO, cache, sleep=Sleeps(), clock=lambda: NOW)
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(_apaleo(identity, accepted))
    ) as client:
        url = "https://api.apaleo.com/booking/v1/reservations"
        params = {"dateFilter": "Modification", "from": "a", "to": "b"}
        params |= {"pageNumber": "1", "pageSize": "2"}
        answer = await auth.request(client, "GET", url, params=params)
        assert answer.status_code == 200 and identity.issued == ["tok-1", "tok-2"]
        accepted[0] = "never"
        with pytest.raises(SourceError) as err:
            await auth.request(client, "GET", url, params=params)
    assert err.value.status == 401
    assert identity.issued == ["tok-1", "tok-2", "tok-3"]  # one renewal, not a loop


async def test_a_token_is_renewed_shortly_before_it_expires() -> None:
    identity = Identity(lifetime=600)
    cache = TokenCache()
    now = [NOW]
    auth = ApiAuth("apaleo", APALEO, cache, sleep=Sleeps(), clock=lambda: now[0])
    async with httpx.AsyncClient(transport=httpx.MockTransport(identity)) as client:
        assert (await auth.headers(client))["Authorization"] == "Bearer tok-1"
        now[0] = NOW + timedelta(seconds=500)
        assert (await auth.headers(client))["Authorization"] == "Bearer tok-1"
        now[0] = NOW + timedelta(seconds=560)  # within the last minute: renew
        assert (await auth.headers(client))["Authorization"] == "Bearer tok-2"


async def test_cloudbeds_refresh_token_grant_and_a_rotated_refresh_token() -> None:
    identity = Identity(refresh="rt")
    cache = TokenCache()
    creds = {
        "client_id": "live1_1",
        "client_secret": "cs",
        "refresh_token": "rt-0",
        "base_url": "https://cloudbeds.test/api/v1.2",
    }
    auth = ApiAuth("cloudbeds", creds, cache, sleep=Sleeps(), clock=lambda: NOW)
    async with httpx.AsyncClient(transport=httpx.MockTransport(identity)) as client:
        assert await auth.headers(client) == {"Authorization": "Bearer tok-1"}
        cache.expire(auth.key)
        assert await auth.headers(client) == {"Authorization": "Bearer tok-2"}
    assert identity.forms[0] == {
        "grant_type": "refresh_token",
        "client_id": "live1_1",
        "client_secret": "cs",
        "refresh_token": "rt-0",
    }
    # The second refresh used the token the first one handed out, and the owner learns of it.
    assert identity.forms[1]["refresh_token"] == "rt-1"
    # Offered until the owner holds it (a rolled-back store is offered again), then dropped.
    assert cache.pending_rotation(auth.key, creds) == {"refresh_token": "rt-2"}
    assert cache.pending_rotation(auth.key, creds) == {"refresh_token": "rt-2"}
    assert cache.pending_rotation(auth.key, {**creds, "refresh_token": "rt-2"}) == {}

    # Stored rotation (rt-2) or a refresh token an admin set: the configured one is used.
    for configured in ("rt-2", "admin-new"):
        again = ApiAuth(
            "cloudbeds", {**creds, "refresh_token": configured}, cache, clock=lambda: NOW
        )
        assert again.key == auth.key  # a rotation is still the same connection
        cache.expire(again.key)
        async with httpx.AsyncClient(transport=httpx.MockTransport(identity)) as client:
            await again.headers(client)
        assert identity.forms[-1]["refresh_token"] == configured


async def test_cloudbeds_api_key_needs_no_token() -> None:
    auth = ApiAuth("cloudbeds", {"api_key": "cbat_x", "access_token": "ignored"})
    async with httpx.AsyncClient(transport=httpx.MockTransport(Identity())) as client:
        assert await auth.headers(client) == {"x-api-key": "cbat_x"}


async def test_ohip_token_with_app_key_enterprise_and_hotel_headers() -> None:
    identity = Identity()
    creds = {
        "base_url": "https://ohip.test",
        "client_id": "cid",
        "client_secret": "cs",
        "enterprise_id": "ENT1",
        "app_key": "app-key",
        "hotel_id": "BERMI",
    }
    auth = ApiAuth("opera", creds, TokenCache(), sleep=Sleeps(), clock=lambda: NOW)
    async with httpx.AsyncClient(transport=httpx.MockTransport(identity)) as client:
        headers = await auth.headers(client, hotel="BERSP")
    assert headers == {
        "Authorization": "Bearer tok-1",
        "x-app-key": "app-key",
        "x-hotelid": "BERSP",
    }
    sent = identity.headers[0]
    assert sent["x-app-key"] == "app-key" and sent["enterpriseid"] == "ENT1"
    assert _basic(sent) == "cid:cs"
    assert identity.forms[0]["grant_type"] == "client_credentials"
    assert identity.forms[0]["scope"] == "urn:opc:hgbu:ws:__myscopes__"


@pytest.mark.parametrize(
    ("source", "credentials", "lacking"),
    [
        ("apaleo", {"client_id": "x"}, ["token or client_id+client_secret"]),
        ("apaleo", {"client_id": "x", "client_secret": "y"}, []),
        ("cloudbeds", {"refresh_token": "r"},
         ["api_key or access_token or client_id+client_secret+refresh_token"]),
        ("opera", {"base_url": "u", "app_key": "a", "hotel_id": "h", "token": "t"}, []),
        ("opera", {"client_id": "c", "client_secret": "s"}, ["base_url", "app_key", "hotel_id"]),
        ("mews", {"client_token": "c"}, ["access_token"]),
    ],
)  # fmt: skip
def test_missing_credentials(source: str, credentials: dict[str, str], lacking: list[str]) -> None:
    assert missing(source, credentials) == lacking
