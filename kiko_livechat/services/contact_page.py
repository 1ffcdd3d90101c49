"""One contact as agents work with it on its page: its details and conversations, editing them
with the checks a directory needs (e-mail and identifier unique in the account, the phone in
E.164 read for the account's country), and blocking."""

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select

from kiko_livechat.models import Account, Contact, Conversation, Inbox
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.contact_csv import normalize_phone
from kiko_livechat.services.contact_import import ADDITIONAL, REGIONS
from kiko_livechat.services.contacts import ContactView, contact_event, reachable, view
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.overview import visible_inbox_ids
from kiko_livechat.services.scoping import valid_id
from kiko_livechat.services.validation import clean_email, clean_text, one_line

FIELD_MAX = 255
# The conversations a contact page lists, newest first.
CONVERSATIONS_SHOWN = 50


@dataclass(frozen=True)
class ContactConversation:
    display_id: int
    status: str
    inbox_name: str
    last_activity_at: datetime | None


@dataclass(frozen=True)
class ContactDetail:
    contact: ContactView
    conversations: tuple[ContactConversation, ...]


def _contact(session: Session, actor: Actor, contact_id: object) -> Contact:
    if not valid_id(contact_id):
        raise NotFound()
    found = session.exec(select(Contact).where(Contact.id == contact_id, reachable(actor))).first()
    if found is None:
        raise NotFound()
    return found


def contact_detail(session: Session, *, actor: Actor, contact_id: object) -> ContactDetail:
    """The contact and its conversations in the inboxes the actor may see, newest first."""
    contact = _contact(session, actor, contact_id)
    rows = session.exec(
        select(Conversation.display_id, Conversation.status, Inbox.name, Conversation.last_activity_at)
        .join(Inbox, Inbox.id == Conversation.inbox_id)
        .where(Conversation.contact_id == contact.id, Conversation.inbox_id.in_(visible_inbox_ids(actor=actor)))
        .order_by(Conversation.id.desc())
        .limit(CONVERSATIONS_SHOWN)
    ).all()
    return ContactDetail(view(contact), tuple(ContactConversation(*row) for row in rows))


def edit_contact(
    session: Session,
    *,
    actor: Actor,
    contact_id: object,
    name: object,
    email: object,
    phone_number: object,
    identifier: object,
    company: object = "",
    city: object = "",
    country: object = "",
) -> ContactView:
    """Save the contact's details as the form shows them (an empty field empties it). The
    e-mail is checked and must be the account's only one (case aside), as the identifier; the
    phone is stored in E.164, read in the account's country when it has no country code."""
    contact = _contact(session, actor, contact_id)
    clean_name = one_line(clean_text(name, field="name", max_length=FIELD_MAX))
    clean_mail = clean_email(email) if isinstance(email, str) and email.strip() else None
    clean_identifier = clean_text(identifier, field="identifier", max_length=FIELD_MAX) or None
    phone = _phone(session, actor, phone_number)
    mine = (Contact.account_id == actor.account_id, Contact.id != contact.id)
    if (
        clean_mail
        and session.exec(select(Contact.id).where(*mine, func.lower(Contact.email) == clean_mail.lower())).first()
    ):
        raise ValidationFailed("contacts.error.email_taken", field="email")
    if (
        clean_identifier
        and session.exec(select(Contact.id).where(*mine, Contact.identifier == clean_identifier)).first()
    ):
        raise ValidationFailed("contacts.error.identifier_taken", field="identifier")
    extra = dict(contact.additional_attributes or {})
    for field, value in (("company", company), ("city", city), ("country", country)):
        text = one_line(clean_text(value, field=field, max_length=FIELD_MAX))
        if text:
            extra[ADDITIONAL[field]] = text
        else:
            extra.pop(ADDITIONAL[field], None)
    contact.name, contact.email, contact.phone_number = clean_name, clean_mail, phone
    contact.identifier, contact.additional_attributes = clean_identifier, extra
    session.add(contact)
    emit(session, contact_event(events.CONTACT_UPDATED, contact, 0))
    changes.commit(session)
    return view(contact)


def _phone(session: Session, actor: Actor, value: object) -> str | None:
    text = clean_text(value, field="phone_number", max_length=40)
    if not text:
        return None
    region = REGIONS.get(session.get(Account, actor.account_id).locale, "DE")
    phone = normalize_phone(text, region)
    if phone is None:
        raise ValidationFailed("contacts.error.phone_number", field="phone_number")
    return phone


def set_blocked(session: Session, *, actor: Actor, contact_id: object, blocked: object) -> ContactView:
    """Block or unblock the contact: a blocked contact's widget messages are refused."""
    contact = _contact(session, actor, contact_id)
    contact.blocked = bool(blocked)
    session.add(contact)
    emit(session, contact_event(events.CONTACT_UPDATED, contact, 0))
    changes.commit(session)
    return view(contact)
