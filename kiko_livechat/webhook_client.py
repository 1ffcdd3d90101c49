"""One webhook attempt over HTTP: signed, to an address checked right before connecting, timed,
and without keeping the answer's body (the delivery log gets its status code and time only).

Every connection resolves the URL's name and checks each address (services/public_address.py)
in the network layer, then connects to that very address: a name that resolves elsewhere the
next time (DNS rebinding) cannot lead a request around the check. The request itself keeps the
name (Host header, TLS SNI and certificate check, one connection pool per name). Redirects are
not followed: a 3xx is a failed attempt.
"""

import asyncio
import time
from dataclasses import dataclass

import httpcore
import httpx

from kiko_livechat.services import public_address, webhooks
from kiko_livechat.settings import get_settings

# The whole attempt, from resolving the name to the answer's status line.
TIMEOUT_SECONDS = 5.0
# After the status line, at most this much of the answer is read (and dropped) within this time,
# so the connection can serve the next delivery; a longer answer closes it instead.
DRAIN_BYTES = 64 * 1024
DRAIN_SECONDS = 1.0


@dataclass(frozen=True)
class Outcome:
    status_code: int | None = None
    duration_ms: int = 0
    error: str | None = None
    refused: str | None = None
    address: str = ""


class AddressRefused(Exception):
    """The name resolves to no address a webhook may go to."""

    def __init__(self, kind: str, address: str) -> None:
        super().__init__(f"{address} refused ({kind})")
        self.kind, self.address = kind, address


class _CheckedNetwork(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to addresses that passed the check a moment before."""

    def __init__(self) -> None:
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        allow_private = get_settings().webhook_allow_private
        found = await asyncio.to_thread(public_address.resolve, host, port, allow_private=allow_private)
        if found.refused:
            raise AddressRefused(found.refused, found.refused_address)
        failure: Exception = httpcore.ConnectError(f"{host} has no address")
        for address in found.addresses:  # like any client: the next address when one does not connect
            try:
                return await self._network.connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                failure = exc
        raise failure

    async def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise AddressRefused("local", path)

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


def new_client(connections: int) -> httpx.AsyncClient:
    """The client for webhook sends: every connection through the address check. (httpx takes
    no network backend, so its transport's pool is replaced by one with the same settings and
    ours. With a transport given, httpx also uses no proxy from the environment, which would
    connect past the check.)"""
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    transport = httpx.AsyncHTTPTransport(limits=limits)
    transport._pool = httpcore.AsyncConnectionPool(
        ssl_context=httpx.create_ssl_context(),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=_CheckedNetwork(),
    )
    return httpx.AsyncClient(transport=transport, timeout=TIMEOUT_SECONDS, follow_redirects=False)


async def attempt(client: httpx.AsyncClient, due: webhooks.DueDelivery) -> Outcome:
    """Send `due` once; any failure is this delivery's alone and comes back as the outcome."""
    started = time.monotonic()
    outcome = Outcome()
    try:
        async with asyncio.timeout(TIMEOUT_SECONDS):
            response = await client.send(_request(client, due), stream=True)
        outcome = Outcome(status_code=response.status_code)
        await _drop_answer(response)
    except AddressRefused as refused:
        outcome = Outcome(refused=refused.kind, address=refused.address)
    except TimeoutError:
        outcome = Outcome(error=f"Timeout: no answer within {TIMEOUT_SECONDS:g} s")
    except Exception as exc:  # noqa: BLE001 - recorded with its reason, retried later
        outcome = Outcome(error=f"{type(exc).__name__}: {exc}".strip())
    duration = round((time.monotonic() - started) * 1000)
    return Outcome(outcome.status_code, duration, outcome.error, outcome.refused, outcome.address)


def _request(client: httpx.AsyncClient, due: webhooks.DueDelivery) -> httpx.Request:
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        webhooks.SIGNATURE_HEADER: webhooks.sign(due.secret, timestamp, due.body),
        webhooks.TIMESTAMP_HEADER: str(timestamp),
        webhooks.DELIVERY_HEADER: str(due.delivery_id),
        webhooks.EVENT_HEADER: due.event,
    }
    return client.build_request("POST", due.url, content=due.body.encode(), headers=headers)


async def _drop_answer(response: httpx.Response) -> None:
    """Read a short answer to its end (and forget it), so its connection can be used again."""
    try:
        async with asyncio.timeout(DRAIN_SECONDS):
            read = 0
            async for chunk in response.aiter_raw():
                read += len(chunk)
                if read > DRAIN_BYTES:
                    break
    except (TimeoutError, httpx.HTTPError):
        pass  # the status code is what counts; the connection is closed instead of reused
    finally:
        await response.aclose()
