"""Who is calling the HTTP API: an API inbox's bot token, or a user's personal token.

Either one acts only inside its own account; a bot token reaches only its own inbox.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.models import AccountUser, ApiAccessToken, ChannelType, Inbox, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services.actor import BOT, Actor
from kiko_livechat.services.errors import AuthFailed
from kiko_livechat.services.tokens import hash_token, new_token

# Writing last_used_at on every request would turn each read into a write.
_TOUCH_INTERVAL = timedelta(minutes=5)
# Longer than any token we issue: refused without a lookup (and without a rate-limit bucket).
TOKEN_MAX = 200


_TOKEN = (
    select(ApiAccessToken, Inbox)
    .outerjoin(Inbox, (ApiAccessToken.owner_type == "inbox") & (Inbox.id == ApiAccessToken.owner_id))
    .where(ApiAccessToken.token_hash == sa.bindparam("token_hash"), ApiAccessToken.revoked_at.is_(None))
)


def resolve_api_token(session: Session, *, token: object, now: datetime | None = None) -> Actor:
    """The actor behind an `api_access_token`, or AuthFailed."""
    now = now or utcnow()
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX:
        raise AuthFailed("api.unauthorized")
    # A bot's inbox comes with its token, in the same query (the API's most frequent caller).
    found = session.exec(_TOKEN, params={"token_hash": hash_token(token)}).first()
    if found is None:
        raise AuthFailed("api.unauthorized")
    row, inbox = found
    actor = _inbox_actor(row, inbox) if row.owner_type == "inbox" else _user_actor(session, row)
    if row.last_used_at is None or now - row.last_used_at > _TOUCH_INTERVAL:
        row.last_used_at = now
        session.add(row)
        session.commit()
    return actor


def issue_personal_token(session: Session, *, actor: Actor) -> str:
    """A new personal API token for the actor in their current account (shown once); the
    previous one stops working."""
    token = replace_token(session, account_id=actor.account_id, owner_type="user", owner_id=actor.user_id)
    session.commit()
    return token


def replace_token(session: Session, *, account_id: int, owner_type: str, owner_id: int) -> str:
    """A fresh token for an owner (an inbox's bot, a user in an account); the owner's earlier
    tokens stop working at once. Only the hash is stored; the caller commits."""
    now = utcnow()
    for old in session.exec(
        select(ApiAccessToken).where(
            ApiAccessToken.account_id == account_id,
            ApiAccessToken.owner_type == owner_type,
            ApiAccessToken.owner_id == owner_id,
            ApiAccessToken.revoked_at.is_(None),
        )
    ).all():
        old.revoked_at = now
        session.add(old)
    token, token_hash = new_token()
    session.add(ApiAccessToken(account_id=account_id, owner_type=owner_type, owner_id=owner_id, token_hash=token_hash))
    return token


def _inbox_actor(row: ApiAccessToken, inbox: Inbox | None) -> Actor:
    if inbox is None or inbox.account_id != row.account_id or inbox.channel_type != ChannelType.API:
        raise AuthFailed("api.unauthorized")
    return Actor(user_id=0, account_id=row.account_id, role=BOT, session_id=0, bot_inbox_id=inbox.id)


def _user_actor(session: Session, row: ApiAccessToken) -> Actor:
    found = session.exec(
        select(User, AccountUser)
        .join(AccountUser, AccountUser.user_id == User.id)
        .where(User.id == row.owner_id, AccountUser.account_id == row.account_id)
    ).first()
    if found is None or not found[0].is_active or not found[1].is_active:
        raise AuthFailed("api.unauthorized")
    user, membership = found
    return Actor(user_id=user.id, account_id=row.account_id, role=membership.role, session_id=0)
