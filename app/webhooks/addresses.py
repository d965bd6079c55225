"""SSRF guard: which URLs may receive webhooks, resolved once and connected to by address."""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass

import httpx

from app.core.config import Settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_CGNAT = ipaddress.IPv4Network("100.64.0.0/10")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_TRANSLATED = ipaddress.IPv6Network("::ffff:0:0:0/96")
_COMPATIBLE = ipaddress.IPv6Network("::/96")


class UrlRefused(Exception):
    """A webhook URL we will not send to, with the reason a tenant can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class UrlPolicy:
    """What the deployment allows: https only in production, plus an explicit allow-list."""

    require_https: bool
    allowed_hosts: frozenset[str]
    allowed_networks: tuple[IPNetwork, ...]

    @classmethod
    def from_settings(cls, settings: Settings) -> UrlPolicy:
        hosts: set[str] = set()
        networks: list[IPNetwork] = []
        for entry in settings.webhook_allow_hosts:
            try:
                networks.append(ipaddress.ip_network(entry.strip("[]"), strict=False))
            except ValueError:
                hosts.add(entry.lower().rstrip("."))
        return cls(settings.environment == "production", frozenset(hosts), tuple(networks))


@dataclass(frozen=True)
class Target:
    """Where to connect: the URL with its host replaced by the checked address."""

    url: httpx.URL
    host_header: str
    sni_hostname: str | None
    address: str


def refusal(ip: IPAddress) -> str | None:
    """Why an address must not be reached from here, or None for a public unicast address."""
    if isinstance(ip, ipaddress.IPv6Address):
        inner = _embedded_ipv4(ip)
        if inner is not None and (why := refusal(inner)) is not None:
            return f"an IPv6 form of {why}"
    checks = (
        (ip.is_unspecified, "the unspecified address"),
        (ip.is_loopback, "a loopback address"),
        (ip.is_link_local, "a link-local address"),
        (ip.is_multicast, "a multicast address"),
        (isinstance(ip, ipaddress.IPv4Address) and ip in _CGNAT, "a carrier-grade NAT address"),
        (ip.is_private, "a private address"),
        (ip.is_reserved, "a reserved address"),
        (isinstance(ip, ipaddress.IPv6Address) and ip.is_site_local, "a site-local address"),
        (not ip.is_global, "a non-public address"),
    )
    return next((why for refused, why in checks if refused), None)


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address a mapped, translated, NAT64, compatible, 6to4 or Teredo form carries."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        server, client = ip.teredo
        return client if refusal(client) is not None else server
    if any(ip in net for net in (_NAT64, _TRANSLATED, _COMPATIBLE)) and int(ip) > 1:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def parse(raw: str, policy: UrlPolicy) -> httpx.URL:
    """The URL if its form is acceptable (scheme, host, no fragment); raises UrlRefused."""
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL as exc:
        raise UrlRefused("not a valid URL") from exc
    if url.scheme not in ("https", "http"):
        raise UrlRefused("the URL must use https")
    if url.scheme == "http" and policy.require_https:
        raise UrlRefused("the URL must use https")
    if not url.host:
        raise UrlRefused("the URL has no host")
    if url.fragment:
        raise UrlRefused("the URL must not have a fragment")
    return url


async def resolve(url: httpx.URL, policy: UrlPolicy) -> Target:
    """Resolve the host once, refuse if any address is off limits, and pin the first one."""
    host = url.raw_host.decode("ascii").strip("[]")
    port = url.port or (443 if url.scheme == "https" else 80)
    addresses = await _addresses(host, port)
    host_allowed = host.lower().rstrip(".") in policy.allowed_hosts
    for ip in addresses:
        if host_allowed or any(ip in net for net in policy.allowed_networks):
            continue
        if (why := refusal(ip)) is not None:
            raise UrlRefused(f"{host} resolves to {why}")
    chosen = addresses[0]
    literal = _literal(host) is not None
    return Target(
        url=url.copy_with(host=str(chosen)),
        host_header=url.netloc.decode("ascii"),
        sni_hostname=None if literal or url.scheme != "https" else host,
        address=str(chosen),
    )


async def check(raw: str, policy: UrlPolicy) -> Target:
    """Parse and resolve: what registration and every delivery attempt go through."""
    return await resolve(parse(raw, policy), policy)


async def _addresses(host: str, port: int) -> list[IPAddress]:
    literal = _literal(host)
    if literal is not None:
        return [literal]
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(
            host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
        )
    except (socket.gaierror, UnicodeError) as exc:
        raise UrlRefused(f"{host} does not resolve") from exc
    found: list[IPAddress] = []
    for info in infos:
        ip = ipaddress.ip_address(str(info[4][0]).split("%", 1)[0])
        if ip not in found:
            found.append(ip)
    if not found:
        raise UrlRefused(f"{host} does not resolve")
    return found


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
