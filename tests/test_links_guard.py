"""The SSRF guard: address checks, the allow list, resolution with several answers."""

from __future__ import annotations

import ipaddress

import pytest

from bot.core.errors import BlockedAddress, FetchError
from bot.links import FetchPolicy, check_address, resolve_host
from bot.links.guard import IPAddress, Resolver, checked_addresses

BLOCKED = [
    "10.0.0.1",
    "10.255.255.255",
    "172.16.0.1",
    "172.31.255.254",
    "192.168.1.1",
    "127.0.0.1",
    "127.255.255.254",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # carrier-grade NAT
    "100.127.255.254",
    "224.0.0.1",  # multicast (Python 3.11 calls it global)
    "239.255.255.250",
    "240.0.0.1",
    "255.255.255.255",
    "0.0.0.0",
    "0.1.2.3",
    "198.18.0.1",
    "192.0.2.1",
    "::",
    "::1",
    "fe80::1",
    "febf::1",
    "fc00::1",
    "fd12:3456::1",
    "fec0::1",  # site-local (Python 3.11 calls it global)
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped
    "::ffff:10.0.0.1",
    "::ffff:169.254.169.254",
    "::7f00:1",  # IPv4-compatible
    "2002:7f00:1::",  # 6to4 around 127.0.0.1
    "2002:a9fe:a9fe::1",  # 6to4 around 169.254.169.254
    "64:ff9b::a00:1",  # NAT64 around 10.0.0.1
    "64:ff9b::7f00:1",
    "64:ff9b:1::1",  # local-use NAT64
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
    "2001:db8::1",
]

PUBLIC = [
    "93.184.216.34",
    "8.8.8.8",
    "1.1.1.1",
    "2606:4700:4700::1111",
    "2a00:1450:4001:80b::200e",
    "::ffff:93.184.216.34",  # mapped, but the address inside is public
    "64:ff9b::5db8:d822",  # NAT64 of 93.184.216.34: what DNS64 networks hand out
    "2002:5db8:d822::1",  # 6to4 of 93.184.216.34
]


@pytest.mark.parametrize("address", BLOCKED)
def test_default_policy_blocks(address: str) -> None:
    with pytest.raises(BlockedAddress) as caught:
        check_address(ipaddress.ip_address(address), FetchPolicy())
    assert "private or internal" in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("address", PUBLIC)
def test_default_policy_allows_public_addresses(address: str) -> None:
    check_address(ipaddress.ip_address(address), FetchPolicy())  # no connection is made


def test_blocked_address_is_a_fetch_error() -> None:
    with pytest.raises(FetchError):
        check_address(ipaddress.ip_address("127.0.0.1"), FetchPolicy())


def test_allow_string_parses_addresses_networks_and_names() -> None:
    policy = FetchPolicy.from_allow_string(" 127.0.0.1, 10.0.0.0/8 ,CMS.Internal.,, fd00::/8")
    assert policy.allow == (
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.0.0.0/8"),
        "cms.internal",
        ipaddress.ip_network("fd00::/8"),
    )
    assert policy.allows_host("cms.internal") and policy.allows_host("CMS.INTERNAL.")
    assert not policy.allows_host("evil.cms.internal")


def test_allow_string_passes_other_settings_through() -> None:
    policy = FetchPolicy.from_allow_string("", max_bytes=10, total_timeout_s=1.0)
    assert policy == FetchPolicy(allow=(), max_bytes=10, total_timeout_s=1.0)


@pytest.mark.parametrize("junk", ["10.0.0.0/33", "10.0.0.256", "exa mple", "http://x.example"])
def test_allow_string_refuses_junk(junk: str) -> None:
    with pytest.raises(ValueError, match="CHECKDUPES_FETCH_ALLOW"):
        FetchPolicy.from_allow_string(junk)


def test_allowed_network_lets_exactly_its_addresses_through() -> None:
    policy = FetchPolicy.from_allow_string("127.0.0.1,10.0.0.0/8")
    for allowed in ["127.0.0.1", "10.1.2.3", "::ffff:127.0.0.1"]:
        check_address(ipaddress.ip_address(allowed), policy)
    for refused in ["127.0.0.2", "192.168.0.1", "169.254.169.254", "::1"]:
        with pytest.raises(BlockedAddress):
            check_address(ipaddress.ip_address(refused), policy)


def fixed(*answers: str) -> tuple[list[tuple[str, int]], Resolver]:
    calls: list[tuple[str, int]] = []

    def resolve(host: str, port: int) -> list[IPAddress]:
        calls.append((host, port))
        return [ipaddress.ip_address(a) for a in answers]

    return calls, resolve


def test_one_private_answer_among_public_ones_blocks_the_host() -> None:
    _calls, resolve = fixed("93.184.216.34", "10.0.0.7", "2606:4700:4700::1111")
    with pytest.raises(BlockedAddress):
        checked_addresses("mixed.example", 443, FetchPolicy(), resolve)


def test_all_public_answers_come_back_in_order() -> None:
    calls, resolve = fixed("93.184.216.34", "2606:4700:4700::1111")
    got = checked_addresses("news.example", 443, FetchPolicy(), resolve)
    assert [str(ip) for ip in got] == ["93.184.216.34", "2606:4700:4700::1111"]
    assert calls == [("news.example", 443)]


def test_allowed_host_name_may_resolve_to_private_addresses() -> None:
    _calls, resolve = fixed("10.0.0.7")
    policy = FetchPolicy.from_allow_string("cms.internal")
    got = checked_addresses("cms.internal", 80, policy, resolve)
    assert [str(ip) for ip in got] == ["10.0.0.7"]
    with pytest.raises(BlockedAddress):
        checked_addresses("other.internal", 80, policy, resolve)


def test_address_literals_skip_the_resolver() -> None:
    calls, resolve = fixed("93.184.216.34")
    with pytest.raises(BlockedAddress):
        checked_addresses("169.254.169.254", 80, FetchPolicy(), resolve)
    with pytest.raises(BlockedAddress):
        checked_addresses("::1", 80, FetchPolicy(), resolve)
    assert calls == []


def test_no_answer_is_a_resolution_failure() -> None:
    _calls, resolve = fixed()
    with pytest.raises(OSError):
        checked_addresses("void.example", 80, FetchPolicy(), resolve)


def test_system_resolver_reads_numeric_forms() -> None:
    # getaddrinfo understands the odd notations (2130706433 == 127.0.0.1) that a string check
    # would miss; the guard judges what it returns. No DNS server is involved for these.
    assert ipaddress.ip_address("127.0.0.1") in resolve_host("2130706433", 80)
    assert ipaddress.ip_address("127.0.0.1") in resolve_host("127.1", 80)
