"""Invitation e-mails: queued in the invitation's own transaction, composed at send time in the
invitee's language and sent by the e-mail worker with the alert e-mails' retries
(services/alert_mail.py, kiko_livechat/workers.py).

The database keeps an invitation's token only as a hash. The queued e-mail holds the token until
it was sent, given up or superseded; that is why a resend issues a new link.
"""

from datetime import datetime, timedelta
from email.message import EmailMessage
from html import escape

import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.i18n import format_datetime, translate
from kiko_livechat.models import Account, AlertEmail, DeliveryStatus, Invitation, User
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.mail import build_email, email_enabled
from kiko_livechat.settings import get_settings

INVITATION = "invitation"
INVITE_PATH = "/invite/"


def invitation_link(token: str) -> str:
    """The address that opens the invitation of `token`."""
    return f"{get_settings().base_url}{INVITE_PATH}{token}"


def check_not_sent_recently(
    session: Session, *, account_id: int, email: str, now: datetime, field: str | None = "email"
) -> None:
    """Refuse a second e-mail to `email` from this account within the resend interval (one
    minute by default): a button pressed again and again must not flood someone's mailbox."""
    if not email_enabled():
        return
    interval = timedelta(seconds=get_settings().invitation_resend_seconds)
    last = session.exec(
        select(sa.func.max(AlertEmail.created_at))
        .join(Invitation, Invitation.id == AlertEmail.invitation_id)
        .where(Invitation.account_id == account_id, Invitation.email == email)
    ).one()
    if last is not None and last > now - interval:
        wait = int((last + interval - now).total_seconds()) + 1
        raise ValidationFailed("invitations.error.sent_recently", field=field, seconds=wait)


def queue(session: Session, *, invitation: Invitation, token: str, now: datetime) -> bool:
    """Queue the e-mail with the link of `token`, if e-mail is on; True if queued. Unsent
    e-mails of the invitation are dropped (their link no longer works). The caller commits."""
    if not email_enabled():
        return False
    drop_unsent(session, invitation_id=invitation.id)
    session.add(
        AlertEmail(
            account_id=invitation.account_id,
            invitation_id=invitation.id,
            invitation_token=token,
            kind=INVITATION,
            send_after=now,
            created_at=now,
        )
    )
    return True


def drop_unsent(session: Session, *, invitation_id: int) -> None:
    """The invitation was withdrawn or got a new link: what is still queued for it never goes."""
    for row in session.exec(
        select(AlertEmail).where(AlertEmail.invitation_id == invitation_id, AlertEmail.status == DeliveryStatus.PENDING)
    ):
        row.status = DeliveryStatus.SKIPPED
        row.invitation_token = None
        session.add(row)


def still_wanted(session: Session, row: AlertEmail, now: datetime) -> bool:
    """Whether the invitation can still be accepted (not taken, withdrawn or expired meanwhile)."""
    invitation = session.get(Invitation, row.invitation_id)
    return (
        invitation is not None
        and row.invitation_token is not None
        and invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > now
    )


def latest_status(session: Session, invitation_ids: list[int]) -> dict[int, str]:
    """The state of the newest e-mail of each invitation (pending, sent, failed) that has one."""
    if not invitation_ids:
        return {}
    newest = (
        select(sa.func.max(AlertEmail.id))
        .where(AlertEmail.invitation_id.in_(invitation_ids), AlertEmail.status != DeliveryStatus.SKIPPED)
        .group_by(AlertEmail.invitation_id)
    )
    rows = session.exec(select(AlertEmail.invitation_id, AlertEmail.status).where(AlertEmail.id.in_(newest)))
    return dict(rows.all())


def compose(session: Session, row: AlertEmail) -> EmailMessage:
    """The invitation in the invitee's language: who invites them to which account, the link."""
    invitation = session.get(Invitation, row.invitation_id)
    account = session.get(Account, invitation.account_id)
    existing = session.exec(select(User).where(User.email == invitation.email)).first()
    locale = invitation.locale or (existing.locale if existing else None) or account.locale
    inviter = session.get(User, invitation.invited_by_id) if invitation.invited_by_id else None
    role = translate(locale, f"role.{invitation.role}")
    if inviter is not None:
        intro = translate(locale, "mail.invitation.intro", inviter=inviter.name, account=account.name, role=role)
    else:
        intro = translate(locale, "mail.invitation.intro_anonymous", account=account.name, role=role)
    link = invitation_link(row.invitation_token)
    greeting = translate(locale, "mail.invitation.greeting", name=invitation.name)
    action = translate(locale, "mail.invitation.accept")
    validity = translate(locale, "mail.invitation.valid_until", expires=format_datetime(invitation.expires_at, locale))
    return build_email(
        to=invitation.email,
        subject=translate(locale, "mail.invitation.subject", account=account.name),
        text=f"{greeting}\n\n{intro}\n\n{action}: {link}\n\n{validity}\n",
        html=f"<p>{escape(greeting)}</p><p>{escape(intro)}</p>"
        f'<p><a href="{escape(link)}">{escape(action)}</a></p>'
        f"<p><small>{escape(validity)}</small></p>",
        reference=f"invitation-{row.id}",
    )
