"""Who is asking, for the per-address rate limit: the peer address from the ASGI scope.

X-Forwarded-For is written by the client unless the request came through our own proxies, so it
is read only as Reflex reads it for its websocket clients: with `trusted_proxy_hops` set in
rxconfig.py, the address that many hops back. An IPv6 client usually owns a whole /64, so its
addresses count as one."""

import ipaddress

from reflex.config import get_config
from starlette.types import Scope


def client_address(scope: Scope) -> str:
    client = scope.get("client")
    address = client[0] if client else ""
    hops = get_config().trusted_proxy_hops
    if hops:
        forwarded = dict(scope.get("headers", [])).get(b"x-forwarded-for", b"").decode("latin-1")
        hosts = [host.strip() for host in forwarded.split(",") if host.strip()]
        if len(hosts) >= hops:
            address = hosts[-hops]
    return _network(address)


def _network(address: str) -> str:
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address[:64]  # not an IP address (a unix socket, a test client): as it is
    if parsed.version == 4:
        return str(parsed)
    if parsed.ipv4_mapped is not None:  # ::ffff:203.0.113.7 is the IPv4 client it names
        return str(parsed.ipv4_mapped)
    return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
