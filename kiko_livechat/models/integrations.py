"""Outgoing webhooks to the bot and other systems."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.models.base import account_fk, created_at_field


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
