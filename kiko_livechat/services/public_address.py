"""Where webhooks may go: public internet addresses only. An administrator must not be able to
point a webhook at the app's own network (its own port, the database, a cloud's metadata
service) and read the answers back through the delivery log.

A URL's name is checked when it is saved and again, after resolving it, when each delivery is
sent, and the send connects to the address that was checked (a name that resolves differently
the second time, DNS rebinding, gains nothing). KIKO_WEBHOOK_ALLOW_PRIVATE lets a self-hosted
setup reach a bot on its own network; cloud metadata addresses stay refused either way.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.validation import clean_url
from kiko_livechat.settings import get_settings

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

METADATA_NAMES = frozenset({"metadata.google.internal", "metadata.goog"})
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack ...
        "fd00:ec2::254",  # AWS over IPv6
        "169.254.170.2",  # AWS ECS task metadata
        "100.100.100.200",  # Alibaba Cloud
    )
)
CARRIER_GRADE_NAT = ipaddress.ip_network("100.64.0.0/10")
NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Why an address is refused, most telling first; each has a text in the catalogs
# (inboxes.delivery.refused.<kind>).
KINDS = ("metadata", "loopback", "link_local", "unspecified", "multicast", "shared", "reserved", "private")


def refusal(ip: IPAddress, *, allow_private: bool) -> str | None:
    """Why a webhook must not go to `ip` (one of KINDS), or None for a public address."""
    ip = _inner_ipv4(ip)
    if ip in METADATA_ADDRESSES:
        return "metadata"
    if allow_private:
        return None
    checks = (
        ("loopback", ip.is_loopback),
        ("link_local", ip.is_link_local),
        ("unspecified", ip.is_unspecified),
        ("multicast", ip.is_multicast),
        ("shared", ip in CARRIER_GRADE_NAT),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),
        ("reserved", not ip.is_global),
    )
    return next((kind for kind, hit in checks if hit), None)


def _inner_ipv4(ip: IPAddress) -> IPAddress:
    """The IPv4 address an IPv6 one carries (IPv4-mapped, 6to4, NAT64), which is where it leads."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return ip


@dataclass(frozen=True)
class Resolution:
    """The addresses a name may be reached at, in the resolver's order; or, when it has none
    that is allowed, why (`refused`, one of KINDS) and the address refused."""

    addresses: tuple[str, ...]
    refused: str | None = None
    refused_address: str = ""


def resolve(host: str, port: int, *, allow_private: bool) -> Resolution:
    """Resolve `host` (a name or an address literal, in any form the system resolver takes) and
    keep the addresses a webhook may go to. Raises OSError when the name does not resolve."""
    name = host.rstrip(".").lower()
    if name in METADATA_NAMES:
        return Resolution((), "metadata", name)
    infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
    found = list(dict.fromkeys(ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos))
    allowed = tuple(str(ip) for ip in found if refusal(ip, allow_private=allow_private) is None)
    if allowed or not found:
        return Resolution(allowed)
    return Resolution((), refusal(found[0], allow_private=allow_private), str(found[0]))


def clean_webhook_url(value: object, *, field: str, required: bool = False) -> str | None:
    """An http(s) address a webhook may be sent to: refused when its host is, or resolves only
    to, a loopback, private, link-local, shared, multicast, reserved or metadata address. A name
    that does not resolve now is accepted (it is checked again when each delivery is sent)."""
    text = clean_url(value, field=field, required=required)
    if text is None:
        return None
    parts = urlsplit(text)
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:  # a port that is no number, or out of range
        raise ValidationFailed("error.url_invalid", field=field) from None
    try:
        found = resolve(parts.hostname, port, allow_private=get_settings().webhook_allow_private)
    except (OSError, UnicodeError, ValueError):
        return text
    if found.refused:
        raise ValidationFailed("webhooks.error.private_address", field=field, address=found.refused_address)
    return text
