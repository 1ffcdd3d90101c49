"""Records in the JSON shapes Chatwoot uses (field names, unix timestamps, string statuses), for
the HTTP API and the webhooks alike: a bot written for Chatwoot reads ours unchanged."""

from datetime import datetime

from sqlmodel import Session, select

from kiko_livechat.models import (
    Contact,
    ContactInbox,
    Conversation,
    ConversationLabel,
    Inbox,
    Label,
    Message,
    Team,
    User,
)
from kiko_livechat.services.contacts import ContactView
from kiko_livechat.services.contacts import view as contact_view
from kiko_livechat.services.messages import MessageView


def ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def contact(view: ContactView) -> dict:
    return {
        "id": view.contact_id,
        "name": view.name,
        "email": view.email,
        "phone_number": view.phone_number,
        "identifier": view.identifier,
        "additional_attributes": view.additional_attributes,
        "custom_attributes": view.custom_attributes,
        "created_at": ts(view.created_at),
        "last_activity_at": ts(view.last_activity_at),
        "thumbnail": "",
    }


def contact_row(row: Contact) -> dict:
    return contact(contact_view(row))


def contact_row_for(session: Session, conv: Conversation) -> dict:
    return contact_row(session.get(Contact, conv.contact_id))


def message(view: MessageView, conversation_display_id: int, account_id: int, inbox_id: int) -> dict:
    return {
        "id": view.message_id,
        "content": view.content,
        "message_type": view.message_type,
        "content_type": "text",
        "content_attributes": {},
        "private": view.private,
        "created_at": ts(view.created_at),
        "conversation_id": conversation_display_id,
        "account_id": account_id,
        "inbox_id": inbox_id,
        "echo_id": view.echo_id or None,
        "sender": {"type": view.sender_type, "name": view.sender_name} if view.sender_type != "system" else None,
        "attachments": [],
    }


def conversation(session: Session, conv: Conversation) -> dict:
    """A conversation item as Chatwoot lists and shows it (its `id` is the per-account number)."""
    contact_row_ = session.get(Contact, conv.contact_id)
    assignee = session.get(User, conv.assignee_id) if conv.assignee_id else None
    team = session.get(Team, conv.team_id) if conv.team_id else None
    inbox = session.get(Inbox, conv.inbox_id)
    source = session.get(ContactInbox, conv.contact_inbox_id) if conv.contact_inbox_id else None
    last = session.exec(
        select(Message)
        .where(Message.conversation_id == conv.id, Message.private.is_(False))
        .order_by(Message.id.desc())
        .limit(1)
    ).first()
    return {
        "id": conv.display_id,
        "account_id": conv.account_id,
        "inbox_id": conv.inbox_id,
        "status": conv.status,
        "priority": conv.priority,
        "snoozed_until": ts(conv.snoozed_until),
        "labels": list(
            session.exec(
                select(Label.title)
                .join(ConversationLabel, ConversationLabel.label_id == Label.id)
                .where(ConversationLabel.conversation_id == conv.id)
                .order_by(Label.title)
            ).all()
        ),
        "additional_attributes": {},
        "custom_attributes": {},
        "can_reply": True,
        "unread_count": 0,
        "agent_last_seen_at": ts(conv.agent_last_seen_at),
        "contact_last_seen_at": ts(conv.contact_last_seen_at),
        "first_reply_created_at": ts(conv.first_reply_at),
        "waiting_since": ts(conv.waiting_since),
        "last_activity_at": ts(conv.last_activity_at),
        "timestamp": ts(conv.last_activity_at),
        "created_at": ts(conv.created_at),
        "updated_at": ts(conv.updated_at),
        "contact_inbox": {"source_id": source.source_id, "inbox_id": source.inbox_id} if source else None,
        "meta": {
            "sender": contact_row(contact_row_),
            "channel": f"Channel::{'Api' if inbox.channel_type == 'api' else 'WebWidget'}",
            "assignee": agent(assignee) if assignee else None,
            "assignee_type": "User" if assignee else None,
            "team": {"id": team.id, "name": team.name} if team else None,
            "hmac_verified": False,
        },
        "messages": [
            {
                "id": last.id,
                "content": last.content,
                "message_type": last.message_type,
                "created_at": ts(last.created_at),
            }
        ]
        if last
        else [],
    }


def agent(user: User, role: str | None = None) -> dict:
    return {
        "id": user.id,
        "name": user.name,
        "available_name": user.name,
        "email": user.email,
        "role": role,
        "availability_status": user.availability,
        "confirmed": True,
        "thumbnail": "",
    }


def inbox(row: Inbox) -> dict:
    return {
        "id": row.id,
        "name": row.name,
        "channel_type": "Channel::Api" if row.channel_type == "api" else "Channel::WebWidget",
        "greeting_message": row.greeting,
        "widget_color": row.widget_color,
        "webhook_url": row.webhook_url,
        "enable_auto_assignment": row.enable_auto_assignment,
        "inbox_identifier": row.public_token,
    }
