"""Read models for the dashboard sections: inbox summary, contact list, status counts."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.models import (
    Contact,
    Conversation,
    ConversationStatus,
    Inbox,
    InboxMember,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.validation import like_pattern

CONTACTS_PAGE_SIZE = 25
# The directory's search: what a person types in a search box.
SEARCH_MAX = 200


@dataclass(frozen=True)
class InboxSummary:
    inbox_id: int
    name: str
    channel_type: str
    open_count: int
    pending_count: int


@dataclass(frozen=True)
class ContactRow:
    contact_id: int
    name: str
    # The alias a contact without a name goes by (i18n.aliases.display_name renders it).
    alias_key: str
    email: str
    phone_number: str
    created_at: datetime


@dataclass(frozen=True)
class ContactPage:
    rows: tuple[ContactRow, ...]
    page: int
    total: int
    page_size: int

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total


def visible_inbox_ids(*, actor: Actor) -> sa.Select:
    """Inboxes the actor may see: all of the account for administrators, their own for agents,
    and for a bot token only the API inbox it belongs to."""
    query = select(Inbox.id).where(Inbox.account_id == actor.account_id)
    if actor.bot_inbox_id is not None:
        return query.where(Inbox.id == actor.bot_inbox_id)
    if not actor.is_admin:
        query = query.join(InboxMember, InboxMember.inbox_id == Inbox.id).where(InboxMember.user_id == actor.user_id)
    return query


def inbox_summaries(session: Session, *, actor: Actor) -> list[InboxSummary]:
    """Each visible inbox with its open and pending conversation counts, in one query."""
    counts = (
        select(
            Conversation.inbox_id,
            sa.func.count().filter(Conversation.status == ConversationStatus.OPEN).label("open_count"),
            sa.func.count().filter(Conversation.status == ConversationStatus.PENDING).label("pending_count"),
        )
        .where(
            Conversation.account_id == actor.account_id,
            Conversation.status.in_([ConversationStatus.OPEN, ConversationStatus.PENDING]),
        )
        .group_by(Conversation.inbox_id)
        .subquery()
    )
    rows = session.exec(
        select(Inbox.id, Inbox.name, Inbox.channel_type, counts.c.open_count, counts.c.pending_count)
        .outerjoin(counts, counts.c.inbox_id == Inbox.id)
        .where(Inbox.id.in_(visible_inbox_ids(actor=actor)))
        .order_by(Inbox.name)
    ).all()
    return [
        InboxSummary(inbox_id=i, name=n, channel_type=c, open_count=o or 0, pending_count=p or 0)
        for i, n, c, o, p in rows
    ]


def contacts_containing(text: str, *, company: bool = True) -> sa.ColumnElement[bool]:
    """Contacts whose name, e-mail, phone, identifier (or company) contains `text`, case aside;
    its % and _ are text. The directory, its export and the API's contact search ask this."""
    pattern = like_pattern(text.lower())
    columns = [Contact.name, Contact.email, Contact.phone_number, Contact.identifier]
    if company:
        columns.append(Contact.additional_attributes["company_name"].as_string())
    return sa.or_(*(sa.func.lower(column).like(pattern, escape="\\") for column in columns))


def list_contacts(session: Session, *, actor: Actor, page: object = 1, q: object = None) -> ContactPage:
    """One page of the account's contacts, most recently created first; with `q`, those whose
    name, e-mail, phone, identifier or company contains it (case aside)."""
    page_number = page if isinstance(page, int) and not isinstance(page, bool) and page >= 1 else 1
    scope = [Contact.account_id == actor.account_id]
    text = q.strip()[:SEARCH_MAX] if isinstance(q, str) and "\x00" not in q else ""
    if text:
        scope.append(contacts_containing(text))
    total = session.exec(select(sa.func.count()).select_from(Contact).where(*scope)).one()
    contacts = session.exec(
        select(Contact)
        .where(*scope)
        .order_by(Contact.created_at.desc(), Contact.id.desc())
        .offset((page_number - 1) * CONTACTS_PAGE_SIZE)
        .limit(CONTACTS_PAGE_SIZE)
    ).all()
    return ContactPage(
        rows=tuple(
            ContactRow(
                contact_id=c.id,
                name=c.name,
                alias_key=c.alias_key,
                email=c.email or "",
                phone_number=c.phone_number or "",
                created_at=c.created_at,
            )
            for c in contacts
        ),
        page=page_number,
        total=total,
        page_size=CONTACTS_PAGE_SIZE,
    )


def status_counts(session: Session, *, actor: Actor, days: int = 30, now: datetime | None = None) -> dict[str, int]:
    """Conversations created in the last `days` days in the actor's visible inboxes, per status."""
    since = (now or utcnow()) - timedelta(days=days)
    rows = session.exec(
        select(Conversation.status, sa.func.count())
        .where(
            Conversation.account_id == actor.account_id,
            Conversation.created_at >= since,
            Conversation.inbox_id.in_(visible_inbox_ids(actor=actor)),
        )
        .group_by(Conversation.status)
    ).all()
    found = dict(rows)
    return {status.value: found.get(status.value, 0) for status in ConversationStatus}
