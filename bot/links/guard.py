"""The SSRF guard: which hosts and addresses a fetched link may reach.

A link from a chat message is untrusted input. Without this guard the bot could be asked to read
the cloud metadata service (169.254.169.254), an admin page on localhost or anything else on the
newsroom's private network, and paste the answer back into the channel.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.errors import BlockedAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

Resolver = Callable[[str, int], Sequence[IPAddress]]
"""(host, port) -> every address the host resolves to; raises OSError when it does not resolve."""

BLOCKED_MESSAGE = (
    "That link leads to a private or internal network address, which checkdupes does not fetch. "
    "Paste the text instead."
)

# Written out rather than left to ipaddress's is_private/is_global alone: those flags have changed
# between Python releases (3.11.7 calls 224.0.0.1 and fec0::1 global). Sources: the IANA
# special-purpose address registries, entries that are not globally reachable.
_REFUSED_V4 = tuple(
    ipaddress.IPv4Network(n)
    for n in (
        "0.0.0.0/8",  # "this network"; 0.0.0.0 reaches localhost on Linux
        "10.0.0.0/8",
        "100.64.0.0/10",  # carrier-grade NAT
        "127.0.0.0/8",
        "169.254.0.0/16",  # link-local, home of cloud metadata services
        "172.16.0.0/12",
        "192.0.0.0/24",
        "192.0.2.0/24",
        "192.88.99.0/24",  # deprecated 6to4 relays
        "192.168.0.0/16",
        "198.18.0.0/15",
        "198.51.100.0/24",
        "203.0.113.0/24",
        "224.0.0.0/4",  # multicast
        "240.0.0.0/4",  # reserved, includes 255.255.255.255
    )
)
_REFUSED_V6 = tuple(
    ipaddress.IPv6Network(n)
    for n in (
        "::/8",  # unspecified, loopback, IPv4-compatible and other reserved forms
        "64:ff9b:1::/48",  # local-use NAT64
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, Teredo (2001::/32) included
        "2001:db8::/32",
        "3fff::/20",
        "5f00::/16",
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated, still routed by some stacks)
        "ff00::/8",  # multicast
    )
)
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")

_HOSTNAME = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_-]+)*$")


@dataclass(frozen=True)
class FetchPolicy:
    """What a link fetch may reach and how long and how much it may read."""

    allow: tuple[IPNetwork | str, ...] = ()
    """Networks or host names reachable although private (CHECKDUPES_FETCH_ALLOW)."""
    connect_timeout_s: float = 5.0
    total_timeout_s: float = 15.0
    max_bytes: int = 5_000_000
    max_redirects: int = 5

    @classmethod
    def from_allow_string(cls, value: str, **kw: Any) -> FetchPolicy:
        """Build a policy from ``"127.0.0.1,10.0.0.0/8,cms.internal"``; raise ValueError on junk."""
        entries: list[IPNetwork | str] = []
        for raw in value.split(","):
            item = raw.strip()
            if not item:
                continue
            try:
                entries.append(ipaddress.ip_network(item, strict=False))
                continue
            except ValueError:
                pass
            host = item.lower().rstrip(".")
            # A mistyped CIDR ("10.0.0.0/33", "10.0.0.256") must not silently become a host name.
            if not _HOSTNAME.match(host) or host.replace(".", "").isdigit():
                raise ValueError(
                    f"CHECKDUPES_FETCH_ALLOW: {item!r} is not an address, a CIDR or a host name"
                )
            entries.append(host)
        return cls(allow=tuple(entries), **kw)

    def allows_host(self, host: str) -> bool:
        """True when ``host`` is listed by name: every address it resolves to is then trusted."""
        name = host.lower().rstrip(".")
        return any(isinstance(entry, str) and entry == name for entry in self.allow)

    def allows_address(self, ip: IPAddress) -> bool:
        candidates = [ip]
        translated = _translated_v4(ip)
        if translated is not None:
            candidates.append(translated)
        return any(
            not isinstance(entry, str) and addr.version == entry.version and addr in entry
            for entry in self.allow
            for addr in candidates
        )


def check_address(ip: IPAddress, policy: FetchPolicy) -> None:
    """Raise BlockedAddress unless ``ip`` is a public address or one the policy allows."""
    if not policy.allows_address(ip) and is_refused(ip):
        raise BlockedAddress(BLOCKED_MESSAGE)


def is_refused(ip: IPAddress) -> bool:
    """True for any address that is not plainly public, including IPv4 hidden inside IPv6."""
    if isinstance(ip, ipaddress.IPv6Address):
        translated = _translated_v4(ip)
        if translated is not None:
            # The packets go to that IPv4 host (dual-stack socket or NAT64 gateway): judge it.
            return is_refused(translated)
        if ip.sixtofour is not None and is_refused(ip.sixtofour):
            return True
        if ip.teredo is not None and any(is_refused(part) for part in ip.teredo):
            return True
        if ip.is_site_local or any(ip in net for net in _REFUSED_V6):
            return True
    elif any(ip in net for net in _REFUSED_V4):
        return True
    # The standard library's view as a backstop for anything newly reserved.
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def _translated_v4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address that an IPv4-mapped (::ffff:a.b.c.d) or NAT64 address stands for."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def resolve_host(host: str, port: int) -> list[IPAddress]:
    """Every address ``host`` resolves to (A and AAAA), via the system resolver."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        # IPv6 link-local answers carry a zone ("fe80::1%eth0"), which does not change the verdict.
        ip = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if ip not in addresses:
            addresses.append(ip)
    return addresses


def checked_addresses(
    host: str, port: int, policy: FetchPolicy, resolve: Resolver
) -> list[IPAddress]:
    """Resolve ``host`` once and return its addresses, all of them checked against ``policy``.

    Raises BlockedAddress when ANY address is refused: a host answering with one public and one
    private address must not get a chance to steer the connection to the private one.
    Raises OSError (socket.gaierror) when the name does not resolve.
    """
    literal = _ip_literal(host)
    addresses = [literal] if literal is not None else list(resolve(host, port))
    if not addresses:
        raise socket.gaierror(f"no address for {host}")
    if not policy.allows_host(host):
        for ip in addresses:
            check_address(ip, policy)
    return addresses


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None
