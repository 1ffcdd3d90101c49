"""Inboxes: where conversations arrive, from the web widget or from the bot's API."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.models.base import account_fk, created_at_field


class ChannelType(StrEnum):
    WEB_WIDGET = "web_widget"
    API = "api"


class Inbox(SQLModel, table=True):
    __tablename__ = "inboxes"
    __table_args__ = (sa.UniqueConstraint("account_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    name: str = Field(max_length=100)
    channel_type: str = Field(max_length=20)
    # Public identifier in the widget URL and embed snippet; not a secret.
    public_token: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    # Signs the contact identity the embedding page passes (HMAC of the identifier).
    hmac_secret: str = Field(max_length=64)
    greeting: str = Field(default="", max_length=500)
    widget_color: str = Field(default="#1f6feb", max_length=7)
    allowed_domains: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    webhook_url: str | None = Field(default=None, max_length=2000)
    # Signs the deliveries to webhook_url (HMAC-SHA256 of timestamp and body).
    webhook_secret: str = Field(default="", max_length=64)
    # Chatwoot keeps sending the visitor's messages to the bot after the handoff; by default we
    # stop, so the bot does not answer over the agent. On: Chatwoot's behaviour.
    bot_receives_after_handoff: bool = Field(default=False)
    enable_auto_assignment: bool = Field(default=True)
    # Remind the inbox's agents when nobody answers a handoff within this time (0: never).
    unanswered_after_seconds: int = Field(default=120)
    # The kinds of files visitors and agents may send here (services/file_types.CATEGORIES);
    # None: all of them.
    allowed_file_types: list[str] | None = Field(default=None, sa_type=sa.JSON)
    created_at: datetime = created_at_field()


class InboxMember(SQLModel, table=True):
    """An agent who works an inbox."""

    __tablename__ = "inbox_members"
    __table_args__ = (sa.UniqueConstraint("inbox_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    inbox_id: int = Field(foreign_key="inboxes.id", nullable=False, index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="users.id", nullable=False, index=True, ondelete="CASCADE")
