"""The e-mail that tells someone their login is being guessed at: queued when failed logins start
to slow their account down (once per run of failures, services/login_throttle.py), composed at
send time in their language, sent by the e-mail worker with the alert e-mails' retries
(services/alert_mail.py)."""

from datetime import datetime
from email.message import EmailMessage
from html import escape

from sqlmodel import Session, select

from kiko_livechat.i18n import translate
from kiko_livechat.models import Account, AccountUser, AlertEmail, User
from kiko_livechat.services.mail import build_email, email_enabled
from kiko_livechat.settings import get_settings

LOGIN_WARNING = "login_warning"


def queue(session: Session, *, user: User, client_address: str | None, now: datetime) -> None:
    """Queue the warning to `user` about failures from `client_address`, if e-mail is on. The
    caller commits."""
    if not email_enabled():
        return
    session.add(
        AlertEmail(
            account_id=None,
            user_id=user.id,
            kind=LOGIN_WARNING,
            client_address=client_address,
            send_after=now,
            created_at=now,
        )
    )


def compose(session: Session, row: AlertEmail) -> EmailMessage:
    """What happened, from where, that nothing is locked, and what to do if it was not them."""
    user = session.get(User, row.user_id)
    locale = _locale_of(session, user)
    address = row.client_address or translate(locale, "mail.login_warning.unknown_address")
    paragraphs = [
        translate(locale, "mail.login_warning.greeting", name=user.name),
        translate(locale, "mail.login_warning.intro", email=user.email, address=address),
        translate(locale, "mail.login_warning.not_locked"),
        translate(locale, "mail.login_warning.advice"),
    ]
    return build_email(
        to=user.email,
        subject=translate(locale, "mail.login_warning.subject"),
        text="\n\n".join(paragraphs) + "\n",
        html="".join(f"<p>{escape(paragraph)}</p>" for paragraph in paragraphs),
        reference=f"alert-{row.id}",
    )


def _locale_of(session: Session, user: User) -> str:
    """The user's language, else that of the account they log in to first, else the default
    (the operator belongs to no account)."""
    if user.locale:
        return user.locale
    account_locale = session.exec(
        select(Account.locale)
        .join(AccountUser, AccountUser.account_id == Account.id)
        .where(AccountUser.user_id == user.id, AccountUser.is_active)
        .order_by(AccountUser.id)
    ).first()
    return account_locale or get_settings().default_locale
