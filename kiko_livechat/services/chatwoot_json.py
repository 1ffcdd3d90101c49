"""Records in the JSON shapes Chatwoot uses (field names, unix timestamps, string statuses), for
the HTTP API and the webhooks alike: a bot written for Chatwoot reads ours unchanged.

Every function here formats rows already loaded (services/api_rows.py) and reads nothing from
the database, so a list costs no query per row. The fields follow Chatwoot's swagger
definitions; tests/integration/api/test_chatwoot_contracts.py checks every route and webhook.

`agent_emails=False` shapes for a reader who knows agents by name only (Actor.sees_agent_emails):
every agent in the answer keeps its `email` field, as null."""

import uuid
from datetime import datetime

from kiko_livechat.i18n.aliases import display_name
from kiko_livechat.models import ChannelType, Conversation, Inbox, MessageType, SenderType
from kiko_livechat.services.api_rows import (
    AgentRow,
    ConversationRows,
    FileRow,
    InboxRow,
    MembershipRow,
    MessageRow,
    TeamRow,
)
from kiko_livechat.services.canned_responses import CannedView
from kiko_livechat.services.contacts import ContactInboxView, ContactView
from kiko_livechat.services.file_types import CATEGORIES
from kiko_livechat.services.inboxes import embed_snippet
from kiko_livechat.services.presence import is_present

# The API answers a message's type as Chatwoot's integer; webhooks say it as a word.
MESSAGE_TYPE_NUMBERS = {MessageType.INCOMING: 0, MessageType.OUTGOING: 1, MessageType.ACTIVITY: 2}
# Kiko's availability as Chatwoot's swagger names it for agents.
AVAILABILITY = {"online": "available", "busy": "busy", "offline": "offline"}
# Conversations have no uuid column: a stable one is derived from the account and number.
_UUID_NAMESPACE = uuid.UUID("6f1c2b9e-4d0a-5c43-9a57-0b8e6d1f2a30")


def ts(value: datetime | None) -> int | None:
    return int(value.timestamp()) if value else None


def channel(channel_type: str) -> str:
    return "Channel::Api" if channel_type == ChannelType.API else "Channel::WebWidget"


def contact(view: ContactView, contact_inboxes: list[dict] | None = None) -> dict:
    shaped = {
        "id": view.contact_id,
        # An anonymous visitor goes by their alias, as everywhere in Kiko (Chatwoot makes one up too).
        "name": display_name(view.name, view.alias_key, "en"),
        "email": view.email,
        "phone_number": view.phone_number,
        "identifier": view.identifier,
        "blocked": view.blocked,
        "availability_status": "online" if is_present(view.last_activity_at) else "offline",
        "additional_attributes": view.additional_attributes,
        "custom_attributes": view.custom_attributes,
        "created_at": ts(view.created_at),
        "last_activity_at": ts(view.last_activity_at),
        "thumbnail": "",
    }
    if contact_inboxes is not None:
        shaped["contact_inboxes"] = contact_inboxes
    return shaped


def contact_inbox(source: ContactInboxView, inbox: Inbox | InboxRow) -> dict:
    return {"source_id": source.source_id, "inbox": inbox_brief(inbox)}


def inbox_brief(row: Inbox | InboxRow) -> dict:
    inbox_id = row.inbox_id if isinstance(row, InboxRow) else row.id
    # Kiko keeps no channel table apart from its inboxes: an inbox is its own channel.
    return {
        "id": inbox_id,
        "name": row.name,
        "channel_id": inbox_id,
        "channel_type": channel(row.channel_type),
        "avatar_url": "",
        "provider": None,
    }


def team(row: TeamRow) -> dict:
    return {
        "id": row.team_id,
        "name": row.name,
        "description": row.description,
        "allow_auto_assign": row.allow_auto_assign,
        "account_id": row.account_id,
        "is_member": row.is_member,
    }


def iso(value: datetime | None) -> str | None:
    """A time as Rails writes it into JSON (Chatwoot's canned responses carry these, not unix
    seconds): ISO 8601 in UTC with milliseconds."""
    return value.isoformat(timespec="milliseconds").replace("+00:00", "Z") if value else None


def canned_response(view: CannedView) -> dict:
    # `personal` is Kiko's: Chatwoot's canned responses are all account-wide.
    return {
        "id": view.canned_id,
        "account_id": view.account_id,
        "short_code": view.short_code,
        "content": view.content,
        "personal": view.personal,
        "created_at": iso(view.created_at),
        "updated_at": iso(view.updated_at or view.created_at),
    }


def agent(row: AgentRow, *, agent_emails: bool = True) -> dict:
    return {
        "id": row.user_id,
        "account_id": row.account_id,
        "name": row.name,
        "available_name": row.name,
        "email": row.email if agent_emails else None,
        "role": row.role,
        "availability_status": AVAILABILITY.get(row.availability, "offline"),
        # Kiko turns an agent offline by itself when their dashboard goes quiet.
        "auto_offline": True,
        # Agents join by accepting an invitation sent to their address.
        "confirmed": True,
        "thumbnail": "",
        "custom_role_id": None,
    }


def profile(row: AgentRow, memberships: list[MembershipRow], token: str) -> dict:
    """The user behind a personal token, as Chatwoot's profile: `access_token` is the token the
    caller presented (Kiko stores only its hash)."""
    return {
        **agent(row),
        "access_token": token,
        "avatar_url": "",
        "display_name": None,
        "message_signature": None,
        "hmac_identifier": "",
        "inviter_id": None,
        "provider": "email",
        "uid": row.email,
        # Kiko's dashboard has its own real-time channel; there is no pub/sub token to hand out.
        "pubsub_token": None,
        "type": None,
        "ui_settings": {},
        "custom_attributes": {},
        "accounts": [
            {
                "id": m.account_id,
                "name": m.account_name,
                "status": "active" if m.active else "inactive",
                "active_at": m.since.isoformat(),
                "role": m.role,
                "permissions": [m.role],
                "availability": row.availability,
                "availability_status": row.availability,
                "auto_offline": True,
                "custom_role_id": None,
                "custom_role": None,
            }
            for m in memberships
        ],
    }


def agent_bot(inbox_row: Inbox) -> dict:
    """A bot token's profile: the API inbox it speaks for, as Chatwoot's agent bot."""
    return {
        "id": inbox_row.id,
        "type": "agent_bot",
        "name": inbox_row.name,
        "description": "",
        "account_id": inbox_row.account_id,
        "inbox_id": inbox_row.id,
        "outgoing_url": inbox_row.webhook_url or "",
    }


def _sender(
    row: MessageRow, who: ContactView, inbox: InboxRow, agent_emails: bool
) -> tuple[dict | None, str | None, int | None]:
    """(sender JSON, sender_type, sender_id) as Chatwoot names them."""
    message = row.message
    if message.sender_type == SenderType.CONTACT:
        return {**contact(who), "type": "contact"}, "Contact", who.contact_id
    if message.sender_type == SenderType.AGENT and row.agent is not None:
        shaped = {
            "id": row.agent.user_id,
            "name": row.agent.name,
            "available_name": row.agent.name,
            "email": row.agent.email if agent_emails else None,
            "availability_status": AVAILABILITY.get(row.agent.availability, "offline"),
            "avatar_url": "",
            "thumbnail": "",
            "type": "user",
        }
        return shaped, "User", row.agent.user_id
    if message.sender_type == SenderType.BOT:
        # A Kiko bot is its API inbox: it speaks with the inbox's id and name.
        return (
            {"id": inbox.inbox_id, "name": inbox.name, "avatar_url": "", "thumbnail": "", "type": "agent_bot"},
            ("AgentBot"),
            inbox.inbox_id,
        )
    return None, None, None  # activity lines are the system's own


def message(
    row: MessageRow,
    conv: Conversation,
    who: ContactView,
    inbox: InboxRow,
    *,
    webhook: bool = False,
    agent_emails: bool = True,
) -> dict:
    """A message as the API answers it (`message_type` a number) or a webhook tells it (a word)."""
    m = row.message
    sender, sender_type, sender_id = _sender(row, who, inbox, agent_emails)
    return {
        "id": m.id,
        "content": m.content,
        "account_id": conv.account_id,
        "inbox_id": conv.inbox_id,
        "conversation_id": conv.display_id,
        "message_type": m.message_type if webhook else MESSAGE_TYPE_NUMBERS[MessageType(m.message_type)],
        "content_type": m.content_type or "text",
        "content_attributes": m.content_attributes or {},
        "status": "sent",
        "source_id": None,
        "private": m.private,
        "echo_id": m.echo_id,
        "created_at": ts(m.created_at),
        "updated_at": ts(m.created_at),
        "sender_type": sender_type,
        "sender_id": sender_id,
        "sender": sender,
        "external_source_ids": {},
        "additional_attributes": {},
        "processed_message_content": m.content,
        "sentiment": {},
        "conversation": {
            "id": conv.display_id,
            "assignee_id": conv.assignee_id,
            "inbox_id": conv.inbox_id,
            "status": conv.status,
            "contact_inbox": None,
        },
        "attachment": None,
        "attachments": [attachment(file) for file in row.files],
    }


def attachment(file: FileRow) -> dict:
    """An attachment as Chatwoot's push_event_data shapes it (its links signed and expiring)."""
    a = file.attachment
    return {
        "id": a.attachment_id,
        "message_id": a.message_id,
        "file_type": a.file_type,
        "account_id": a.account_id,
        "extension": a.extension,
        "data_url": file.data_url,
        "thumb_url": file.thumb_url,
        "file_size": a.byte_size,
        "width": a.width,
        "height": a.height,
        "file_name": a.file_name,
        "content_type": a.content_type,
    }


def conversation(rows: ConversationRows, *, agent_emails: bool = True) -> dict:
    """A conversation as Chatwoot lists and shows it (its `id` is the per-account number)."""
    conv = rows.conversation
    shown = {"agent_emails": agent_emails}  # how this reader sees agents, in every part below
    last = [message(rows.last_message, conv, rows.contact, rows.inbox, **shown)] if rows.last_message else []
    said = rows.last_said
    if said is not None and said is rows.last_message:  # usually the same message: shaped once
        non_activity = last[0]
    else:
        non_activity = message(said, conv, rows.contact, rows.inbox, **shown) if said else None
    return {
        "id": conv.display_id,
        "uuid": str(uuid.uuid5(_UUID_NAMESPACE, f"{conv.account_id}:{conv.display_id}")),
        "account_id": conv.account_id,
        "inbox_id": conv.inbox_id,
        "status": conv.status,
        "priority": conv.priority,
        "snoozed_until": ts(conv.snoozed_until),
        "labels": list(rows.labels),
        "additional_attributes": {},
        "custom_attributes": {},
        "can_reply": True,
        "muted": False,
        "unread_count": rows.unread,
        "agent_last_seen_at": ts(conv.agent_last_seen_at) or 0,
        "assignee_last_seen_at": ts(conv.agent_last_seen_at) or 0,
        "contact_last_seen_at": ts(conv.contact_last_seen_at) or 0,
        "first_reply_created_at": ts(conv.first_reply_at),
        "waiting_since": ts(conv.waiting_since),
        "last_activity_at": ts(conv.last_activity_at),
        "timestamp": ts(conv.last_activity_at),
        "created_at": ts(conv.created_at),
        "updated_at": ts(conv.updated_at),
        # Kiko has no SLA policies (Chatwoot's are an Enterprise feature).
        "sla_policy_id": None,
        "applied_sla": None,
        "sla_events": [],
        "contact_inbox": {"source_id": rows.source.source_id, "inbox_id": rows.source.inbox_id}
        if rows.source
        else None,
        "meta": {
            "sender": {**contact(rows.contact), "type": "contact"},
            "channel": channel(rows.inbox.channel_type),
            "assignee": agent(rows.assignee, **shown) if rows.assignee else None,
            "assignee_type": "User" if rows.assignee else None,
            "team": team(rows.team) if rows.team else None,
            "hmac_verified": False,
        },
        "messages": last,
        "last_non_activity_message": non_activity,
    }


# What Kiko's change names are called among a conversation's attributes.
_ATTRIBUTES = {"status": "status", "assignee": "assignee_id", "team": "team_id", "priority": "priority"}


def changed_attributes(conv, changed: list[str]) -> list[dict]:
    """Chatwoot's `changed_attributes` of a conversation update: each changed attribute with its
    value now (Kiko's events do not carry the value before)."""
    return [
        {_ATTRIBUTES[name]: {"current_value": getattr(conv, _ATTRIBUTES[name])}}
        for name in changed
        if name in _ATTRIBUTES
    ]


def inbox(row: Inbox) -> dict:
    """An inbox with every field of Chatwoot's; those of channels Kiko does not have (e-mail,
    SMS, social pages) are empty, as Chatwoot leaves them for a web widget or API inbox."""
    web = row.channel_type == ChannelType.WEB_WIDGET
    return {
        **inbox_brief(row),
        "greeting_message": row.greeting,
        "greeting_enabled": bool(row.greeting),
        "widget_color": row.widget_color,
        "website_token": row.public_token if web else "",
        "website_url": row.allowed_domains[0] if web and row.allowed_domains else "",
        "web_widget_script": embed_snippet(row.public_token) if web else "",
        "webhook_url": row.webhook_url,
        "callback_webhook_url": row.webhook_url,
        "enable_auto_assignment": row.enable_auto_assignment,
        "auto_assignment_config": {},
        "inbox_identifier": row.public_token,
        "welcome_title": None,
        "welcome_tagline": None,
        "enable_email_collect": web,
        "csat_survey_enabled": False,
        "working_hours_enabled": False,
        "working_hours": [],
        "out_of_office_message": None,
        "timezone": "UTC",
        "allow_messages_after_resolved": True,
        "lock_to_single_conversation": False,
        "sender_name_type": "friendly",
        "business_name": None,
        "branded_email_layout": None,
        "hmac_mandatory": False,
        "selected_feature_flags": [],
        "reply_time": "in_a_few_minutes",
        # Kiko's own: the kinds of files that may be sent in the inbox (services/file_types.py).
        "allowed_file_types": [c for c in CATEGORIES if row.allowed_file_types is None or c in row.allowed_file_types],
        "medium": "",
        **dict.fromkeys(
            ("page_id", "instagram_id", "business_id", "profile_id", "line_channel_id", "email", "bot_name",
             "messaging_service_sid", "phone_number"),
            None,
        ),
    }  # fmt: skip
