"""The e-mail that tells an administrator their long contact import has ended: queued with the
import's last batch (services/contact_import.py), composed at send time in their language, sent
by the e-mail worker with the alert e-mails' retries (services/alert_mail.py)."""

from datetime import datetime
from email.message import EmailMessage
from html import escape

from sqlmodel import Session

from kiko_livechat.i18n import translate
from kiko_livechat.models import Account, AlertEmail, ContactImport, User
from kiko_livechat.routes import contact_import_page
from kiko_livechat.services.mail import build_email, email_enabled
from kiko_livechat.settings import get_settings

IMPORT_DONE = "import_done"


def queue(session: Session, *, row: ContactImport, now: datetime) -> None:
    """Queue the e-mail to whoever started the import, if e-mail is on (the caller commits)."""
    if not email_enabled() or row.user_id is None:
        return
    session.add(
        AlertEmail(
            account_id=row.account_id,
            user_id=row.user_id,
            import_id=row.id,
            kind=IMPORT_DONE,
            send_after=now,
            created_at=now,
        )
    )


def compose(session: Session, row: AlertEmail) -> EmailMessage:
    """How the import ended, its counts, and a link to its page (and its rejected rows)."""
    user = session.get(User, row.user_id)
    imported = session.get(ContactImport, row.import_id)
    locale = user.locale or session.get(Account, row.account_id).locale
    outcome = "failed" if imported.error else "completed"
    paragraphs = [
        translate(locale, f"mail.import.{outcome}", file=imported.file_name),
        translate(
            locale,
            "mail.import.counts",
            created=imported.created_count,
            updated=imported.updated_count,
            unchanged=imported.unchanged_count,
            rejected=imported.rejected_count,
        ),
    ]
    link = get_settings().base_url.rstrip("/") + contact_import_page(imported.id)
    action = translate(locale, "mail.import.open")
    html = "".join(f"<p>{escape(p)}</p>" for p in paragraphs) + f'<p><a href="{escape(link)}">{escape(action)}</a></p>'
    return build_email(
        to=user.email,
        subject=translate(locale, f"mail.import.subject.{outcome}", file=imported.file_name),
        text="\n\n".join(paragraphs) + f"\n\n{action}: {link}\n",
        html=html,
        reference=f"alert-{row.id}",
    )
