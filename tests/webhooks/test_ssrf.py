"""SSRF guard: internal addresses refused in every form, at registration and at delivery."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI

from app.core.config import Settings
from app.webhooks.addresses import UrlPolicy, UrlRefused, check
from tests.conftest import TenantClient
from tests.webhooks.conftest import emit, register, wake
from tests.webhooks.receiver import Receiver

OPEN = UrlPolicy(require_https=False, allowed_hosts=frozenset(), allowed_networks=())
PRODUCTION = UrlPolicy(require_https=True, allowed_hosts=frozenset(), allowed_networks=())


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1/hook", "loopback"),
        ("http://127.1.2.3:8080/hook", "loopback"),
        ("http://2130706433/hook", "loopback"),  # 127.0.0.1 written as one number
        ("http://localhost/hook", "loopback"),  # a name that resolves to loopback
        ("http://10.1.2.3/hook", "private"),
        ("http://172.16.0.1/hook", "private"),
        ("http://192.168.0.1/hook", "private"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://100.64.0.1/hook", "carrier-grade NAT"),
        ("http://0.0.0.0/hook", "unspecified"),
        ("http://224.0.0.1/hook", "multicast"),
        ("http://240.0.0.1/hook", "private"),
        ("http://[::1]/hook", "loopback"),
        ("http://[::]/hook", "unspecified"),
        ("http://[fe80::1]/hook", "link-local"),
        ("http://[fc00::1]/hook", "private"),
        ("http://[ff02::1]/hook", "multicast"),
        ("http://[::ffff:127.0.0.1]/hook", "IPv6 form of a loopback"),  # mapped
        ("http://[::ffff:10.0.0.1]/hook", "IPv6 form of a private"),
        ("http://[64:ff9b::7f00:1]/hook", "IPv6 form of a loopback"),  # NAT64
        ("http://[64:ff9b::a9fe:a9fe]/hook", "IPv6 form of a link-local"),
        ("http://[::ffff:0:7f00:1]/hook", "IPv6 form of a loopback"),  # translated
        ("http://[::7f00:1]/hook", "IPv6 form of a loopback"),  # compatible
        ("http://[2002:7f00:1::1]/hook", "IPv6 form of a loopback"),  # 6to4
        ("http://[2002:a00:1::1]/hook", "IPv6 form of a private"),
        ("http://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook", "IPv6 form of"),  # Teredo
    ],
)
async def test_internal_addresses_are_refused(url: str, why: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        await check(url, OPEN)
    assert why in refused.value.reason


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("ftp://93.184.216.34/x", "https"),
        ("file:///etc/passwd", "https"),
        ("http://93.184.216.34/x", "https"),  # plain http outside development
        ("https://93.184.216.34/x#frag", "fragment"),
        ("https://no-such-host.invalid/x", "does not resolve"),
    ],
)
async def test_malformed_or_plain_urls_are_refused_in_production(url: str, why: str) -> None:
    with pytest.raises(UrlRefused) as refused:
        await check(url, PRODUCTION)
    assert why in refused.value.reason


async def test_public_addresses_are_pinned_and_keep_their_name_for_tls() -> None:
    target = await check("https://93.184.216.34:8443/hook?x=1", PRODUCTION)
    assert str(target.url) == "https://93.184.216.34:8443/hook?x=1"
    assert target.sni_hostname is None
    v6 = await check("https://[2606:2800:220:1:248:1893:25c8:1946]/h", PRODUCTION)
    assert v6.url.host == "2606:2800:220:1:248:1893:25c8:1946"


async def test_the_allow_list_admits_named_hosts_and_networks_only() -> None:
    by_name = UrlPolicy(False, frozenset({"localhost"}), ())
    target = await check("https://localhost:8443/hook", by_name)
    # Connect to the checked address itself; Host and TLS SNI keep the name.
    assert target.url.host == target.address and target.address in ("127.0.0.1", "::1")
    assert target.host_header == "localhost:8443" and target.sni_hostname == "localhost"

    settings_like = UrlPolicy.from_settings(
        Settings(secret_key="s" * 40, environment="test", webhook_allow_hosts=["127.0.0.0/30"])
    )
    assert (await check("http://127.0.0.2/x", settings_like)).address == "127.0.0.2"
    with pytest.raises(UrlRefused):
        await check("http://127.0.0.9/x", settings_like)
    with pytest.raises(UrlRefused):
        await check("http://10.0.0.1/x", settings_like)


async def test_the_address_is_checked_again_at_delivery(
    app: FastAPI,
    http: httpx.AsyncClient,
    admin: TenantClient,
    receiver: Receiver,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    inbox = receiver.inbox()
    endpoint = await register(http, admin, inbox.url)  # allowed when registered
    monkeypatch.setattr(app.state.settings, "webhook_allow_hosts", [])  # no longer
    await emit(app, admin, profile_id="p1")
    for _ in range(100):
        answer = await http.get(
            f"/v1/webhook-endpoints/{endpoint['id']}/attempts", headers=admin.auth
        )
        if answer.json()["items"]:
            break
        wake(app)
        await asyncio.sleep(0.05)
    attempt = answer.json()["items"][0]
    assert attempt["error"] == "address_refused" and attempt["status_code"] is None
    assert inbox.requests == []
