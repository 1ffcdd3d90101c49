"""Contacts: the people agents talk to. Created by the widget, the bot API and (later) imports."""

import json
import secrets
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, func, select

from kiko_livechat.models import Contact, ContactInbox, Inbox
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes as change_step  # `changes` is a parameter below
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.overview import contacts_containing, visible_inbox_ids
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.validation import clean_email, clean_text, one_line

SEARCH_PAGE_SIZE = 15
ATTRIBUTES_MAX_BYTES = 16_000
SOURCE_ID_MAX = 255


@dataclass(frozen=True)
class ContactView:
    contact_id: int
    name: str
    email: str | None
    phone_number: str | None
    identifier: str | None
    additional_attributes: dict
    custom_attributes: dict
    created_at: datetime
    last_activity_at: datetime | None
    alias_key: str = ""
    blocked: bool = False


@dataclass(frozen=True)
class ContactInboxView:
    inbox_id: int
    source_id: str


def view(contact: Contact) -> ContactView:
    return ContactView(
        contact_id=contact.id,
        name=contact.name,
        email=contact.email,
        phone_number=contact.phone_number,
        identifier=contact.identifier,
        additional_attributes=contact.additional_attributes or {},
        custom_attributes=contact.custom_attributes or {},
        created_at=contact.created_at,
        last_activity_at=contact.last_activity_at,
        alias_key=contact.alias_key,
        blocked=contact.blocked,
    )


def create_contact(
    session: Session,
    *,
    actor: Actor,
    name: object = "",
    email: object = None,
    phone_number: object = None,
    identifier: object = None,
    custom_attributes: object = None,
    inbox_id: object = None,
    source_id: object = None,
) -> tuple[ContactView, ContactInboxView | None]:
    """A contact, and with `inbox_id` its identity in that inbox (`source_id`, made up if absent).
    A bot's contact is always in its inbox: one it made elsewhere it could not reach again."""
    fields = _clean_fields(name, email, phone_number, identifier, custom_attributes)
    if inbox_id is None and actor.bot_inbox_id is not None:
        inbox_id = actor.bot_inbox_id
    inbox = _visible_inbox(session, actor, inbox_id) if inbox_id is not None else None
    source = _clean_source_id(source_id) if inbox is not None else None
    if inbox is not None:
        _require_free_source(session, inbox.id, source)
    contact, contact_inbox = _add(session, actor, fields, inbox, source)
    change_step.commit(session)
    return view(contact), (ContactInboxView(inbox.id, source) if contact_inbox else None)


@dataclass(frozen=True)
class Identity:
    """A contact's identity in an inbox, with its rows (held, so they are not read again)."""

    inbox: Inbox
    contact: Contact
    contact_inbox: ContactInbox


def identity_in_inbox(session: Session, *, actor: Actor, inbox_id: object, details: object) -> ContactInbox:
    """The contact a bot names by `source_id` in its inbox: found, or created with the other
    details (name, email, phone_number, identifier, custom_attributes). Caller commits."""
    return identity(session, actor=actor, inbox_id=inbox_id, details=details).contact_inbox


def identity(session: Session, *, actor: Actor, inbox_id: object, details: object) -> Identity:
    """`identity_in_inbox` with the inbox and contact rows it read or made. Caller commits."""
    if not isinstance(details, dict):
        raise ValidationFailed("error.invalid_choice", field="contact")
    unknown = set(details) - {"name", "email", "phone_number", "identifier", "custom_attributes", "source_id"}
    if unknown:
        raise ValidationFailed(
            "api.error.unknown_field", field=f"contact.{sorted(unknown)[0]}", name=sorted(unknown)[0]
        )
    inbox = _visible_inbox(session, actor, inbox_id)
    source = _clean_source_id(details.get("source_id"))
    existing = session.exec(_IDENTITY, params={"inbox_id": inbox.id, "source_id": source}).first()
    if existing is not None:
        return Identity(inbox, existing[1], existing[0])
    fields = _clean_fields(
        details.get("name", ""), details.get("email"), details.get("phone_number"), details.get("identifier"),
        details.get("custom_attributes"),
    )  # fmt: skip
    return Identity(inbox, *_add(session, actor, fields, inbox, source))


def _add(session: Session, actor: Actor, fields: dict, inbox: Inbox | None, source: str | None):
    contact = Contact(account_id=actor.account_id, **fields)
    session.add(contact)
    session.flush()
    contact_inbox = None
    if inbox is not None:
        contact_inbox = ContactInbox(
            account_id=actor.account_id, contact_id=contact.id, inbox_id=inbox.id, source_id=source
        )
        session.add(contact_inbox)
        session.flush()
    emit(session, contact_event(events.CONTACT_CREATED, contact, inbox.id if inbox else 0))
    return contact, contact_inbox


def get_contact(session: Session, *, actor: Actor, contact_id: object) -> ContactView:
    return view(_reachable_contact(session, actor, contact_id))


def update_contact(session: Session, *, actor: Actor, contact_id: object, changes: dict) -> ContactView:
    """Change the given fields; custom and additional attributes are merged, not replaced."""
    contact = _reachable_contact(session, actor, contact_id)
    fields = _clean_fields(
        changes.get("name", contact.name),
        changes.get("email", contact.email),
        changes.get("phone_number", contact.phone_number),
        changes.get("identifier", contact.identifier),
        {**(contact.custom_attributes or {}), **_attributes(changes.get("custom_attributes"), "custom_attributes")},
    )
    for key, value in fields.items():
        setattr(contact, key, value)
    session.add(contact)
    emit(session, contact_event(events.CONTACT_UPDATED, contact, 0))
    change_step.commit(session)
    return view(contact)


def search_contacts(session: Session, *, actor: Actor, q: object, page: int = 1) -> tuple[list[ContactView], int]:
    """Contacts whose name, e-mail, phone or identifier contains `q` (case-insensitive)."""
    text = q.strip().lower() if isinstance(q, str) else ""
    if not text or len(text) > 200 or "\x00" in text:
        raise ValidationFailed("contacts.error.search_term", field="q")
    base = select(Contact).where(reachable(actor), contacts_containing(text, company=False))
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    page = max(1, page if isinstance(page, int) else 1)
    rows = session.exec(
        base.order_by(Contact.last_activity_at.desc(), Contact.id.desc())
        .offset((page - 1) * SEARCH_PAGE_SIZE)
        .limit(SEARCH_PAGE_SIZE)
    ).all()
    return [view(c) for c in rows], total


def contact_inbox_for(
    session: Session, *, actor: Actor, inbox_id: object, source_id: object = None, contact_id: object = None
) -> ContactInbox:
    """The contact's identity in an inbox the actor may use: by `source_id`, or by `contact_id`
    (created on first use). Never reaches another account's records (CVE-2026-115725 in Chatwoot)."""
    inbox = _visible_inbox(session, actor, inbox_id)
    if source_id is not None:
        row = session.exec(
            select(ContactInbox).where(
                ContactInbox.inbox_id == inbox.id, ContactInbox.source_id == _clean_source_id(source_id)
            )
        ).first()
        if row is None:
            raise NotFound(field="source_id")
        return row
    contact = _reachable_contact(session, actor, contact_id)
    row = session.exec(
        select(ContactInbox).where(ContactInbox.inbox_id == inbox.id, ContactInbox.contact_id == contact.id)
    ).first()
    if row is None:
        row = ContactInbox(account_id=actor.account_id, contact_id=contact.id, inbox_id=inbox.id,
                           source_id=secrets.token_hex(16))  # fmt: skip
        session.add(row)
        session.flush()
    return row


def reachable(actor: Actor) -> sa.ColumnElement[bool]:
    """The contacts the actor may reach, as a condition on Contact: for the people of the account
    all of its contacts; for a bot only those it met in its own inbox (a widget visitor of another
    inbox is none of its business). Every conversation opens on its contact's identity in its
    inbox (conversations.open_conversation), so the identities cover the bot's conversations."""
    in_account = Contact.account_id == actor.account_id
    if actor.bot_inbox_id is None:
        return in_account
    met = select(ContactInbox.contact_id).where(ContactInbox.inbox_id == actor.bot_inbox_id)
    return in_account & Contact.id.in_(met)


def _reachable_contact(session: Session, actor: Actor, contact_id: object) -> Contact:
    """The contact `contact_id` if the actor may reach it, else NotFound exactly like a missing one."""
    if not valid_id(contact_id):
        raise NotFound()
    contact = session.exec(select(Contact).where(Contact.id == contact_id, reachable(actor))).first()
    if contact is None:
        raise NotFound()
    return contact


def contact_event(kind: str, contact: Contact, inbox_id: int) -> events.ChatEvent:
    """Contact events concern no conversation; they matter to webhooks, not to open pages."""
    return events.ChatEvent(
        kind=kind,
        account_id=contact.account_id,
        inbox_id=inbox_id,
        conversation_id=0,
        detail={"contact_id": contact.id},
    )


# A bot reaches only its own inbox (overview.visible_inbox_ids): its lookup, built once.
_BOT_INBOX = select(Inbox).where(
    Inbox.id == sa.bindparam("inbox_id"),
    Inbox.id == sa.bindparam("bot_inbox_id"),
    Inbox.account_id == sa.bindparam("account_id"),
)
_IDENTITY = (
    select(ContactInbox, Contact)
    .join(Contact, Contact.id == ContactInbox.contact_id)
    .where(ContactInbox.inbox_id == sa.bindparam("inbox_id"), ContactInbox.source_id == sa.bindparam("source_id"))
)


def _visible_inbox(session: Session, actor: Actor, inbox_id: object) -> Inbox:
    if not valid_id(inbox_id):
        raise NotFound(field="inbox_id")
    if actor.bot_inbox_id is not None:
        params = {"inbox_id": inbox_id, "bot_inbox_id": actor.bot_inbox_id, "account_id": actor.account_id}
        inbox = session.exec(_BOT_INBOX, params=params).first()
    else:
        inbox = session.exec(
            select(Inbox).where(Inbox.id == inbox_id, Inbox.id.in_(visible_inbox_ids(actor=actor)))
        ).first()
    if inbox is None:
        raise NotFound(field="inbox_id")
    return inbox


def _clean_fields(name, email, phone_number, identifier, custom_attributes) -> dict:
    phone = clean_text(phone_number, field="phone_number", max_length=20) if phone_number else None
    if phone and not all(ch.isdigit() or ch in "+ -()" for ch in phone):
        raise ValidationFailed("contacts.error.phone", field="phone_number")
    return {
        "name": one_line(clean_text(name, field="name", max_length=255)),
        "email": clean_email(email) if email else None,
        "phone_number": phone or None,
        "identifier": clean_text(identifier, field="identifier", max_length=255) or None if identifier else None,
        "custom_attributes": _attributes(custom_attributes, "custom_attributes"),
    }


def _attributes(value: object, field: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or len(json.dumps(value)) > ATTRIBUTES_MAX_BYTES:
        raise ValidationFailed("contacts.error.attributes", field=field, max=ATTRIBUTES_MAX_BYTES)
    return value


def _clean_source_id(value: object) -> str:
    if value is None:
        return secrets.token_hex(16)
    if not isinstance(value, str | int) or not str(value).strip() or len(str(value)) > SOURCE_ID_MAX:
        raise ValidationFailed("contacts.error.source_id", field="source_id")
    return str(value).strip()


def _require_free_source(session: Session, inbox_id: int, source_id: str) -> None:
    taken = session.exec(
        select(ContactInbox.id).where(ContactInbox.inbox_id == inbox_id, ContactInbox.source_id == source_id)
    ).first()
    if taken is not None:
        raise ValidationFailed("contacts.error.source_taken", field="source_id")
