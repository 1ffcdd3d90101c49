"""Facts recorded for reports, one row per measurable event."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.models.base import UTCDateTime, account_fk, created_at_field


class ReportingEventName(StrEnum):
    CONVERSATION_CREATED = "conversation_created"
    CONVERSATION_HANDOFF = "conversation_handoff"
    FIRST_RESPONSE = "first_response"
    REPLY_TIME = "reply_time"
    CONVERSATION_RESOLVED = "conversation_resolved"


class ReportingEvent(SQLModel, table=True):
    __tablename__ = "reporting_events"
    __table_args__ = (
        # Every report filters an account, an event name and a time range, often by one dimension.
        sa.Index("ix_reporting_events_range", "account_id", "name", "event_end_time"),
        sa.Index("ix_reporting_events_inbox", "account_id", "inbox_id", "name", "event_end_time"),
        sa.Index("ix_reporting_events_user", "account_id", "user_id", "name", "event_end_time"),
        sa.Index("ix_reporting_events_team", "account_id", "team_id", "name", "event_end_time"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    name: str = Field(max_length=40)
    # Duration in seconds where the event measures one (first response, resolution).
    value: float | None = None
    conversation_id: int | None = Field(default=None, foreign_key="conversations.id", ondelete="SET NULL")
    inbox_id: int | None = Field(default=None, foreign_key="inboxes.id", ondelete="SET NULL")
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    team_id: int | None = Field(default=None, foreign_key="teams.id", ondelete="SET NULL")
    event_start_time: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    event_end_time: datetime = Field(sa_type=UTCDateTime, nullable=False)
    created_at: datetime = created_at_field()
