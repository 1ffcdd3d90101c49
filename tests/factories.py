"""Test data through the real provisioning services."""

import itertools

from sqlmodel import Session, select

from kiko_livechat.models import (
    AccountUser,
    ChannelType,
    Contact,
    Conversation,
    Inbox,
    Role,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, provisioning
from kiko_livechat.services.actor import Actor

PASSWORD = "correct horse battery"
_counter = itertools.count(1)


def account(db: Session, name: str | None = None, locale: str = "de"):
    acc = provisioning.create_account(db, name=name or f"Account {next(_counter)}", locale=locale)
    db.commit()
    return acc


def active_account(db: Session, name: str | None = None, locale: str = "de"):
    """An account whose live chat the operator has switched on (it takes conversations)."""
    from kiko_livechat.models import Account

    acc = account(db, name=name, locale=locale)
    row = db.get(Account, acc.id)
    row.livechat_active = True
    db.add(row)
    db.commit()
    return row


def user(db: Session, account_id: int, role: str = Role.AGENT, email: str | None = None, password: str = PASSWORD):
    created = provisioning.create_user(
        db,
        account_id=account_id,
        email=email or f"user{next(_counter)}@example.org",
        name="Test User",
        password=password,
        role=role,
    )
    db.commit()
    return created


def login(db: Session, user_obj, password: str = PASSWORD) -> auth.LoginResult:
    return auth.login(db, email=user_obj.email, password=password)


def actor(db: Session, account_id: int, role: str = Role.AGENT) -> Actor:
    """A signed-in actor of a new user with `role` in `account_id`."""
    return login(db, user(db, account_id, role=role)).actor


def inbox(db: Session, account_id: int, channel: str = ChannelType.WEB_WIDGET, agent_ids=()) -> Inbox:
    created = provisioning.create_inbox(
        db, account_id=account_id, name=f"Inbox {next(_counter)}", channel_type=channel, agent_ids=tuple(agent_ids)
    )
    db.commit()
    return created.inbox


def contact(db: Session, account_id: int, name: str = "Erika Muster") -> Contact:
    row = Contact(account_id=account_id, name=name, email=f"c{next(_counter)}@example.org")
    db.add(row)
    db.commit()
    return row


def conversation(db: Session, account_id: int, inbox_id: int, contact_id: int, status: str = "open") -> Conversation:
    """A conversation row for read-side tests (the live-chat services create them for real)."""
    from kiko_livechat.models import Account

    acc = db.get(Account, account_id)
    acc.conversation_seq += 1
    row = Conversation(
        account_id=account_id,
        display_id=acc.conversation_seq,
        alias_key="1-1-1000",
        inbox_id=inbox_id,
        contact_id=contact_id,
        status=status,
        last_activity_at=utcnow(),
    )
    db.add(acc)
    db.add(row)
    db.commit()
    return row


def membership(db: Session, account_id: int, user_id: int) -> AccountUser:
    return db.exec(
        select(AccountUser).where(AccountUser.account_id == account_id, AccountUser.user_id == user_id)
    ).one()


def visitor_token() -> str:
    return f"visitor-token-{next(_counter):08d}-abcdef"
