"""Which addresses a webhook may go to: public ones only, whatever form the address takes."""

import ipaddress

import pytest

from kiko_livechat.i18n import SUPPORTED_LOCALES, catalog
from kiko_livechat.services.public_address import KINDS, refusal, resolve

REFUSED = {
    "127.0.0.1": "loopback",
    "::1": "loopback",
    "::ffff:127.0.0.1": "loopback",  # IPv4-mapped
    "2002:7f00:1::1": "loopback",  # 6to4 around 127.0.0.1
    "64:ff9b::7f00:1": "loopback",  # NAT64 around 127.0.0.1
    "10.0.0.1": "private",
    "172.31.255.255": "private",
    "192.168.0.1": "private",
    "::ffff:192.168.0.1": "private",
    "fc00::1": "private",
    "fd12:3456::1": "private",
    "169.254.1.1": "link_local",
    "fe80::1": "link_local",
    "169.254.169.254": "metadata",
    "fd00:ec2::254": "metadata",
    "::ffff:169.254.169.254": "metadata",
    "100.64.0.1": "shared",
    "100.127.255.254": "shared",
    "0.0.0.0": "unspecified",
    "::": "unspecified",
    "224.0.0.251": "multicast",
    "ff02::1": "multicast",
    "240.0.0.1": "reserved",
    "192.0.2.1": "private",  # documentation range: not on the internet
}
PUBLIC = ("93.184.216.34", "1.1.1.1", "100.128.0.1", "2606:4700:4700::1111", "::ffff:1.1.1.1")


@pytest.mark.parametrize("address,kind", REFUSED.items())
def test_non_public_addresses_are_refused_with_their_kind(address, kind):
    assert refusal(ipaddress.ip_address(address), allow_private=False) == kind


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_pass(address):
    assert refusal(ipaddress.ip_address(address), allow_private=False) is None


def test_the_setting_allows_private_addresses_but_never_cloud_metadata():
    assert refusal(ipaddress.ip_address("127.0.0.1"), allow_private=True) is None
    assert refusal(ipaddress.ip_address("10.0.0.1"), allow_private=True) is None
    assert refusal(ipaddress.ip_address("169.254.169.254"), allow_private=True) == "metadata"
    assert resolve("Metadata.Google.Internal.", 80, allow_private=True).refused == "metadata"


def test_numeric_spellings_of_an_address_resolve_to_it():
    assert resolve("2130706433", 80, allow_private=False).refused_address == "127.0.0.1"
    assert resolve("0x7f.1", 80, allow_private=False).refused == "loopback"


def test_every_kind_is_told_in_every_language():
    for locale in SUPPORTED_LOCALES:
        assert all(f"inboxes.delivery.refused.{kind}" in catalog(locale) for kind in KINDS)
