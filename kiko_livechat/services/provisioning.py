"""Creating accounts, their people and inboxes (used by the demo seed and the admin screens)."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kiko_livechat.models import (
    Account,
    AccountUser,
    ApiAccessToken,
    ChannelType,
    Inbox,
    InboxMember,
    Plan,
    Role,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.passwords import hash_password
from kiko_livechat.services.scoping import get_in_account
from kiko_livechat.services.tokens import new_token
from kiko_livechat.services.validation import (
    choice,
    clean_email,
    clean_locale,
    clean_name,
    clean_new_password,
)

TRIAL_DAYS = 14


def create_account(
    session: Session, *, name: object, locale: object, plan: object = Plan.TRIAL, now: datetime | None = None
) -> Account:
    """A new customer account; a trial ends after 14 days. Live chat starts deactivated."""
    now = now or utcnow()
    plan_value = choice(plan, Plan, field="plan")
    account = Account(
        name=clean_name(name),
        locale=clean_locale(locale),
        plan=plan_value,
        trial_ends_at=now + timedelta(days=TRIAL_DAYS) if plan_value == Plan.TRIAL else None,
        created_at=now,
    )
    session.add(account)
    session.flush()
    return account


def create_user(
    session: Session,
    *,
    account_id: int,
    email: object,
    name: object,
    password: object,
    role: object = Role.AGENT,
    is_super_admin: bool = False,
) -> User:
    """A user with a password, member of `account_id` with `role`."""
    clean_email_value = clean_email(email)
    role_value = choice(role, Role, field="role")
    user = User(
        email=clean_email_value,
        name=clean_name(name),
        password_hash=hash_password(clean_new_password(password, field="password")),
        is_super_admin=is_super_admin,
    )
    if session.get(Account, account_id) is None:
        raise NotFound()
    if session.exec(select(User.id).where(User.email == clean_email_value)).first() is not None:
        raise ValidationFailed("error.email_taken", field="email")
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same e-mail
        raise ValidationFailed("error.email_taken", field="email") from exc
    session.add(AccountUser(account_id=account_id, user_id=user.id, role=role_value))
    session.flush()
    return user


@dataclass(frozen=True)
class CreatedInbox:
    inbox: Inbox
    # Plaintext bot token of an API inbox; shown once, only its hash is stored.
    api_token: str | None


def create_inbox(
    session: Session,
    *,
    account_id: int,
    name: object,
    channel_type: object,
    greeting: str = "",
    agent_ids: tuple[int, ...] = (),
) -> CreatedInbox:
    """A web-widget or API inbox; an API inbox gets its bot token."""
    channel = choice(channel_type, ChannelType, field="channel_type")
    inbox = Inbox(
        account_id=account_id,
        name=clean_name(name),
        channel_type=channel,
        public_token=secrets.token_urlsafe(16),
        hmac_secret=secrets.token_hex(32),
        greeting=greeting,
    )
    session.add(inbox)
    session.flush()
    for user_id in agent_ids:
        membership = session.exec(
            select(AccountUser).where(AccountUser.account_id == account_id, AccountUser.user_id == user_id)
        ).first()
        if membership is None:
            raise NotFound()
        session.add(InboxMember(account_id=account_id, inbox_id=inbox.id, user_id=user_id))
    api_token = None
    if channel == ChannelType.API:
        api_token, token_hash = new_token()
        session.add(ApiAccessToken(account_id=account_id, owner_type="inbox", owner_id=inbox.id, token_hash=token_hash))
    session.flush()
    return CreatedInbox(inbox=inbox, api_token=api_token)


def get_inbox(session: Session, *, account_id: int, inbox_id: object) -> Inbox:
    """One inbox of the account."""
    return get_in_account(session, Inbox, account_id=account_id, obj_id=inbox_id)
