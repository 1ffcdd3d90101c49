"""Webhooks to the bot (its API inbox's webhook URL) and to account webhooks, Chatwoot-shaped.

Deliveries are written into an outbox table in the same transaction as the change they report,
so a crash loses none; a worker (kiko_livechat/workers.py) sends them signed, retries with
backoff and keeps the outcome for the administrators' delivery log. The chat never waits for it.
"""

import contextlib
import hashlib
import hmac
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased
from sqlmodel import Session, select, update

from kiko_livechat.models import (
    Account,
    ChannelType,
    Contact,
    Conversation,
    ConversationStatus,
    DeliveryStatus,
    Inbox,
    Message,
    SenderType,
    Webhook,
    WebhookDelivery,
    WebhookTarget,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.services import api_rows, chatwoot_json, webhook_targets, work_queue
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.contacts import view as contact_view
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.public_address import clean_webhook_url
from kiko_livechat.services.scoping import get_in_account

# Seconds to wait before each retry; after the last one the delivery is given up as failed.
BACKOFF_SECONDS = (10, 30, 120, 600, 1800, 3600, 10800)
# A claimed delivery that was not reported back in time (the worker died) is due again, and
# its target free for another send.
LEASE_SECONDS = 60
# A delivery still pending a day after it was queued (its target paused meanwhile, so its own
# retries never ran out) is given up when the target is paused again: news that old is no news
# to a bot, and a dead endpoint's queue does not grow for ever.
GIVE_UP_SECONDS = 24 * 3600
SIGNATURE_HEADER = "X-Kiko-Signature"
TIMESTAMP_HEADER = "X-Kiko-Timestamp"
DELIVERY_HEADER = "X-Kiko-Delivery"
EVENT_HEADER = "X-Kiko-Event"
LOG_SIZE = 20


@dataclass(frozen=True)
class DueDelivery:
    delivery_id: int
    url: str
    secret: str
    event: str
    body: str


@dataclass(frozen=True)
class AttemptLogRow:
    """One attempt: the answer's status code (None: no answer) and how long it took; or why it
    failed without an answer (`error`), or was refused before connecting (`refused`, a kind of
    services/public_address.KINDS, with the `address` refused)."""

    at: datetime
    status_code: int | None
    duration_ms: int | None
    error: str = ""
    refused: str | None = None
    address: str = ""


@dataclass(frozen=True)
class DeliveryLogRow:
    delivery_id: int
    event: str
    status: str
    attempts: int
    last_status_code: int | None
    last_error: str
    created_at: datetime
    delivered_at: datetime | None
    attempts_log: tuple[AttemptLogRow, ...] = ()


@dataclass(frozen=True)
class DeliveryLog:
    """An inbox webhook's latest deliveries, and its circuit breaker: failures in a row and,
    while its deliveries are paused, until when."""

    rows: list[DeliveryLogRow]
    failures: int
    paused_until: datetime | None


def sign(secret: str, timestamp: int, body: str) -> str:
    """The signature header value: HMAC-SHA256 over "<timestamp>.<body>"."""
    digest = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def queue(session: Session, fresh: list[events.ChatEvent], now: datetime) -> None:
    """Step 3 of services/changes.py: turn the events of this transaction into deliveries, inside
    the same transaction."""
    reads = _Reads(session, fresh)
    targets: dict[str, dict] = {}
    for event in fresh:
        _enqueue_event(session, event, now, reads, targets)
    webhook_targets.ensure(session, list(targets.values()))
    if targets and _on_queued:
        # The worker of this process looks at once, not at its next poll (once committed).
        sa.event.listen(session, "after_commit", _wake_workers, once=True)


_on_queued: list[Callable[[], None]] = []


def call_when_queued(wake: Callable[[], None]) -> Callable[[], None]:
    """`wake()` runs (in the committing thread) after a transaction that queued deliveries
    commits; returns the function that stops it."""
    _on_queued.append(wake)
    return lambda: _on_queued.remove(wake)


def _wake_workers(_session: Session) -> None:
    for wake in list(_on_queued):
        with contextlib.suppress(Exception):  # the commit is done; a worker shutting down misses nothing
            wake()


# Columns, not rows: every commit with events asks, and most find nothing (loading whole ORM
# rows was about a tenth of the CPU of a visitor's message).
_HOOKS = select(Webhook.id, Webhook.inbox_id, Webhook.url, Webhook.subscriptions).where(
    Webhook.account_id == sa.bindparam("account_id")
)
_INBOX = select(Inbox.id, Inbox.channel_type, Inbox.webhook_url, Inbox.bot_receives_after_handoff).where(
    Inbox.id == sa.bindparam("inbox_id")
)


class _Reads:
    """Lookups the events of one transaction share (a handoff emits a dozen): the account's
    webhooks, the inboxes, and who wrote each new message, each read once."""

    def __init__(self, session: Session, fresh: list[events.ChatEvent]) -> None:
        self.session = session
        self.fresh = fresh
        self._hooks: dict[int, list[sa.Row]] = {}
        self._inboxes: dict[int, sa.Row | None] = {}
        self._senders: dict[int, str] | None = None

    def hooks(self, account_id: int) -> list[sa.Row]:
        """The account's webhooks: id, inbox_id, url, subscriptions."""
        if account_id not in self._hooks:
            self._hooks[account_id] = list(self.session.exec(_HOOKS, params={"account_id": account_id}).all())
        return self._hooks[account_id]

    def inbox(self, inbox_id: int) -> sa.Row | None:
        """What decides whether an inbox's bot hears an event: id, channel_type, webhook_url,
        bot_receives_after_handoff."""
        if inbox_id not in self._inboxes:
            self._inboxes[inbox_id] = self.session.exec(_INBOX, params={"inbox_id": inbox_id}).first()
        return self._inboxes[inbox_id]

    def sender_type(self, message_id: int) -> str | None:
        """Who wrote the message (the sender types of all the transaction's messages, in one query)."""
        if self._senders is None:
            ids = [e.message_id for e in self.fresh if e.kind == events.MESSAGE_CREATED and e.message_id]
            query = select(Message.id, Message.sender_type).where(Message.id.in_(ids))
            self._senders = dict(self.session.exec(query).all()) if ids else {}
        return self._senders.get(message_id)


def _enqueue_event(
    session: Session, event: events.ChatEvent, now: datetime, reads: _Reads, seen_targets: dict[str, dict]
) -> None:
    name = _event_name(event)
    if name is None:
        return
    targets = _targets(session, event, name, reads)
    if not targets:  # most events of most inboxes: nobody listens, build nothing
        return
    # An account webhook (inbox_id None) is the administrators' and hears agents' addresses; the bot
    # at its inbox's URL knows agents by name only, as its token does (Actor.sees_agent_emails).
    payloads = _payloads(session, event, name, audiences={inbox_id is None for _, inbox_id, _ in targets})
    if payloads is None:  # private note, or a record deleted meanwhile
        return
    bodies = {emails: json.dumps(payload, ensure_ascii=False) for emails, payload in payloads.items()}
    # A conversation's events reach each target in order; a contact's likewise.
    order_key = (
        f"contact:{event.detail.get('contact_id')}"
        if name.startswith("contact_")
        else f"conversation:{event.conversation_id}"
    )
    for url, inbox_id, webhook_id in targets:
        body = bodies[inbox_id is None]
        target = webhook_targets.row(event.account_id, inbox_id=inbox_id, webhook_id=webhook_id)
        seen_targets[target["key"]] = target
        session.add(
            WebhookDelivery(
                account_id=event.account_id,
                inbox_id=inbox_id,
                webhook_id=webhook_id,
                target=target["key"],
                order_key=order_key,
                url=url,
                event=name,
                payload=body,
                next_attempt_at=now,
                created_at=now,
            )
        )


def _event_name(event: events.ChatEvent) -> str | None:
    if event.kind == events.CONVERSATION_UPDATED:
        what = event.detail.get("changed", [])
        if what == [events.HANDOFF]:  # told to the bot by the status change of the same transaction
            return None
        if what == [events.LABEL_LOOK]:  # a label's new colour: the conversation's labels are the same
            return None
        return "conversation_status_changed" if "status" in what else "conversation_updated"
    return {
        events.MESSAGE_CREATED: "message_created",
        events.CONVERSATION_CREATED: "conversation_created",
        events.CONTACT_CREATED: "contact_created",
        events.CONTACT_UPDATED: "contact_updated",
    }.get(event.kind)


def _payloads(session: Session, event: events.ChatEvent, name: str, *, audiences: set[bool]) -> dict[bool, dict] | None:
    """The event's body for each audience (True: with agents' e-mail addresses), from rows read
    once; None when there is nothing to tell."""
    account = session.get(Account, event.account_id)
    base = {"event": name, "account": {"id": account.id, "name": account.name}}
    if name.startswith("contact_"):
        contact = session.get(Contact, event.detail.get("contact_id"))
        return dict.fromkeys(audiences, {**base, **chatwoot_json.contact(contact_view(contact))}) if contact else None
    if session.get(Conversation, event.conversation_id) is None:
        return None
    said = None  # the new message of a message_created, with its sender
    if name == "message_created":
        message = session.get(Message, event.message_id)
        if message is None or message.private:
            return None  # private notes never leave the dashboard
        (said,) = api_rows.messages(session, [message], account.id)
    rows = api_rows.conversation(session, event.conversation_id)
    base["inbox"] = {"id": rows.inbox.inbox_id, "name": rows.inbox.name}
    return {emails: _conversation_payload(base, event, name, rows, said, emails) for emails in audiences}


def _conversation_payload(
    base: dict,
    event: events.ChatEvent,
    name: str,
    rows: api_rows.ConversationRows,
    said: api_rows.MessageRow | None,
    agent_emails: bool,
) -> dict:
    # Chatwoot's push data names the channel at the top as well as in meta.
    conversation_json = {
        **chatwoot_json.conversation(rows, agent_emails=agent_emails),
        "channel": chatwoot_json.channel(rows.inbox.channel_type),
    }
    if name in ("conversation_status_changed", "conversation_updated"):
        changed = chatwoot_json.changed_attributes(rows.conversation, event.detail.get("changed", []))
        return {**base, **conversation_json, "changed_attributes": changed}
    if said is None:
        return {**base, **conversation_json}
    shaped = chatwoot_json.message(
        said, rows.conversation, rows.contact, rows.inbox, webhook=True, agent_emails=agent_emails
    )
    return {**base, **shaped, "conversation": conversation_json}


def _targets(
    session: Session, event: events.ChatEvent, name: str, reads: _Reads
) -> list[tuple[str, int | None, int | None]]:
    targets = []
    inbox = reads.inbox(event.inbox_id) if event.inbox_id else None
    if inbox is not None and inbox.channel_type == ChannelType.API and inbox.webhook_url:
        if _bot_wants(session, inbox, event, name, reads):
            targets.append((inbox.webhook_url, inbox.id, None))
    for hook in reads.hooks(event.account_id):
        if (hook.inbox_id in (None, event.inbox_id)) and (not hook.subscriptions or name in hook.subscriptions):
            targets.append((hook.url, None, hook.id))
    return targets


def _bot_wants(session: Session, inbox: sa.Row, event: events.ChatEvent, name: str, reads: _Reads) -> bool:
    """The bot hears everything of its inbox except its own lines and, once it handed the
    conversation to a human, the visitor's messages (unless the inbox keeps Chatwoot's way)."""
    if name != "message_created":
        return True
    sender_type = reads.sender_type(event.message_id)
    if sender_type == SenderType.BOT:
        return False
    if sender_type == SenderType.CONTACT and not inbox.bot_receives_after_handoff:
        conversation = session.get(Conversation, event.conversation_id)
        return conversation.status == ConversationStatus.PENDING or conversation.handed_off_at is None
    return True


EVENTS = (
    "conversation_created",
    "conversation_status_changed",
    "conversation_updated",
    "message_created",
    "contact_created",
    "contact_updated",
)


@dataclass(frozen=True)
class WebhookView:
    webhook_id: int
    url: str
    subscriptions: tuple[str, ...]
    inbox_id: int | None
    # Only on creation: the secret that signs its deliveries.
    secret: str | None = None


def list_webhooks(session: Session, *, actor: Actor) -> list[WebhookView]:
    """The account's webhooks (administrators only)."""
    actor.require_admin()
    rows = session.exec(select(Webhook).where(Webhook.account_id == actor.account_id).order_by(Webhook.id)).all()
    return [WebhookView(w.id, w.url, tuple(w.subscriptions or ()), w.inbox_id) for w in rows]


def create_webhook(
    session: Session, *, actor: Actor, url: object, subscriptions: object = None, inbox_id: object = None
) -> WebhookView:
    """An account webhook for the chosen events (all when none are named), optionally one inbox's."""
    actor.require_admin()
    clean = clean_webhook_url(url, field="url", required=True)
    events_wanted = list(EVENTS) if subscriptions is None else subscriptions
    if not isinstance(events_wanted, list) or not events_wanted or any(e not in EVENTS for e in events_wanted):
        raise ValidationFailed("webhooks.error.subscriptions", field="subscriptions", events=", ".join(EVENTS))
    inbox = (
        get_in_account(session, Inbox, account_id=actor.account_id, obj_id=inbox_id) if inbox_id is not None else None
    )
    hook = Webhook(
        account_id=actor.account_id,
        inbox_id=inbox.id if inbox else None,
        url=clean,
        subscriptions=list(dict.fromkeys(events_wanted)),
        secret=secrets.token_hex(32),
    )
    session.add(hook)
    session.flush()
    webhook_targets.ensure(session, [webhook_targets.row(actor.account_id, webhook_id=hook.id)])
    session.commit()
    return WebhookView(hook.id, hook.url, tuple(hook.subscriptions), hook.inbox_id, secret=hook.secret)


def delete_webhook(session: Session, *, actor: Actor, webhook_id: object) -> None:
    actor.require_admin()
    session.delete(get_in_account(session, Webhook, account_id=actor.account_id, obj_id=webhook_id))
    session.commit()


def claim_due(session: Session, *, now: datetime | None = None, limit: int = 20) -> list[DueDelivery]:
    """Deliveries to send now, at most `limit` and one per target, each leased to the caller
    with its target (services/webhook_targets.py): a target with a send in flight or paused by
    its circuit breaker gets none, and a delivery waits while an earlier one of its conversation
    to the same target is pending (order per conversation). Concurrent workers never send two
    deliveries of one target at once (FOR UPDATE SKIP LOCKED on PostgreSQL, a conditional
    lease everywhere)."""
    now = now or utcnow()
    until = now + timedelta(seconds=LEASE_SECONDS)
    # Driven by the due deliveries (few; a paused target's wait until its pause ends), not by
    # the targets (one per webhook of every account).
    has_work = WebhookTarget.key.in_(select(WebhookDelivery.target).where(_sendable(now)))
    due = []
    for target_id, target in webhook_targets.ready(session, now=now, has_work=has_work, limit=limit):
        if not webhook_targets.lease(session, target_id, now=now, until=until):
            continue
        row = session.exec(
            select(WebhookDelivery)
            .where(WebhookDelivery.target == target, _sendable(now))
            .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
            .limit(1)
        ).first()
        if row is None:  # sent by another worker since the target was chosen
            webhook_targets.release(session, target, now=now, ok=None)
            continue
        row.attempts += 1
        row.next_attempt_at = until
        session.add(row)
        due.append(DueDelivery(row.id, row.url, _secret(session, row), row.event, row.payload))
    session.commit()
    return due


def _sendable(now: datetime):
    """Due, and no earlier delivery of the same conversation to the same target still pending."""
    earlier = aliased(WebhookDelivery)
    blocked = (
        select(earlier.id)
        .where(
            earlier.target == WebhookDelivery.target,
            earlier.order_key == WebhookDelivery.order_key,
            earlier.status == DeliveryStatus.PENDING,
            earlier.id < WebhookDelivery.id,
        )
        # OFFSET keeps PostgreSQL from turning this into a hash join over every pending delivery
        # (a dead endpoint's queue, held back): it asks the index ix_webhook_deliveries_target_order
        # once per due delivery instead.
        .offset(0)
    )
    return sa.and_(
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        ~sa.exists(blocked),
    )


def record_result(
    session: Session,
    *,
    delivery_id: int,
    status_code: int | None,
    error: str | None,
    now: datetime | None = None,
    duration_ms: int | None = None,
    refused: str | None = None,
    address: str = "",
) -> None:
    """A 2xx answer delivers; anything else is retried after the next backoff step, or given up.
    A send refused before connecting (`refused`: the target's address is not public) is given up
    at once. The target is free for its next send, and its circuit breaker counts the outcome."""
    now = now or utcnow()
    row = session.get(WebhookDelivery, delivery_id)
    if row is None or row.status != DeliveryStatus.PENDING:
        return
    ok = status_code is not None and 200 <= status_code < 300
    row.last_status_code = status_code
    row.last_error = (f"refused ({refused}): {address}" if refused else (error or ""))[:500] or None
    entry = {
        "at": now.isoformat(),
        "status_code": status_code,
        "duration_ms": duration_ms,
        "error": (error or "")[:200],
    }
    if refused:
        entry.update(refused=refused, address=address)
        row.status = DeliveryStatus.FAILED
    else:
        work_queue.settle(
            row, "next_attempt_at", ok=ok, done=DeliveryStatus.DELIVERED, now=now, backoff=BACKOFF_SECONDS
        )
    row.attempts_log = [*(row.attempts_log or []), entry]
    row.delivered_at = now if ok else None
    session.add(row)
    paused_until = webhook_targets.release(session, row.target, now=now, ok=None if refused else ok)
    if paused_until:
        _hold_back(session, row.target, now, paused_until)
    session.commit()


def _hold_back(session: Session, target: str, now: datetime, paused_until: datetime) -> None:
    """The target was just paused: its pending deliveries wait for the end of the pause (without
    using up their retries, and out of the way of the workers' question what is due), and those
    queued a day ago or longer are given up, so a dead endpoint's queue does not grow for ever."""
    pending = (WebhookDelivery.target == target, WebhookDelivery.status == DeliveryStatus.PENDING)
    session.exec(
        update(WebhookDelivery)
        .where(*pending, WebhookDelivery.created_at < now - timedelta(seconds=GIVE_UP_SECONDS))
        .values(status=DeliveryStatus.FAILED, last_error="given up: the endpoint kept failing")
        .execution_options(synchronize_session=False)
    )
    session.exec(
        update(WebhookDelivery)
        .where(*pending, WebhookDelivery.next_attempt_at < paused_until)
        .values(next_attempt_at=paused_until)
        .execution_options(synchronize_session=False)
    )


def recent_deliveries(session: Session, *, actor: Actor, inbox_id: object) -> DeliveryLog:
    """The latest deliveries to an inbox's webhook, each attempt's status code and time, and
    whether its deliveries are paused (administrators only)."""
    actor.require_admin()
    inbox = get_in_account(session, Inbox, account_id=actor.account_id, obj_id=inbox_id)
    rows = session.exec(
        select(WebhookDelivery)
        .where(WebhookDelivery.inbox_id == inbox.id)
        .order_by(WebhookDelivery.id.desc())
        .limit(LOG_SIZE)
    ).all()
    health = webhook_targets.health(session, webhook_targets.key(inbox_id=inbox.id), now=utcnow())
    return DeliveryLog(
        [
            DeliveryLogRow(
                r.id,
                r.event,
                r.status,
                r.attempts,
                r.last_status_code,
                r.last_error or "",
                r.created_at,
                r.delivered_at,
                tuple(_attempt(a) for a in r.attempts_log or ()),
            )
            for r in rows
        ],
        health.failures,
        health.paused_until,
    )


def _attempt(entry: dict) -> AttemptLogRow:
    return AttemptLogRow(
        at=datetime.fromisoformat(entry["at"]),
        status_code=entry.get("status_code"),
        duration_ms=entry.get("duration_ms"),
        error=entry.get("error") or "",
        refused=entry.get("refused"),
        address=entry.get("address", ""),
    )


def _secret(session: Session, row: WebhookDelivery) -> str:
    if row.inbox_id is not None:
        return session.get(Inbox, row.inbox_id).webhook_secret
    hook = session.get(Webhook, row.webhook_id)
    return hook.secret if hook else ""
