"""The account's contacts as a CSV file (administrators): streamed row by row from the database
and written as it is read, so a million contacts cost a constant amount of memory and start
downloading at once; UTF-8 with BOM (Excel opens umlauts), ";" for comma-decimal languages, and
every cell through the formula guard (services/csv_export.py).

The columns are Chatwoot's import columns, so an export imports again unchanged."""

from collections.abc import Iterator

import sqlalchemy as sa
from sqlmodel import Session

from kiko_livechat.i18n import format_datetime
from kiko_livechat.models import Account, Contact
from kiko_livechat.services import csv_export
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.contacts import reachable
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.services.overview import contacts_containing

HEADER = ("identifier", "name", "email", "phone_number", "company_name", "city", "country", "created_at",
          "last_activity_at")  # fmt: skip
EXPORT_NAME = "export.csv"
# Rows fetched from the database at a time while streaming.
FETCH = 2000


def export_contacts(session: Session, *, actor: Actor, q: object = None) -> tuple[str, Iterator[bytes]]:
    """(download name, the CSV's bytes in chunks) of the contacts the actor may see, those whose
    name, e-mail, phone, identifier or company contains `q` when given (as the directory shows).
    Read while the caller sends it: keep `session` open until the iterator is done."""
    actor.require_admin()
    locale = session.get(Account, actor.account_id).locale
    query = sa.select(*(Contact.__table__.c[c] for c in (
        "identifier", "name", "email", "phone_number", "additional_attributes", "created_at", "last_activity_at"
    ))).where(reachable(actor)).order_by(Contact.id)  # fmt: skip
    if q is not None and q != "":
        text = q.strip().lower() if isinstance(q, str) else ""
        if not text or len(text) > 200 or "\x00" in text:
            raise ValidationFailed("contacts.error.search_term", field="q")
        query = query.where(contacts_containing(text))

    def rows():
        result = session.execute(query.execution_options(yield_per=FETCH))
        for identifier, name, email, phone, extra, created, active in result:
            extra = extra or {}
            yield (identifier or "", name or "", email or "", phone or "", extra.get("company_name", ""),
                   extra.get("city", ""), extra.get("country", ""), format_datetime(created, locale),
                   format_datetime(active, locale) if active else "")  # fmt: skip

    return EXPORT_NAME, csv_export.write_csv(HEADER, rows(), delimiter=csv_export.delimiter_for(locale))
