"""Background work every worker process runs as lifespan tasks (registered in kiko_livechat.py)."""

import asyncio
import logging

import aiosmtplib

from kiko_livechat import webhook_client
from kiko_livechat.db import session_scope
from kiko_livechat.services import (
    alert_mail,
    attachments,
    contact_import,
    conversations,
    login_throttle,
    unanswered,
    webhooks,
)
from kiko_livechat.settings import get_settings

log = logging.getLogger(__name__)
POLL_SECONDS = 1.0
# Webhooks queued in this process wake its worker at once; this poll finds the rest (another
# process's, retries coming due, a paused target's end). At 1 s the fast bot of the fairness
# test saw a p99 just over 1 s under load: the wake alone does not yet carry it (issue 14).
WEBHOOK_POLL_SECONDS = 0.25
# An e-mail's SMTP conversation gets twice this.
TIMEOUT_SECONDS = 5.0
SNOOZE_CHECK_SECONDS = 30
# A reminder is at most this late after the inbox's time (two minutes by default).
REMINDER_CHECK_SECONDS = 10
# Leftover uploads need no hurry: they cost disk, not correctness.
ATTACHMENT_SWEEP_SECONDS = 600
# How soon a queued contact import is picked up.
IMPORT_POLL_SECONDS = 1.0
LOGIN_CLEANUP_SECONDS = 600


async def wake_snoozed_conversations() -> None:
    """Reopen conversations whose snooze time has passed."""
    await _every(SNOOZE_CHECK_SECONDS, conversations.wake_snoozed, "waking snoozed conversations")


async def remind_unanswered() -> None:
    """Remind the agents of handoffs nobody has answered in their inbox's time."""
    await _every(REMINDER_CHECK_SECONDS, unanswered.remind_overdue, "reminding of unanswered conversations")


async def sweep_attachments() -> None:
    """Staged uploads nobody sent, and stored files no row refers to any more (a deleted
    conversation's), are removed (services/attachments.sweep)."""
    await _every(ATTACHMENT_SWEEP_SECONDS, attachments.sweep, "sweeping attachments")


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


async def run_contact_imports() -> None:
    """Contact imports, one batch after another (services/contact_import.py): each batch in a
    thread of its own, the event loop free in between, so chats go on during a large import."""

    def claim() -> int | None:
        with session_scope() as db:
            return contact_import.claim(db)

    def batch(import_id: int) -> bool:
        with session_scope() as db:
            return contact_import.run_batch(db, import_id=import_id)

    while True:
        try:
            import_id = await asyncio.to_thread(claim)
            while import_id is not None and await asyncio.to_thread(batch, import_id):
                await asyncio.sleep(0)
        except Exception:
            log.exception("contact import failed")
            import_id = None
        if import_id is None:
            await asyncio.sleep(IMPORT_POLL_SECONDS)


async def deliver_webhooks() -> None:
    """Send due webhook deliveries side by side: at most KIKO_WEBHOOK_CONCURRENCY at once and one
    per target at a time (services/webhook_targets.py). The worker claims more while sends are
    in flight, so a slow or dead bot endpoint holds one slot and delays nobody else's deliveries;
    a finished send frees its slot and its target at once."""
    slots = max(1, get_settings().webhook_concurrency)
    sending: set[asyncio.Task] = set()
    queued = asyncio.Event()
    loop = asyncio.get_running_loop()
    async with webhook_client.new_client(slots) as client:
        stop_waking = webhooks.call_when_queued(lambda: loop.call_soon_threadsafe(queued.set))
        try:
            while True:
                queued.clear()  # before claiming: what is queued meanwhile wakes the wait below
                if len(sending) < slots:
                    try:
                        for due in await asyncio.to_thread(_claim_deliveries, slots - len(sending)):
                            task = asyncio.create_task(_deliver(client, due))
                            sending.add(task)
                            task.add_done_callback(sending.discard)
                    except Exception:
                        log.exception("claiming webhook deliveries failed")
                # Claim again when a send ends (its target may have more), when this process
                # queued deliveries, or after the poll interval (other processes' work, retries).
                waker = asyncio.create_task(queued.wait())
                await asyncio.wait({*sending, waker}, timeout=WEBHOOK_POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED)
                waker.cancel()
        finally:  # shutting down: a cancelled send's target is free again when its lease runs out
            stop_waking()
            for task in list(sending):
                task.cancel()


def _claim_deliveries(limit: int) -> list[webhooks.DueDelivery]:
    with session_scope() as db:
        return webhooks.claim_due(db, limit=limit)


async def _deliver(client, due: webhooks.DueDelivery) -> None:
    outcome = await webhook_client.attempt(client, due)
    try:
        await asyncio.to_thread(_record, due.delivery_id, outcome)
    except Exception:
        log.exception("recording webhook delivery %s failed", due.delivery_id)


def _record(delivery_id: int, outcome: webhook_client.Outcome) -> None:
    with session_scope() as db:
        webhooks.record_result(
            db,
            delivery_id=delivery_id,
            status_code=outcome.status_code,
            error=outcome.error,
            duration_ms=outcome.duration_ms,
            refused=outcome.refused,
            address=outcome.address,
        )


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
