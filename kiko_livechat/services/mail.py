"""Building the e-mails the queue sends (services/alert_mail.py): text and HTML, one sender."""

from email.message import EmailMessage

from kiko_livechat.services.validation import one_line
from kiko_livechat.settings import get_settings


def build_email(*, to: str, subject: str, text: str, html: str, reference: str) -> EmailMessage:
    """`reference` names the queued e-mail (its Message-ID), the same on every attempt."""
    message = EmailMessage()
    # Header values on one line whatever they quote (a contact's name, an account's name).
    message["Subject"] = one_line(subject)
    message["From"] = one_line(get_settings().smtp_sender)
    message["To"] = one_line(to)
    # The same id on every attempt: a retry after a lost answer is recognisable as one e-mail.
    message["Message-ID"] = f"<{reference}@kiko-livechat>"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message


def email_enabled() -> bool:
    """Whether e-mail goes out at all: only with an SMTP server configured (KIKO_SMTP_HOST)."""
    return bool(get_settings().smtp_host)
