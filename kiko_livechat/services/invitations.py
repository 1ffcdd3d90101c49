"""Inviting people into an account: a single-use link, valid for a week, that sets the password.
With an SMTP server configured the link also goes out by e-mail (services/invitation_mail.py).

Someone who already has a login (in another account) joins with their existing password
instead: an invitation must never let its holder overwrite another account's credentials.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select, update

from kiko_livechat.models import Account, AccountUser, Invitation, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import auth, invitation_mail
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.mail import email_enabled
from kiko_livechat.services.passwords import hash_password, verify_password
from kiko_livechat.services.scoping import get_in_account
from kiko_livechat.services.tokens import hash_token, new_token
from kiko_livechat.services.validation import choice, clean_email, clean_locale, clean_name, clean_new_password
from kiko_livechat.settings import get_settings


@dataclass(frozen=True)
class CreatedInvitation:
    invitation_id: int
    email: str
    # The link with the plaintext token: shown to whoever invited, e-mailed, never stored.
    link: str
    expires_at: datetime
    # True: an e-mail with the link is queued (e-mail is configured).
    emailed: bool = False


@dataclass(frozen=True)
class InvitationView:
    invitation_id: int
    email: str
    name: str
    role: str
    expires_at: datetime
    # The newest e-mail's state (pending, sent, failed); "" if none was sent.
    mail_status: str = ""


@dataclass(frozen=True)
class InvitationPreview:
    """What the invited person sees before accepting."""

    account_name: str
    email: str
    name: str
    # True: they already have a login and confirm with their password instead of choosing one.
    existing_user: bool


def invite_agent(
    session: Session,
    *,
    actor: Actor,
    email: object,
    name: object,
    role: object = Role.AGENT,
    locale: object = None,
    now: datetime | None = None,
) -> CreatedInvitation:
    """An administrator invites someone into their account (replacing an earlier open invitation).
    `locale`: the invitee's language ("" or None: theirs if they have a login, else the account's)."""
    actor.require_admin()
    created = create_invitation(
        session,
        account_id=actor.account_id,
        email=email,
        name=name,
        role=role,
        locale=locale,
        invited_by_id=actor.user_id,
        now=now,
    )
    session.commit()
    return created


def resend_invitation(
    session: Session, *, actor: Actor, invitation_id: object, now: datetime | None = None
) -> CreatedInvitation:
    """E-mail an open invitation again (administrators of its account), at most once a minute
    (KIKO_INVITATION_RESEND_SECONDS).
    Only the hash of the first link was kept, so the e-mail carries a new link, valid for the full
    time again; the earlier link stops working."""
    actor.require_admin()
    now = now or utcnow()
    invitation = get_in_account(session, Invitation, account_id=actor.account_id, obj_id=invitation_id)
    if invitation.accepted_at is not None or invitation.revoked_at is not None or invitation.expires_at <= now:
        raise NotFound("invitations.error.invalid")
    if not email_enabled():
        raise ValidationFailed("invitations.error.email_off")
    invitation_mail.check_not_sent_recently(
        session, account_id=actor.account_id, email=invitation.email, now=now, field=None
    )
    token, invitation.token_hash = new_token()
    invitation.expires_at = now + timedelta(days=get_settings().invitation_valid_days)
    session.add(invitation)
    emailed = invitation_mail.queue(session, invitation=invitation, token=token, now=now)
    session.commit()
    return _created(invitation, token, emailed)


def create_invitation(
    session: Session,
    *,
    account_id: int,
    email: object,
    name: object,
    role: object,
    invited_by_id: int | None,
    locale: object = None,
    now: datetime | None = None,
) -> CreatedInvitation:
    """The invitation itself and its e-mail (when e-mail is on), in the caller's transaction.
    Callers check who may invite: an administrator of `account_id` (invite_agent) or the
    operator (a new account's first admin)."""
    now = now or utcnow()
    clean_address = clean_email(email)
    clean = clean_name(name)
    role_value = choice(role, Role, field="role")
    locale_value = clean_locale(locale, allow_empty=True)
    existing = session.exec(
        select(AccountUser)
        .join(User, User.id == AccountUser.user_id)
        .where(AccountUser.account_id == account_id, User.email == clean_address)
    ).first()
    if existing is not None:
        code = "invitations.error.already_member" if existing.is_active else "invitations.error.deactivated_member"
        raise ValidationFailed(code, field="email")
    invitation_mail.check_not_sent_recently(session, account_id=account_id, email=clean_address, now=now)
    for earlier in session.exec(_open_invitations(session, account_id, now).where(Invitation.email == clean_address)):
        earlier.revoked_at = now
        session.add(earlier)
        invitation_mail.drop_unsent(session, invitation_id=earlier.id)
    token, token_hash = new_token()
    invitation = Invitation(
        account_id=account_id,
        email=clean_address,
        name=clean,
        role=role_value,
        locale=locale_value,
        token_hash=token_hash,
        invited_by_id=invited_by_id,
        created_at=now,
        expires_at=now + timedelta(days=get_settings().invitation_valid_days),
    )
    session.add(invitation)
    session.flush()
    emailed = invitation_mail.queue(session, invitation=invitation, token=token, now=now)
    return _created(invitation, token, emailed)


def _created(invitation: Invitation, token: str, emailed: bool) -> CreatedInvitation:
    return CreatedInvitation(
        invitation_id=invitation.id,
        email=invitation.email,
        link=invitation_mail.invitation_link(token),
        expires_at=invitation.expires_at,
        emailed=emailed,
    )


def list_invitations(session: Session, *, actor: Actor, now: datetime | None = None) -> list[InvitationView]:
    """Invitations of the actor's account that can still be accepted (administrators only)."""
    actor.require_admin()
    rows = session.exec(_open_invitations(session, actor.account_id, now or utcnow()).order_by(Invitation.id)).all()
    mail = invitation_mail.latest_status(session, [i.id for i in rows])
    return [
        InvitationView(
            invitation_id=i.id,
            email=i.email,
            name=i.name,
            role=i.role,
            expires_at=i.expires_at,
            mail_status=mail.get(i.id, ""),
        )
        for i in rows
    ]


def revoke_invitation(session: Session, *, actor: Actor, invitation_id: object, now: datetime | None = None) -> None:
    """Withdraw an invitation; its link stops working."""
    actor.require_admin()
    invitation = get_in_account(session, Invitation, account_id=actor.account_id, obj_id=invitation_id)
    if invitation.accepted_at is None and invitation.revoked_at is None:
        invitation.revoked_at = now or utcnow()
        session.add(invitation)
        invitation_mail.drop_unsent(session, invitation_id=invitation.id)
        session.commit()


def preview_invitation(session: Session, *, token: object, now: datetime | None = None) -> InvitationPreview:
    """The account and person of a valid invitation link, else NotFound (unknown, used, expired)."""
    invitation = _usable(session, token, now or utcnow())
    account = session.get(Account, invitation.account_id)
    user = session.exec(select(User).where(User.email == invitation.email)).first()
    return InvitationPreview(
        account_name=account.name, email=invitation.email, name=invitation.name, existing_user=user is not None
    )


def accept_invitation(
    session: Session, *, token: object, name: object, password: object, now: datetime | None = None
) -> auth.LoginResult:
    """Join the account and sign in. A new person chooses their name and password; someone with
    a login confirms their existing password. The link works once."""
    now = now or utcnow()
    invitation = _usable(session, token, now)
    user = session.exec(select(User).where(User.email == invitation.email)).first()
    if user is None:
        account_locale = session.get(Account, invitation.account_id).locale
        user = User(
            email=invitation.email,
            name=clean_name(name),
            password_hash=hash_password(clean_new_password(password, field="password")),
            # The language they were invited in, unless it is the account's (then they follow it).
            locale=invitation.locale if invitation.locale != account_locale else None,
        )
        session.add(user)
        session.flush()
    else:
        if not user.is_active or not verify_password(password if isinstance(password, str) else "", user.password_hash):
            raise ValidationFailed("invitations.error.password_wrong", field="password")
        already = session.exec(
            select(AccountUser.id).where(
                AccountUser.account_id == invitation.account_id, AccountUser.user_id == user.id
            )
        ).first()
        if already is not None:
            raise ValidationFailed("invitations.error.already_member", field="password")
    # Claim the invitation atomically: of two tabs accepting at once, only one gets through.
    claimed = session.exec(
        update(Invitation)
        .where(Invitation.id == invitation.id, Invitation.accepted_at.is_(None), Invitation.revoked_at.is_(None))
        .values(accepted_at=now)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise NotFound("invitations.error.invalid")
    membership = AccountUser(account_id=invitation.account_id, user_id=user.id, role=invitation.role)
    session.add(membership)
    session.flush()
    return auth.sign_in_member(session, user=user, membership=membership, now=now)


def _usable(session: Session, token: object, now: datetime) -> Invitation:
    if not isinstance(token, str) or not token or len(token) > 200:
        raise NotFound("invitations.error.invalid")
    invitation = session.exec(select(Invitation).where(Invitation.token_hash == hash_token(token))).first()
    if (
        invitation is None
        or invitation.accepted_at is not None
        or invitation.revoked_at is not None
        or invitation.expires_at <= now
    ):
        raise NotFound("invitations.error.invalid")
    return invitation


def _open_invitations(session: Session, account_id: int, now: datetime):
    return select(Invitation).where(
        Invitation.account_id == account_id,
        Invitation.accepted_at.is_(None),
        Invitation.revoked_at.is_(None),
        Invitation.expires_at > now,
    )
