"""Customer accounts, people, memberships, sessions and access tokens."""

import secrets
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


class Plan(StrEnum):
    TRIAL = "trial"
    STARTER = "starter"


class Role(StrEnum):
    ADMINISTRATOR = "administrator"
    AGENT = "agent"


class Availability(StrEnum):
    ONLINE = "online"
    BUSY = "busy"
    OFFLINE = "offline"


class Account(SQLModel, table=True):
    """One Kiko customer; everything else belongs to exactly one account."""

    __tablename__ = "accounts"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=100)
    locale: str = Field(default="de", max_length=10)
    plan: str = Field(default=Plan.TRIAL, max_length=20)
    trial_ends_at: datetime | None = time_field()
    livechat_active: bool = Field(default=False)
    # Last per-account conversation number handed out (conversations.display_id).
    conversation_seq: int = Field(default=0)
    # Signs the account's expiring file links (services/attachments.py): links in webhooks and
    # e-mails, and the widget's. Replacing it ends every link handed out.
    signing_secret: str = Field(default_factory=lambda: secrets.token_hex(32), max_length=64)
    created_at: datetime = created_at_field()


class User(SQLModel, table=True):
    """A person who logs in: an agent, an administrator or the operator."""

    __tablename__ = "users"

    id: int | None = Field(default=None, primary_key=True)
    # Stored lower-cased; unique across the installation, one login for all accounts.
    email: str = Field(max_length=254, sa_column_kwargs={"unique": True})
    name: str = Field(max_length=100)
    password_hash: str = Field(max_length=255)
    # None: follow the account's language.
    locale: str | None = Field(default=None, max_length=10)
    availability: str = Field(default=Availability.OFFLINE, max_length=10)
    is_super_admin: bool = Field(default=False)
    is_active: bool = Field(default=True)
    last_seen_at: datetime | None = time_field()
    created_at: datetime = created_at_field()


class AccountUser(SQLModel, table=True):
    """Membership of a user in an account, with the role there."""

    __tablename__ = "account_users"
    __table_args__ = (sa.UniqueConstraint("account_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    user_id: int = Field(foreign_key="users.id", nullable=False, index=True, ondelete="CASCADE")
    role: str = Field(default=Role.AGENT, max_length=20)
    is_active: bool = Field(default=True)
    created_at: datetime = created_at_field()


class SessionKind(StrEnum):
    # The agents' dashboard, always inside one account.
    AGENT = "agent"
    # The operator's console (/admin): a login space of its own, outside every account.
    OPERATOR = "operator"


class AuthSession(SQLModel, table=True):
    """A server-side login session; the browser holds only an opaque token whose hash is here."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    user_id: int = Field(foreign_key="users.id", nullable=False, index=True, ondelete="CASCADE")
    kind: str = Field(default=SessionKind.AGENT, max_length=10)
    # None for operator sessions.
    account_id: int | None = Field(default=None, foreign_key="accounts.id", index=True, ondelete="CASCADE")
    created_at: datetime = created_at_field()
    last_used_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    revoked_at: datetime | None = time_field()


class SessionHandover(SQLModel, table=True):
    """A session on its way from the server to the browser's HttpOnly cookie: the tab gets a
    one-time ticket (never the session token) and posts it to /auth/session, which sets the
    cookie. The token is kept sealed with the ticket, which only the tab has, for a minute."""

    __tablename__ = "session_handovers"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    sealed_token: str = Field(max_length=200)
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)


class Invitation(SQLModel, table=True):
    """An administrator's invitation to join an account; the link carries a token whose hash is here."""

    __tablename__ = "invitations"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    email: str = Field(max_length=254, index=True)
    name: str = Field(max_length=100)
    role: str = Field(default=Role.AGENT, max_length=20)
    # The invitee's language (the e-mail, their profile); None: theirs if they have a login, else the account's.
    locale: str | None = Field(default=None, max_length=10)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    invited_by_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    created_at: datetime = created_at_field()
    expires_at: datetime = Field(sa_type=UTCDateTime, nullable=False)
    # Single use: set when accepted; a revoked or replaced invitation gets revoked_at.
    accepted_at: datetime | None = time_field()
    revoked_at: datetime | None = time_field()


class LoginThrottle(SQLModel, table=True):
    """Recent failed logins of one client address ("address:<ip>") or one account
    ("account:<e-mail>"), shared by every worker through the database (services/login_throttle.py)."""

    __tablename__ = "login_throttles"

    key: str = Field(primary_key=True, max_length=300)
    failures: int = Field(default=0)
    # The wait before the next attempt runs from here; a row quiet for the failure memory is
    # forgotten and cleaned up.
    last_failure_at: datetime = Field(sa_type=UTCDateTime, nullable=False, index=True)
    # An account's owner was warned in this run of failures (services/login_warning_mail.py).
    owner_warned: bool = Field(default=False)


class ApiAccessToken(SQLModel, table=True):
    """A bearer token for the HTTP API: an inbox's bot token or a user's personal token."""

    __tablename__ = "api_access_tokens"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    owner_type: str = Field(max_length=10)  # "inbox" or "user"
    owner_id: int = Field(index=True)
    token_hash: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    created_at: datetime = created_at_field()
    last_used_at: datetime | None = time_field()
    revoked_at: datetime | None = time_field()


class NotificationPreference(SQLModel, table=True):
    """How one user of one account wants to be alerted."""

    __tablename__ = "notification_preferences"
    __table_args__ = (sa.UniqueConstraint("account_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    user_id: int = Field(foreign_key="users.id", nullable=False, index=True, ondelete="CASCADE")
    email_events: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    sound_events: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    sound_tone: str = Field(default="bell", max_length=30)
    sound_when_visible: bool = Field(default=True)
    repeat_unread: bool = Field(default=False)
    desktop_enabled: bool = Field(default=False)
