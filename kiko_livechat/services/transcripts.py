"""The transcript a visitor gets by e-mail when they left their address in the widget (nobody
was online, or nobody answered in time): queued with the first agent answer after that (and
after the digest window, so an answer in a few messages goes as one e-mail), composed at send
time in the visitor's language."""

from datetime import datetime, timedelta
from email.message import EmailMessage
from html import escape

from sqlmodel import Session, select

from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.models import (
    Account,
    AlertEmail,
    Contact,
    Conversation,
    Message,
    MessageType,
    SenderType,
)
from kiko_livechat.realtime import events
from kiko_livechat.services.mail import build_email
from kiko_livechat.services.messages import messages_after
from kiko_livechat.settings import get_settings

TRANSCRIPT = "transcript"


def queue_after_answer(session: Session, event: events.ChatEvent, now: datetime) -> None:
    """If `event` is an agent's answer in a conversation whose visitor left an address to be
    answered by e-mail, queue their transcript (once per conversation)."""
    if event.kind != events.MESSAGE_CREATED or event.private:
        return
    message = session.get(Message, event.message_id)
    if message is None or message.message_type != MessageType.OUTGOING or message.sender_type != SenderType.AGENT:
        return
    conversation = session.get(Conversation, event.conversation_id)
    if conversation.email_requested_at is None or not session.get(Contact, conversation.contact_id).email:
        return
    queued = session.exec(
        select(AlertEmail.id).where(AlertEmail.conversation_id == conversation.id, AlertEmail.kind == TRANSCRIPT)
    ).first()
    if queued is None:
        session.add(
            AlertEmail(
                account_id=conversation.account_id,
                user_id=None,
                conversation_id=conversation.id,
                kind=TRANSCRIPT,
                send_after=now + timedelta(seconds=get_settings().alert_digest_seconds),
                created_at=now,
            )
        )


def compose(session: Session, row: AlertEmail) -> EmailMessage:
    conversation = session.get(Conversation, row.conversation_id)
    contact = session.get(Contact, conversation.contact_id)
    account = session.get(Account, row.account_id)
    locale = (contact.additional_attributes or {}).get("locale") or account.locale
    you = translate(locale, "mail.transcript.you")
    lines = [
        (you if view.sender_type == SenderType.CONTACT else view.sender_name, format_datetime(view.created_at, locale),
         view.content)
        for view in messages_after(session, conversation, include_private=False)
        if view.message_type != MessageType.ACTIVITY
    ]  # fmt: skip
    subject = translate(locale, "mail.transcript.subject", account=account.name)
    intro = translate(locale, "mail.transcript.intro", account=account.name)
    text = intro + "\n\n" + "\n\n".join(f"{who} ({when}):\n{what}" for who, when, what in lines) + "\n"
    html = f"<p>{escape(intro)}</p>" + "".join(
        f"<p><strong>{escape(who)}</strong> <small>{escape(when)}</small><br>{escape(what)}</p>"
        for who, when, what in lines
    )
    return build_email(to=contact.email, subject=subject, text=text, html=html, reference=f"alert-{row.id}")
