"""core.ratelimit.client_ip: the one place the client's address is read, behind proxies or not."""

import pytest
from django.test import RequestFactory

from core.ratelimit import client_ip, ratelimit_ip

PROXY = "10.0.0.5"


def _request(remote=PROXY, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture
def behind(settings):
    def configure(proxies=(), count=0):
        settings.TRUSTED_PROXIES = list(proxies)
        settings.TRUSTED_PROXY_COUNT = count

    configure()
    return configure


def test_without_a_proxy_the_client_is_remote_addr_and_the_header_is_ignored(behind):
    assert client_ip(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"


def test_behind_one_trusted_proxy_the_client_is_the_address_it_appended(behind):
    behind(proxies=[PROXY])
    assert client_ip(_request(PROXY, forwarded="203.0.113.7")) == "203.0.113.7"


def test_behind_a_trusted_network_the_right_most_untrusted_address_is_the_client(behind):
    behind(proxies=["10.0.0.0/8", "192.0.2.10"])
    # The client wrote "1.1.1.1" itself; the outer proxy (192.0.2.10) appended the client's real address.
    request = _request(PROXY, forwarded="1.1.1.1, 203.0.113.7, 192.0.2.10, 10.1.2.3")
    assert client_ip(request) == "203.0.113.7"


def test_a_header_from_an_untrusted_address_is_never_believed(behind):
    behind(proxies=[PROXY])
    # Spoofing: straight to the portal, pretending to be someone else (or a trusted proxy's client).
    assert client_ip(_request("203.0.113.7", forwarded="198.51.100.1")) == "203.0.113.7"
    assert client_ip(_request("203.0.113.7", forwarded=f"198.51.100.1, {PROXY}")) == "203.0.113.7"


def test_a_trusted_proxy_without_a_header_is_its_own_client(behind):
    behind(proxies=[PROXY])
    assert client_ip(_request(PROXY)) == PROXY
    # Garbage where an address should be: the nearest address read stands.
    assert client_ip(_request(PROXY, forwarded="not-an-address")) == PROXY


def test_proxy_count_takes_the_nth_address_from_the_right(behind):
    behind(count=2)
    assert client_ip(_request(PROXY, forwarded="1.1.1.1, 203.0.113.7, 192.0.2.10")) == "203.0.113.7"
    # Fewer addresses than proxies: the request did not come through them; the socket's address stands.
    assert client_ip(_request("203.0.113.9", forwarded="198.51.100.1")) == "203.0.113.9"


@pytest.mark.parametrize(
    ("proxies", "remote", "forwarded", "expected"),
    [
        (["2001:db8:ffff::/48"], "2001:db8:ffff::1", "2001:db8:1::7", "2001:db8:1::7"),
        (["2001:db8:ffff::1"], "2001:db8:ffff::1", "[2001:DB8:1:0::7]:443", "2001:db8:1::7"),
        (["10.0.0.0/8"], "::ffff:10.0.0.5", "203.0.113.7:51234", "203.0.113.7"),
        (["2001:db8:ffff::/48"], "2001:db8:9::1", "2001:db8:1::7", "2001:db8:9::1"),  # untrusted
    ],
)
def test_ipv6_addresses_networks_ports_and_mapped_ipv4(behind, proxies, remote, forwarded, expected):
    behind(proxies=proxies)
    assert client_ip(_request(remote, forwarded=forwarded)) == expected


def test_a_unix_socket_peer_is_a_trusted_proxy_when_proxies_are_configured(behind):
    assert client_ip(_request("")) is None
    behind(count=1)
    assert client_ip(_request("", forwarded="203.0.113.7")) == "203.0.113.7"
    assert ratelimit_ip(_request("", forwarded="203.0.113.7")) == "203.0.113.7"
