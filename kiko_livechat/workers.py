"""Background work every worker process runs as lifespan tasks (registered in kiko_livechat.py)."""

import asyncio
import logging
import time

import httpx

from kiko_livechat.db import session_scope
from kiko_livechat.services import webhooks

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
TIMEOUT_SECONDS = 5.0


async def deliver_webhooks() -> None:
    """Send due webhook deliveries, concurrently, each with a short timeout: a slow or dead bot
    endpoint delays only its own deliveries, never the chat."""
    async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False) as client:
        while True:
            try:
                due = await asyncio.to_thread(_claim)
                if due:
                    await _send_in_order(client, due)
                    continue  # there may be more
            except Exception:
                log.exception("webhook delivery round failed")
            await asyncio.sleep(POLL_SECONDS)


async def _send_in_order(client: httpx.AsyncClient, due: list[webhooks.DueDelivery]) -> None:
    """One endpoint gets its events in the order they happened; endpoints run side by side."""
    by_url: dict[str, list[webhooks.DueDelivery]] = {}
    for delivery in due:
        by_url.setdefault(delivery.url, []).append(delivery)

    async def one_endpoint(deliveries):
        for delivery in deliveries:
            await _send(client, delivery)

    await asyncio.gather(*(one_endpoint(group) for group in by_url.values()))


def _claim() -> list[webhooks.DueDelivery]:
    with session_scope() as db:
        return webhooks.claim_due(db)


async def _send(client: httpx.AsyncClient, due: webhooks.DueDelivery) -> None:
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        webhooks.SIGNATURE_HEADER: webhooks.sign(due.secret, timestamp, due.body),
        webhooks.TIMESTAMP_HEADER: str(timestamp),
        webhooks.DELIVERY_HEADER: str(due.delivery_id),
        webhooks.EVENT_HEADER: due.event,
    }
    status, error = None, None
    try:
        response = await client.post(due.url, content=due.body.encode(), headers=headers)
        status = response.status_code
        if status >= 300:
            error = response.text[:200]
    except httpx.HTTPError as exc:
        error = f"{type(exc).__name__}: {exc}"
    await asyncio.to_thread(_record, due.delivery_id, status, error)


def _record(delivery_id: int, status: int | None, error: str | None) -> None:
    with session_scope() as db:
        webhooks.record_result(db, delivery_id=delivery_id, status_code=status, error=error)
