"""Issue 13.6: the per-address limit counts the connection's peer; X-Forwarded-For only behind
the number of proxies rxconfig.py trusts (Reflex's `trusted_proxy_hops`)."""

import pytest
from reflex.config import get_config

from kiko_livechat.api.client_address import client_address


def _scope(peer: str, forwarded: str | None = None) -> dict:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    return {"type": "http", "client": (peer, 4711), "headers": headers}


def test_the_peer_counts_and_a_forwarded_header_is_ignored_by_default():
    assert get_config().trusted_proxy_hops == 0
    assert client_address(_scope("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


@pytest.mark.parametrize(
    "hops,forwarded,expected",
    [
        (1, "198.51.100.1", "198.51.100.1"),
        (1, "6.6.6.6, 198.51.100.1", "198.51.100.1"),  # the client's own entry is not trusted
        (2, "6.6.6.6, 198.51.100.1, 10.0.0.2", "198.51.100.1"),
        (2, "198.51.100.1", "10.0.0.1"),  # fewer entries than proxies: the peer
    ],
)
def test_behind_trusted_proxies_the_forwarded_address_counts(monkeypatch, hops, forwarded, expected):
    monkeypatch.setattr(get_config(), "trusted_proxy_hops", hops)
    assert client_address(_scope("10.0.0.1", forwarded)) == expected


def test_an_ipv6_client_counts_by_its_64_network():
    one = client_address(_scope("2001:db8:1:2:aaaa::1"))
    assert one == client_address(_scope("2001:db8:1:2:bbbb::9")) == "2001:db8:1:2::/64"
    assert client_address(_scope("::ffff:203.0.113.7")) == "203.0.113.7"
    assert client_address({"type": "http", "headers": []}) == ""
