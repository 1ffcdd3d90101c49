"""Creating accounts, their people and inboxes (used by the demo seed and the admin screens)."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from kiko_livechat.models import (
    Account,
    AccountUser,
    ChannelType,
    Inbox,
    InboxMember,
    Plan,
    Role,
    User,
)
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import webhook_targets
from kiko_livechat.services.api_access import replace_token
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.passwords import hash_password
from kiko_livechat.services.public_address import clean_webhook_url
from kiko_livechat.services.scoping import get_in_account, require_unique_name, valid_id
from kiko_livechat.services.validation import (
    choice,
    clean_color,
    clean_domains,
    clean_email,
    clean_locale,
    clean_name,
    clean_new_password,
    clean_text,
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
) -> User:
    """A user with a password, member of `account_id` with `role`."""
    role_value = choice(role, Role, field="role")
    if session.get(Account, account_id) is None:
        raise NotFound()
    user = _insert_user(session, email=email, name=name, password=password)
    session.add(AccountUser(account_id=account_id, user_id=user.id, role=role_value))
    session.flush()
    return user


def create_operator(session: Session, *, email: object, name: object, password: object) -> User:
    """A super admin for the operator console; a member of no account."""
    return _insert_user(session, email=email, name=name, password=password, is_super_admin=True)


def _insert_user(session: Session, *, email: object, name: object, password: object, is_super_admin=False) -> User:
    clean_email_value = clean_email(email)
    user = User(
        email=clean_email_value,
        name=clean_name(name),
        password_hash=hash_password(clean_new_password(password, field="password")),
        is_super_admin=is_super_admin,
    )
    if session.exec(select(User.id).where(User.email == clean_email_value)).first() is not None:
        raise ValidationFailed("error.email_taken", field="email")
    session.add(user)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent insert of the same e-mail
        raise ValidationFailed("error.email_taken", field="email") from exc
    return user


@dataclass(frozen=True)
class CreatedInbox:
    inbox: Inbox
    # Plaintext bot token of an API inbox; shown once, only its hash is stored.
    api_token: str | None


GREETING_MAX = 500


def create_inbox(
    session: Session,
    *,
    account_id: int,
    name: object,
    channel_type: object,
    greeting: object = "",
    widget_color: object = "#1f6feb",
    allowed_domains: object = (),
    webhook_url: object = None,
    agent_ids: tuple[int, ...] = (),
) -> CreatedInbox:
    """A web-widget or API inbox worked by `agent_ids`; an API inbox gets its bot token.

    Everything is checked before anything is written, so a refused inbox leaves no trace.
    """
    channel = choice(channel_type, ChannelType, field="channel_type")
    clean = clean_name(name)
    inbox = Inbox(
        account_id=account_id,
        name=clean,
        channel_type=channel,
        public_token=secrets.token_urlsafe(16),
        hmac_secret=secrets.token_hex(32),
        webhook_secret=secrets.token_hex(32),
        greeting=clean_text(greeting, field="greeting", max_length=GREETING_MAX),
        widget_color=clean_color(widget_color),
        allowed_domains=clean_domains(allowed_domains),
        webhook_url=clean_webhook_url(webhook_url, field="webhook_url"),
    )
    require_unique_name(session, Inbox, account_id=account_id, name=clean)
    members = active_member_ids(session, account_id=account_id, user_ids=agent_ids)
    session.add(inbox)
    session.flush()
    for user_id in members:
        session.add(InboxMember(account_id=account_id, inbox_id=inbox.id, user_id=user_id))
    api_token = None
    if channel == ChannelType.API:
        api_token = issue_inbox_token(session, inbox)
        webhook_targets.ensure(session, [webhook_targets.row(account_id, inbox_id=inbox.id)])
    session.flush()
    return CreatedInbox(inbox=inbox, api_token=api_token)


def issue_inbox_token(session: Session, inbox: Inbox) -> str:
    """A new bot token for an API inbox; earlier tokens of the inbox stop working at once."""
    return replace_token(session, account_id=inbox.account_id, owner_type="inbox", owner_id=inbox.id)


def active_member_ids(session: Session, *, account_id: int, user_ids: object) -> list[int]:
    """`user_ids` if every one is an active member of the account, else NotFound (nothing changed)."""
    wanted = list(dict.fromkeys(user_ids)) if isinstance(user_ids, list | tuple | set) else []
    if not all(valid_id(user_id) for user_id in wanted):
        raise NotFound(field="agent_ids")
    if not wanted:
        return []
    found = set(
        session.exec(
            select(AccountUser.user_id).where(
                AccountUser.account_id == account_id, AccountUser.user_id.in_(wanted), AccountUser.is_active
            )
        ).all()
    )
    if found != set(wanted):
        raise NotFound(field="agent_ids")
    return wanted


def get_inbox(session: Session, *, account_id: int, inbox_id: object) -> Inbox:
    """One inbox of the account."""
    return get_in_account(session, Inbox, account_id=account_id, obj_id=inbox_id)
