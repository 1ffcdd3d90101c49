"""Column helpers shared by every table."""

from datetime import UTC, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

# Named constraints, so later migrations (batch mode on SQLite) can address them by name.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return datetime.now(UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """Stores naive UTC and returns aware UTC, so SQLite and PostgreSQL compare alike."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; use an aware UTC datetime")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


def created_at_field() -> datetime:
    """A `created_at` column filled at insert time."""
    return Field(default_factory=utcnow, sa_type=UTCDateTime, nullable=False)


def time_field(*, index: bool = False) -> datetime | None:
    """An optional point in time."""
    return Field(default=None, sa_type=UTCDateTime, nullable=True, index=index)


def account_fk() -> int:
    """The owning account: every tenant row carries it so every query can be scoped."""
    return Field(foreign_key="accounts.id", nullable=False, index=True, ondelete="CASCADE")
