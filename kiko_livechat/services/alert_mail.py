"""Alert e-mails to agents: queued with the change that caused them, digested, composed in the
agent's language at send time, sent by the worker (kiko_livechat/workers.py) with retries.
The same queue carries the visitors' transcripts (services/transcripts.py), invitations
(services/invitation_mail.py) and login warnings (services/login_warning_mail.py)."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from html import escape

from sqlmodel import Session, select

from kiko_livechat.i18n import translate
from kiko_livechat.models import (
    Account,
    AlertEmail,
    Conversation,
    DeliveryStatus,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.services import alerts, import_mail, invitation_mail, login_warning_mail, transcripts, work_queue
from kiko_livechat.services.mail import build_email, email_enabled
from kiko_livechat.services.notification_preferences import email_kinds_of
from kiko_livechat.settings import get_settings

log = logging.getLogger(__name__)
BACKOFF_SECONDS = (30, 120, 600, 1800, 3600)
LEASE_SECONDS = 120
# Handoffs and assignments go out at once; visitor messages wait for the digest window.
IMMEDIATE = (alerts.HANDOFF, alerts.ASSIGNED, alerts.TEAM, alerts.UNANSWERED)


@dataclass(frozen=True)
class DueEmail:
    email_id: int
    message: EmailMessage


def queue(session: Session, fresh: list[events.ChatEvent], now: datetime) -> None:
    """Step 2 of services/changes.py: the alert e-mails the (already routed) events call for, and
    a visitor's transcript after an agent's answer. Nothing when e-mail is not set up."""
    if not email_enabled():
        return
    alerted = [(e.account_id, user_id, e.conversation_id, kind) for e in fresh for user_id, kind in events.alerted(e)]
    if alerted:  # nobody alerted (most events): no query
        _queue(session, alerted, now)
    for event in fresh:
        transcripts.queue_after_answer(session, event, now)


def _queue(session: Session, alerted: list[tuple[int, int, int, str]], now: datetime) -> None:
    """The e-mails for (account, user, conversation, kind), with two queries for all of them."""
    wanted = email_kinds_of(session, {(account_id, user_id) for account_id, user_id, _, _ in alerted})
    alerted = [alert for alert in alerted if alert[3] in wanted[alert[0], alert[1]]]
    if not alerted:
        return
    waiting = {
        (row.user_id, row.conversation_id, row.kind): row
        for row in session.exec(
            select(AlertEmail).where(
                AlertEmail.user_id.in_({user_id for _, user_id, _, _ in alerted}),
                AlertEmail.conversation_id.in_({conversation_id for _, _, conversation_id, _ in alerted}),
                AlertEmail.status == DeliveryStatus.PENDING,
                AlertEmail.attempts == 0,
            )
        ).all()
    }
    for account_id, user_id, conversation_id, kind in alerted:
        pending = waiting.get((user_id, conversation_id, kind))
        if pending is not None:  # the digest: one e-mail for a burst of the same kind in one conversation
            pending.events += 1
            session.add(pending)
            continue
        delay = 0 if kind in IMMEDIATE else get_settings().alert_digest_seconds
        waiting[user_id, conversation_id, kind] = row = AlertEmail(
            account_id=account_id,
            user_id=user_id,
            conversation_id=conversation_id,
            kind=kind,
            send_after=now + timedelta(seconds=delay),
            created_at=now,
        )
        session.add(row)


def claim_due(session: Session, *, now: datetime | None = None, limit: int = 20) -> list[DueEmail]:
    """E-mails to send now, composed, and leased to the caller (SKIP LOCKED on PostgreSQL)."""
    now = now or utcnow()
    rows = work_queue.claim(session, AlertEmail, "send_after", now=now, lease_seconds=LEASE_SECONDS, limit=limit)
    due = []
    for row in rows:
        try:
            with session.begin_nested():  # a failed read must not spoil the others' transaction
                message = compose(session, row) if _still_wanted(session, row, now) else None
        except Exception as exc:  # noqa: BLE001 - one e-mail that cannot be built never blocks the rest
            log.exception("alert e-mail %s cannot be composed", row.id)
            _settle(row, f"{type(exc).__name__}: {exc}", now)
            continue
        if message is not None:
            due.append(DueEmail(row.id, message))
        else:
            row.status = DeliveryStatus.SKIPPED
            row.invitation_token = None
            session.add(row)
    session.commit()
    return due


def _still_wanted(session: Session, row: AlertEmail, now: datetime) -> bool:
    """False if the e-mail no longer has anything to tell: the messages were read during the
    digest window, or the invitation was accepted, withdrawn or expired meanwhile."""
    if row.kind == alerts.MESSAGE:
        return alerts.is_unread(session, session.get(Conversation, row.conversation_id))
    if row.kind == invitation_mail.INVITATION:
        return invitation_mail.still_wanted(session, row, now)
    return True


def record_result(session: Session, *, email_id: int, error: str | None, now: datetime | None = None) -> None:
    now = now or utcnow()
    row = session.get(AlertEmail, email_id)
    if row is None or row.status != DeliveryStatus.PENDING:
        return
    _settle(row, error, now)
    session.commit()


def _settle(row: AlertEmail, error: str | None, now: datetime) -> None:
    """After an attempt: sent, or due again after the next backoff step with its reason, or
    given up once every step was used."""
    work_queue.settle(row, "send_after", ok=error is None, done=DeliveryStatus.SENT, now=now, backoff=BACKOFF_SECONDS)
    row.sent_at = now if error is None else None
    row.last_error = error[:500] if error else None
    if row.status != DeliveryStatus.PENDING:  # sent or given up: the link's token is not kept
        row.invitation_token = None
    # The row belongs to the caller's session, which writes the change with its commit.


def compose(session: Session, row: AlertEmail) -> EmailMessage:
    """The e-mail in the agent's language: who, the last visitor message, a link to it (or the
    visitor's transcript)."""
    if row.kind == transcripts.TRANSCRIPT:
        return transcripts.compose(session, row)
    if row.kind == invitation_mail.INVITATION:
        return invitation_mail.compose(session, row)
    if row.kind == login_warning_mail.LOGIN_WARNING:
        return login_warning_mail.compose(session, row)
    if row.kind == import_mail.IMPORT_DONE:
        return import_mail.compose(session, row)
    user = session.get(User, row.user_id)
    account = session.get(Account, row.account_id)
    conversation = session.get(Conversation, row.conversation_id)
    locale = user.locale or account.locale
    about = alerts.subject_of(session, conversation, locale)
    who, last = about.who, about.last_message
    link = f"{get_settings().base_url}/app/conversations/{conversation.display_id}"
    subject = translate(locale, f"mail.subject.{row.kind}", who=who, number=conversation.display_id)
    intro = translate(locale, f"mail.intro.{row.kind}", who=who, count=row.events)
    action = translate(locale, "mail.open")
    return build_email(
        to=user.email,
        subject=subject,
        text=f"{intro}\n\n{last}\n\n{action}: {link}\n",
        html=f"<p>{escape(intro)}</p><blockquote>{escape(last)}</blockquote>"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p>',
        reference=f"alert-{row.id}",
    )
