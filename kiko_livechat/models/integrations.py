"""Outgoing webhooks to the bot and other systems."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.models.base import UTCDateTime, account_fk, created_at_field, time_field


class Webhook(SQLModel, table=True):
    __tablename__ = "webhooks"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    # None: account-wide; otherwise only this inbox's events.
    inbox_id: int | None = Field(default=None, foreign_key="inboxes.id", index=True, ondelete="CASCADE")
    url: str = Field(max_length=2000)
    subscriptions: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Signs each delivery (HMAC-SHA256 of timestamp and body).
    secret: str = Field(max_length=64)
    created_at: datetime = created_at_field()


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    DELIVERED = "delivered"
    # E-mails are "sent": what the mail server does with them is beyond us.
    SENT = "sent"
    FAILED = "failed"
    # Not sent because it no longer mattered (the agent read the messages meanwhile).
    SKIPPED = "skipped"


class WebhookDelivery(SQLModel, table=True):
    """One webhook call to make: written in the same transaction as the change it reports, so
    nothing is lost on a crash; a worker sends it, retries with backoff, and keeps the outcome."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        # The worker's question: what is due now?
        sa.Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),
        # The administrators' delivery log per inbox.
        sa.Index("ix_webhook_deliveries_inbox", "inbox_id", "id"),
        # What is due for one target, and whether an earlier delivery of the same conversation
        # is still pending (then this one waits).
        sa.Index("ix_webhook_deliveries_target_due", "target", "status", "next_attempt_at"),
        sa.Index("ix_webhook_deliveries_target_order", "target", "order_key", "status", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    inbox_id: int | None = Field(default=None, foreign_key="inboxes.id", ondelete="CASCADE")
    webhook_id: int | None = Field(default=None, foreign_key="webhooks.id", ondelete="CASCADE")
    # WebhookTarget.key: who receives it (one send at a time per target).
    target: str = Field(max_length=40)
    # The conversation (or, for contact events, the contact) whose deliveries keep their order;
    # None: no order to keep.
    order_key: str | None = Field(default=None, max_length=40)
    url: str = Field(max_length=2000)
    event: str = Field(max_length=40)
    payload: str = Field(sa_type=sa.Text)
    status: str = Field(default=DeliveryStatus.PENDING, max_length=10)
    attempts: int = Field(default=0)
    next_attempt_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_status_code: int | None = None
    # Why the last attempt failed (an exception's name and text; never the answer's body).
    last_error: str | None = Field(default=None, max_length=500)
    # One entry per attempt for the delivery log: {"at", "status_code", "duration_ms", "error",
    # "refused", "address"}.
    attempts_log: list[dict] = Field(default_factory=list, sa_type=sa.JSON)
    created_at: datetime = created_at_field()
    delivered_at: datetime | None = time_field()


class WebhookTarget(SQLModel, table=True):
    """Where deliveries go (an API inbox's webhook or an account webhook), shared by every worker
    process: at most one send in flight per target (`busy_until`, a lease a crashed worker lets
    run out), and a circuit breaker that pauses a target after repeated failures."""

    __tablename__ = "webhook_targets"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    # "inbox:<id>" or "webhook:<id>".
    key: str = Field(max_length=40, unique=True)
    inbox_id: int | None = Field(default=None, foreign_key="inboxes.id", ondelete="CASCADE")
    webhook_id: int | None = Field(default=None, foreign_key="webhooks.id", ondelete="CASCADE")
    busy_until: datetime | None = time_field()
    # When a send to it last started: the target served longest ago goes first.
    served_at: datetime | None = time_field()
    # Failed attempts in a row, and how often the breaker opened since the last success.
    failures: int = Field(default=0)
    pauses: int = Field(default=0)
    paused_until: datetime | None = time_field()


class AlertEmail(SQLModel, table=True):
    """The app's outgoing e-mail queue: an alert e-mail to an agent, a transcript to a visitor,
    an invitation or a login warning, queued in the transaction that caused it. Quick follow-ups in the same
    conversation join the pending row (the digest) instead of adding e-mails."""

    __tablename__ = "alert_emails"
    __table_args__ = (
        sa.Index("ix_alert_emails_due", "status", "send_after"),
        sa.Index("ix_alert_emails_pending", "user_id", "conversation_id", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # None for a login warning: it is about a person's login, not about an account.
    account_id: int | None = Field(default=None, foreign_key="accounts.id", index=True, ondelete="CASCADE")
    # The agent alerted; None for a transcript to the visitor (who is the conversation's contact).
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    # None for an invitation.
    conversation_id: int | None = Field(default=None, foreign_key="conversations.id", ondelete="CASCADE")
    invitation_id: int | None = Field(default=None, foreign_key="invitations.id", index=True, ondelete="CASCADE")
    # An invitation link's token, which the database otherwise keeps only as a hash: held while
    # the e-mail may still go out, cleared once it was sent, given up or superseded.
    invitation_token: str | None = Field(default=None, max_length=64)
    # The client address a login warning names (where the failed logins came from).
    client_address: str | None = Field(default=None, max_length=100)
    # The contact import an "import_done" e-mail reports.
    import_id: int | None = Field(default=None, foreign_key="contact_imports.id", ondelete="CASCADE")
    # An alert kind (services/alerts.KINDS), "transcript", "invitation" or "login_warning".
    kind: str = Field(max_length=20)
    events: int = Field(default=1)
    status: str = Field(default=DeliveryStatus.PENDING, max_length=10)
    attempts: int = Field(default=0)
    # Not before the end of the digest window; retries move it further.
    send_after: datetime = Field(sa_type=UTCDateTime, nullable=False)
    last_error: str | None = Field(default=None, max_length=500)
    created_at: datetime = created_at_field()
    sent_at: datetime | None = time_field()
