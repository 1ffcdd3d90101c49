"""Conversations, their messages, attachments and labels."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.models.base import (
    UTCDateTime,
    account_fk,
    created_at_field,
    time_field,
)


class ConversationStatus(StrEnum):
    OPEN = "open"
    PENDING = "pending"
    RESOLVED = "resolved"
    SNOOZED = "snoozed"


class Priority(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    URGENT = "urgent"


class MessageType(StrEnum):
    INCOMING = "incoming"
    OUTGOING = "outgoing"
    ACTIVITY = "activity"


class SenderType(StrEnum):
    CONTACT = "contact"
    AGENT = "agent"
    BOT = "bot"
    SYSTEM = "system"


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"
    __table_args__ = (
        sa.UniqueConstraint("account_id", "display_id"),
        # The inbox list: per status, newest activity first, optionally per inbox/assignee/team.
        sa.Index("ix_conversations_list", "account_id", "status", "last_activity_at"),
        sa.Index("ix_conversations_inbox", "account_id", "inbox_id", "status", "last_activity_at"),
        sa.Index("ix_conversations_assignee", "account_id", "assignee_id", "status", "last_activity_at"),
        sa.Index("ix_conversations_team", "account_id", "team_id", "status", "last_activity_at"),
        sa.Index("ix_conversations_waiting", "account_id", "status", "waiting_since"),
        # Counts per status and assignee (the API's list meta), answered from the index alone.
        sa.Index("ix_conversations_counts", "account_id", "status", "assignee_id", "inbox_id", "team_id"),
        # The reminder worker: handoffs nobody has answered in time.
        sa.Index("ix_conversations_unanswered_due", "unanswered_due_at"),
        # Reports by creation time; the contact's earlier conversations.
        sa.Index("ix_conversations_created", "account_id", "created_at"),
        sa.Index("ix_conversations_contact", "contact_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    # Number shown to people and used in API paths; counts per account from 1.
    display_id: int
    # Seed of the readable alias ("Blue Owl 4821"), rendered in the viewer's language.
    alias_key: str = Field(max_length=30)
    inbox_id: int = Field(foreign_key="inboxes.id", nullable=False, ondelete="CASCADE")
    contact_id: int = Field(foreign_key="contacts.id", nullable=False, ondelete="CASCADE")
    contact_inbox_id: int | None = Field(default=None, foreign_key="contact_inboxes.id", ondelete="SET NULL")
    assignee_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    team_id: int | None = Field(default=None, foreign_key="teams.id", ondelete="SET NULL")
    status: str = Field(default=ConversationStatus.OPEN, max_length=10)
    priority: str | None = Field(default=None, max_length=10)
    snoozed_until: datetime | None = time_field()
    last_activity_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # Since when the visitor waits for a human answer; None while nobody waits.
    waiting_since: datetime | None = time_field()
    # When the bot handed over; first response time is counted from here.
    handed_off_at: datetime | None = time_field()
    first_reply_at: datetime | None = time_field()
    # When the first human answer after the handoff is overdue (the inbox's reminder time);
    # cleared when the reminder worker has looked at it.
    unanswered_due_at: datetime | None = time_field()
    # When agents were reminded that nobody answered; the visitor was then offered to leave an
    # e-mail address.
    unanswered_at: datetime | None = time_field()
    # When the visitor left an address to be answered by e-mail (nobody online, or nobody
    # answered in time): the transcript is mailed to it once an agent answers.
    email_requested_at: datetime | None = time_field()
    agent_last_seen_at: datetime | None = time_field()
    contact_last_seen_at: datetime | None = time_field()
    created_at: datetime = created_at_field()
    updated_at: datetime = created_at_field()


class Message(SQLModel, table=True):
    __tablename__ = "messages"
    __table_args__ = (
        # History in order and catch-up "everything after message id N".
        sa.Index("ix_messages_conversation", "conversation_id", "id"),
        sa.Index("ix_messages_account_created", "account_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    conversation_id: int = Field(foreign_key="conversations.id", nullable=False, ondelete="CASCADE")
    message_type: str = Field(max_length=10)
    sender_type: str = Field(max_length=10)
    # users.id for agents, contacts.id for contacts, None for bot and system lines.
    sender_id: int | None = None
    private: bool = Field(default=False)
    content: str = Field(default="", sa_type=sa.Text)
    content_type: str = Field(default="text", max_length=30)
    content_attributes: dict = Field(default_factory=dict, sa_type=sa.JSON)
    # Client-chosen id so a resent message is recognised instead of stored twice.
    echo_id: str | None = Field(default=None, max_length=64)
    # Files were sent with it: only then are its attachments looked up (most messages have none).
    has_attachments: bool = Field(default=False)
    created_at: datetime = created_at_field()


class Attachment(SQLModel, table=True):
    """A file sent with a message (services/attachments.py). Its bytes live in the app's storage
    under a random key, never under the sender's file name, and are served only through the
    authorized file route. Uploaded before its message is sent, it is staged: no message yet,
    held by who uploaded it (`staged_by`) until the message takes it or the stage expires."""

    __tablename__ = "attachments"
    __table_args__ = (
        # The sweep: staged uploads left behind, oldest first.
        sa.Index("ix_attachments_staged", "message_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    inbox_id: int = Field(foreign_key="inboxes.id", nullable=False, index=True, ondelete="CASCADE")
    # None: a visitor's upload before their first message made the conversation.
    conversation_id: int | None = Field(
        default=None, foreign_key="conversations.id", nullable=True, index=True, ondelete="CASCADE"
    )
    message_id: int | None = Field(default=None, foreign_key="messages.id", nullable=True, ondelete="CASCADE")
    # Who may send it with a message while staged: "user:<id>", "bot:<inbox id>" or
    # "visitor:<hash of the visitor's token>".
    staged_by: str = Field(max_length=80)
    # Chatwoot's file_type: image, audio, video or file.
    file_type: str = Field(max_length=10)
    # Detected from the content (services/file_types.py), never taken from the name or the browser.
    content_type: str = Field(max_length=100)
    extension: str = Field(max_length=10)
    # The sender's name for it, cleaned (no path, no control or direction characters).
    file_name: str = Field(max_length=255)
    byte_size: int = Field(sa_type=sa.BigInteger)
    sha256: str = Field(max_length=64)
    storage_key: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    # An image's thumbnail (services/thumbnails.py), and the image's size.
    thumb_key: str | None = Field(default=None, max_length=64)
    width: int | None = None
    height: int | None = None
    created_at: datetime = created_at_field()


class Label(SQLModel, table=True):
    __tablename__ = "labels"
    __table_args__ = (sa.UniqueConstraint("account_id", "title"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    title: str = Field(max_length=50)
    description: str = Field(default="", max_length=500)
    color: str = Field(default="#1f6feb", max_length=7)
    show_on_sidebar: bool = Field(default=True)
    created_at: datetime = created_at_field()


class ConversationLabel(SQLModel, table=True):
    __tablename__ = "conversation_labels"
    __table_args__ = (
        sa.UniqueConstraint("conversation_id", "label_id"),
        sa.Index("ix_conversation_labels_label", "label_id", "conversation_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    conversation_id: int = Field(foreign_key="conversations.id", nullable=False, ondelete="CASCADE")
    label_id: int = Field(foreign_key="labels.id", nullable=False, ondelete="CASCADE")


class CannedResponse(SQLModel, table=True):
    """A prepared answer behind "/short_code". Account-wide (user_id None, managed by
    administrators) or personal (only its author sees and manages it); a personal code may
    shadow an account-wide one for its author, hence two partial unique indexes."""

    __tablename__ = "canned_responses"
    __table_args__ = (
        sa.Index(
            "uq_canned_responses_shared_code",
            "account_id",
            "short_code",
            unique=True,
            sqlite_where=sa.text("user_id IS NULL"),
            postgresql_where=sa.text("user_id IS NULL"),
        ),
        sa.Index(
            "uq_canned_responses_personal_code",
            "account_id",
            "user_id",
            "short_code",
            unique=True,
            sqlite_where=sa.text("user_id IS NOT NULL"),
            postgresql_where=sa.text("user_id IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="CASCADE")
    short_code: str = Field(max_length=50)
    content: str = Field(sa_type=sa.Text)
    created_at: datetime = created_at_field()
    updated_at: datetime | None = time_field()
