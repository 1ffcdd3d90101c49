"""Background work every worker process runs as lifespan tasks (registered in kiko_livechat.py)."""

import asyncio
import logging
import time

import aiosmtplib
import httpx

from kiko_livechat.db import session_scope
from kiko_livechat.services import alert_mail, conversations, login_throttle, unanswered, webhooks
from kiko_livechat.settings import get_settings

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
TIMEOUT_SECONDS = 5.0
SNOOZE_CHECK_SECONDS = 30
# A reminder is at most this late after the inbox's time (two minutes by default).
REMINDER_CHECK_SECONDS = 10
LOGIN_CLEANUP_SECONDS = 600


async def wake_snoozed_conversations() -> None:
    """Reopen conversations whose snooze time has passed."""
    await _every(SNOOZE_CHECK_SECONDS, conversations.wake_snoozed, "waking snoozed conversations")


async def remind_unanswered() -> None:
    """Remind the agents of handoffs nobody has answered in their inbox's time."""
    await _every(REMINDER_CHECK_SECONDS, unanswered.remind_overdue, "reminding of unanswered conversations")


async def forget_old_login_failures() -> None:
    """Keep the login throttle's table as small as the recent failures."""
    await _every(LOGIN_CLEANUP_SECONDS, login_throttle.forget_old, "forgetting old login failures")


async def _every(seconds: float, work, what: str) -> None:
    """Run `work(db)` in a thread every `seconds`; a failure is logged and tried again next time."""

    def run() -> None:
        with session_scope() as db:
            work(db)

    while True:
        try:
            await asyncio.to_thread(run)
        except Exception:
            log.exception("%s failed", what)
        await asyncio.sleep(seconds)


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
    except Exception as exc:  # noqa: BLE001 - any failure is this delivery's alone: recorded, retried later
        error = f"{type(exc).__name__}: {exc}"
    await asyncio.to_thread(_record, due.delivery_id, status, error)


def _record(delivery_id: int, status: int | None, error: str | None) -> None:
    with session_scope() as db:
        webhooks.record_result(db, delivery_id=delivery_id, status_code=status, error=error)


async def send_alert_emails() -> None:
    """Send due e-mails (alerts, transcripts, invitations) through the configured SMTP server
    (nothing to do without one)."""
    while True:
        if alert_mail.email_enabled():
            try:
                for due in await asyncio.to_thread(_claim_emails):
                    await _send_email(due)
            except Exception:
                log.exception("alert e-mail round failed")
        await asyncio.sleep(POLL_SECONDS)


def _claim_emails() -> list[alert_mail.DueEmail]:
    with session_scope() as db:
        return alert_mail.claim_due(db)


async def _send_email(due: alert_mail.DueEmail) -> None:
    settings = get_settings()
    error = None
    try:
        await aiosmtplib.send(
            due.message,
            hostname=settings.smtp_host,
            port=settings.smtp_port,
            username=settings.smtp_user,
            password=settings.smtp_password,
            use_tls=settings.smtp_security == "tls",
            start_tls=settings.smtp_security == "starttls",
            timeout=TIMEOUT_SECONDS * 2,
        )
    except Exception as exc:  # noqa: BLE001 - any failure is this e-mail's alone: recorded, retried later
        error = f"{type(exc).__name__}: {exc}"
    await asyncio.to_thread(_record_email, due.email_id, error)


def _record_email(email_id: int, error: str | None) -> None:
    with session_scope() as db:
        alert_mail.record_result(db, email_id=email_id, error=error)
