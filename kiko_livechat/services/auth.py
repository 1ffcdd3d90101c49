"""Login, sessions, logout and password change."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select, update

from kiko_livechat.models import Account, AccountUser, AuthSession, SessionKind, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import login_throttle
from kiko_livechat.services.actor import Actor, OperatorActor
from kiko_livechat.services.errors import AuthFailed, NotFound, ValidationFailed
from kiko_livechat.services.passwords import (
    hash_password,
    needs_rehash,
    verify_password,
)
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.tokens import hash_token, new_token
from kiko_livechat.services.validation import clean_new_password
from kiko_livechat.settings import get_settings

# Writing last_used_at on every request would turn each read into a write.
_TOUCH_INTERVAL = timedelta(minutes=5)
_EMAIL_MAX = 254
_PASSWORD_MAX = 1024


@dataclass(frozen=True)
class LoginResult:
    token: str
    actor: Actor


def login(
    session: Session,
    *,
    email: object,
    password: object,
    client_address: str | None = None,
    now: datetime | None = None,
) -> LoginResult:
    """Check the credentials and open a dashboard session in the user's first active account.

    Wrong password and unknown e-mail get the same answer. Failures slow the next attempts from
    `client_address` and on the e-mail down (services/login_throttle.py); nobody is locked out.
    """
    now = now or utcnow()
    user, attempt = _check_credentials(session, email, password, client_address, now)
    membership = session.exec(
        select(AccountUser).where(AccountUser.user_id == user.id, AccountUser.is_active).order_by(AccountUser.id)
    ).first()
    if membership is None:
        _refuse(session, attempt, user)
    token, auth_session = _succeed(session, user, attempt, password, now, membership.account_id, SessionKind.AGENT)
    return LoginResult(token=token, actor=_actor(auth_session, membership, user))


def sign_in_member(session: Session, *, user: User, membership: AccountUser, now: datetime) -> LoginResult:
    """Open a dashboard session for a user who just proved who they are (accepted invitation)."""
    user.last_seen_at = now
    session.add(user)
    token, auth_session = _open_session(session, user.id, membership.account_id, now, SessionKind.AGENT)
    session.commit()
    return LoginResult(token=token, actor=_actor(auth_session, membership, user))


@dataclass(frozen=True)
class OperatorLoginResult:
    token: str
    operator: OperatorActor


def operator_login(
    session: Session,
    *,
    email: object,
    password: object,
    client_address: str | None = None,
    now: datetime | None = None,
) -> OperatorLoginResult:
    """Open an operator-console session; only super admins get one, with the same answers and
    the same throttle as login."""
    now = now or utcnow()
    user, attempt = _check_credentials(session, email, password, client_address, now)
    if not user.is_super_admin:
        _refuse(session, attempt, user)
    token, auth_session = _succeed(session, user, attempt, password, now, None, SessionKind.OPERATOR)
    return OperatorLoginResult(token=token, operator=OperatorActor(user_id=user.id, session_id=auth_session.id))


def _check_credentials(session: Session, email: object, password: object, client_address: str | None, now: datetime):
    """The active user with these credentials and the throttle's attempt, or AuthFailed (failure recorded)."""
    email_text = email.strip().lower() if isinstance(email, str) else ""
    password_text = password if isinstance(password, str) else ""
    if not email_text:
        raise ValidationFailed("error.required", field="email")
    if not password_text:
        raise ValidationFailed("error.required", field="password")
    if len(email_text) > _EMAIL_MAX or len(password_text) > _PASSWORD_MAX:
        raise AuthFailed("auth.invalid_credentials")

    attempt = login_throttle.begin(session, email=email_text, client_address=client_address, now=now)
    user = session.exec(select(User).where(User.email == email_text)).first()
    if not verify_password(password_text, user.password_hash if user else None) or not user.is_active:
        _refuse(session, attempt, user)
    return user, attempt


def _refuse(session: Session, attempt: login_throttle.Attempt, user: User | None):
    login_throttle.failed(session, attempt, owner=user)
    session.commit()
    raise AuthFailed("auth.invalid_credentials")


def _succeed(session, user, attempt, password: str, now: datetime, account_id: int | None, kind: SessionKind):
    login_throttle.succeeded(session, attempt)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_seen_at = now
    token, auth_session = _open_session(session, user.id, account_id, now, kind)
    session.add(user)
    session.commit()
    return token, auth_session


def resolve_session(session: Session, *, token: object, now: datetime | None = None) -> Actor:
    """The actor behind a session token, or AuthFailed if it is unknown, ended or its user is gone.

    Checked on every call, so logout, deactivation and password change take effect at once.
    """
    now = now or utcnow()
    if not isinstance(token, str) or not token or len(token) > 200:
        raise AuthFailed("auth.session_invalid")
    settings = get_settings()
    # Columns, not rows: every handler and live update of every tab asks this (three ORM rows,
    # the user's password hash among them, cost twice the time).
    row = session.exec(
        select(
            AuthSession.id,
            AuthSession.user_id,
            AuthSession.account_id,
            AuthSession.revoked_at,
            AuthSession.expires_at,
            AuthSession.last_used_at,
            User.is_active,
            User.is_super_admin,
            AccountUser.role,
            AccountUser.is_active.label("member_active"),
        )
        .join(User, User.id == AuthSession.user_id)
        .join(
            AccountUser,
            (AccountUser.user_id == AuthSession.user_id) & (AccountUser.account_id == AuthSession.account_id),
        )
        .where(AuthSession.token_hash == hash_token(token), AuthSession.kind == SessionKind.AGENT)
    ).first()
    if row is None:
        raise AuthFailed("auth.session_invalid")
    idle_limit = row.last_used_at + timedelta(days=settings.session_idle_days)
    if (
        row.revoked_at is not None
        or row.expires_at <= now
        or idle_limit <= now
        or not row.is_active
        or not row.member_active
    ):
        raise AuthFailed("auth.session_invalid")
    if now - row.last_used_at > _TOUCH_INTERVAL:
        session.exec(update(AuthSession).where(AuthSession.id == row.id).values(last_used_at=now))
        session.exec(update(User).where(User.id == row.user_id).values(last_seen_at=now))
        session.commit()
    return Actor(
        user_id=row.user_id,
        account_id=row.account_id,
        role=row.role,
        session_id=row.id,
        is_super_admin=row.is_super_admin,
    )


def resolve_operator(session: Session, *, token: object, now: datetime | None = None) -> OperatorActor:
    """The super admin behind an operator-console token, or AuthFailed. Dashboard tokens do not count."""
    now = now or utcnow()
    if not isinstance(token, str) or not token or len(token) > 200:
        raise AuthFailed("auth.session_invalid")
    row = session.exec(
        select(AuthSession, User)
        .join(User, User.id == AuthSession.user_id)
        .where(AuthSession.token_hash == hash_token(token), AuthSession.kind == SessionKind.OPERATOR)
    ).first()
    if row is None:
        raise AuthFailed("auth.session_invalid")
    auth_session, user = row
    idle_limit = auth_session.last_used_at + timedelta(days=get_settings().session_idle_days)
    if (
        auth_session.revoked_at is not None
        or auth_session.expires_at <= now
        or idle_limit <= now
        or not user.is_active
        or not user.is_super_admin
    ):
        raise AuthFailed("auth.session_invalid")
    if now - auth_session.last_used_at > _TOUCH_INTERVAL:
        auth_session.last_used_at = now
        session.add(auth_session)
        session.commit()
    return OperatorActor(user_id=user.id, session_id=auth_session.id)


def logout(session: Session, *, token: object, now: datetime | None = None) -> None:
    """End the session of `token`; unknown tokens are ignored (logging out twice is fine)."""
    if not isinstance(token, str) or not token:
        return
    auth_session = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).first()
    if auth_session is not None and auth_session.revoked_at is None:
        auth_session.revoked_at = now or utcnow()
        session.add(auth_session)
        session.commit()


def revoke_user_sessions(
    session: Session, *, user_id: int, account_id: int | None = None, now: datetime | None = None
) -> int:
    """End every open session of a user (password change), or only those in one account
    (deactivation there). Returns how many."""
    now = now or utcnow()
    query = select(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if account_id is not None:
        query = query.where(AuthSession.account_id == account_id)
    open_sessions = session.exec(query).all()
    for auth_session in open_sessions:
        auth_session.revoked_at = now
        session.add(auth_session)
    return len(open_sessions)


def change_password(
    session: Session, *, actor: Actor, current_password: object, new_password: object, now: datetime | None = None
) -> str:
    """Set a new password, end every session of the user and return a fresh token for this one."""
    now = now or utcnow()
    user = session.get(User, actor.user_id)
    if user is None:
        raise AuthFailed("auth.session_invalid")
    current = current_password if isinstance(current_password, str) else ""
    if not current:
        raise ValidationFailed("error.required", field="current_password")
    new = clean_new_password(new_password)
    if not verify_password(current, user.password_hash):
        raise ValidationFailed("auth.current_password_wrong", field="current_password")
    user.password_hash = hash_password(new)
    session.add(user)
    revoke_user_sessions(session, user_id=user.id, now=now)
    token, _ = _open_session(session, user.id, actor.account_id, now, SessionKind.AGENT)
    session.commit()
    return token


def switch_account(session: Session, *, actor: Actor, account_id: object, token: str) -> Actor:
    """Move the current session to another account the user is an active member of."""
    if not valid_id(account_id):
        raise NotFound()
    membership = session.exec(
        select(AccountUser).where(
            AccountUser.user_id == actor.user_id, AccountUser.account_id == account_id, AccountUser.is_active
        )
    ).first()
    if membership is None or session.get(Account, account_id) is None:
        raise NotFound()
    auth_session = session.get(AuthSession, actor.session_id)
    if auth_session is None or auth_session.token_hash != hash_token(token):
        raise AuthFailed("auth.session_invalid")
    auth_session.account_id = account_id
    session.add(auth_session)
    session.commit()
    return _actor(auth_session, membership, session.get(User, actor.user_id))


def _open_session(
    session: Session, user_id: int, account_id: int | None, now: datetime, kind: SessionKind
) -> tuple[str, AuthSession]:
    token, token_hash = new_token()
    auth_session = AuthSession(
        token_hash=token_hash,
        user_id=user_id,
        kind=kind,
        account_id=account_id,
        created_at=now,
        last_used_at=now,
        expires_at=now + timedelta(days=get_settings().session_lifetime_days),
    )
    session.add(auth_session)
    session.flush()
    return token, auth_session


def _actor(auth_session: AuthSession, membership: AccountUser, user: User) -> Actor:
    return Actor(
        user_id=user.id,
        account_id=membership.account_id,
        role=membership.role,
        session_id=auth_session.id,
        is_super_admin=user.is_super_admin,
    )
