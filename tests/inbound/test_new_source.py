"""A source the app has never heard of: one connector and one registry entry, nothing else."""

from __future__ import annotations

import asyncio
import hmac
import json
from collections.abc import Mapping, Sequence

import httpx
import pytest
from fastapi import FastAPI

from app.inbound import fetch, sync
from connectors import registry
from connectors.base import Delivery, Fetcher, GuestRecord, Need, Page, Puller
from connectors.http import Sleep
from connectors.oauth import ApiAuth, TokenCache
from tests.conftest import MakeTenant
from tests.inbound.helpers import admin, connect, settled
from tests.inbound.test_sync import DAY, synced

GUESTS = {
    f"g-{i}": {"id": f"g-{i}", "first_name": first, "last_name": last, "email": f"g{i}@acme.test"}
    for i, (first, last) in enumerate([("Ada", "Lind"), ("Bo", "Sand"), ("Cy", "Voss")], 1)
}


class AcmeConnector:
    """Thin webhooks naming a guest id, and a pull of every guest page by page."""

    source = "acme"
    needs: tuple[Need, ...] = ((("api_key",),),)

    def __init__(
        self,
        *,
        timezone: str = "UTC",
        sleep: Sleep = asyncio.sleep,
        tokens: TokenCache | None = None,
        page_size: int | None = None,
    ) -> None:
        self.page_size = page_size or 10

    def verify(self, delivery: Delivery, secret: str) -> bool:
        return hmac.compare_digest(delivery.headers.get("x-acme-secret", ""), secret)

    def event_id(self, delivery: Delivery) -> str:
        return str(json.loads(delivery.body)["id"])

    def parse(self, payload: bytes) -> Sequence[GuestRecord]:
        guests = json.loads(payload).get("guests", [])
        return [GuestRecord(source=self.source, source_record_id=g.pop("id"), **g) for g in guests]

    def named(self, payload: bytes) -> str | None:
        guest = json.loads(payload).get("guest_id")
        return f"guest:{guest}" if guest else None

    async def fetch(
        self, http: httpx.AsyncClient, auth: ApiAuth, credentials: Mapping[str, str], body: bytes
    ) -> bytes | None:
        guest = json.loads(body).get("guest_id")
        if not guest:
            return None
        headers = {"x-api-key": credentials["api_key"]}
        return (await http.get(f"https://acme.test/guests/{guest}", headers=headers)).content

    async def fetch_changes(
        self, client: httpx.AsyncClient, credentials: Mapping[str, str], cursor: str | None
    ) -> Page:
        page = int(cursor or 0)
        params = {"page": page, "size": self.page_size}
        headers = {"x-api-key": credentials["api_key"]}
        answer = await client.get("https://acme.test/guests", params=params, headers=headers)
        return Page(self.parse(answer.content), str(page + 1), done=not answer.json()["more"])


def acme_api(request: httpx.Request) -> httpx.Response:
    assert request.url.host == "acme.test" and request.headers["x-api-key"] == "k"
    if request.url.path.startswith("/guests/"):
        return httpx.Response(200, json={"guests": [GUESTS[request.url.path.split("/")[-1]]]})
    page, size = int(request.url.params["page"]), int(request.url.params["size"])
    rows = list(GUESTS.values())[1:]  # the webhook brought the first
    listed = rows[page * size : (page + 1) * size]
    return httpx.Response(200, json={"guests": listed, "more": (page + 1) * size < len(rows)})


async def test_a_registered_connector_is_fetched_from_and_pulled_from(
    app: FastAPI, http: httpx.AsyncClient, make_tenant: MakeTenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(registry.CONNECTORS, "acme", AcmeConnector)
    monkeypatch.setattr(fetch, "TRANSPORT", httpx.MockTransport(acme_api))
    monkeypatch.setattr(sync, "PAGE_SIZE", 1)
    assert isinstance(AcmeConnector(), Fetcher) and isinstance(AcmeConnector(), Puller)
    tenant = await admin(make_tenant)
    hook = {"webhook_secret": "s3cret"}
    bare_id, bare_path = await connect(http, tenant, "acme", **hook)
    creds = {"api_key": "k", "sync_interval_seconds": str(DAY)}
    conn_id, path = await connect(http, tenant, "acme", credentials=creds, **hook)

    sent = [
        await http.post(p, json={"id": e, "guest_id": "g-1"}, headers={"x-acme-secret": "s3cret"})
        for p, e in ((bare_path, "evt-1"), (path, "evt-2"))
    ]
    assert [a.status_code for a in sent] == [202, 202], sent[0].text
    by_connection = {e.connection_id: e for e in await settled(app, [a.json()["id"] for a in sent])}
    waiting, fetched = by_connection[bare_id], by_connection[conn_id]
    # Without the api_key it `needs`, the event waits, naming what it points at.
    assert (waiting.status, waiting.entity) == ("needs_fetch", "guest:g-1")
    assert (fetched.status, fetched.error) == ("processed", None)

    refused = await http.post(f"/v1/connections/{bare_id}/sync", headers=tenant.auth)
    assert refused.status_code == 422 and "api_key" in refused.json()["detail"]
    answer = await http.post(f"/v1/connections/{conn_id}/sync", headers=tenant.auth)
    assert answer.status_code == 202, answer.text
    jobs = await synced(app, tenant.tenant_id)
    assert [j.status for j in jobs] == ["done", "done", "queued"]  # one guest a page
    for guest in GUESTS.values():
        record = await http.get(f"/v1/records/acme/{guest['id']}", headers=tenant.auth)
        assert record.status_code == 200, record.text
