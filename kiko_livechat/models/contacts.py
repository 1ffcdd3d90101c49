"""Contacts: the visitors and customers who talk to agents."""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from kiko_livechat.i18n.aliases import new_alias_key
from kiko_livechat.models.base import account_fk, created_at_field, time_field


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"
    __table_args__ = (
        # Lookups by identity when the widget or an import names a contact.
        sa.Index("ix_contacts_account_email", "account_id", "email"),
        sa.Index("ix_contacts_account_identifier", "account_id", "identifier"),
        sa.Index("ix_contacts_account_phone", "account_id", "phone_number"),
        sa.Index("ix_contacts_account_last_activity", "account_id", "last_activity_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    name: str = Field(default="", max_length=255)
    # Seed of the readable alias a contact without a name goes by ("Blue Owl 4821"): one per
    # contact, so the list, the conversation and the contact directory all call them the same;
    # each of their conversations takes it over.
    alias_key: str = Field(default_factory=new_alias_key, max_length=30)
    email: str | None = Field(default=None, max_length=254)
    phone_number: str | None = Field(default=None, max_length=20)
    identifier: str | None = Field(default=None, max_length=255)
    additional_attributes: dict = Field(default_factory=dict, sa_type=sa.JSON)
    custom_attributes: dict = Field(default_factory=dict, sa_type=sa.JSON)
    blocked: bool = Field(default=False)
    last_activity_at: datetime | None = time_field()
    created_at: datetime = created_at_field()


class ContactInbox(SQLModel, table=True):
    """A contact as known to one inbox, under that channel's source id (visitor token, bot id)."""

    __tablename__ = "contact_inboxes"
    __table_args__ = (sa.UniqueConstraint("inbox_id", "source_id"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    contact_id: int = Field(foreign_key="contacts.id", nullable=False, index=True, ondelete="CASCADE")
    inbox_id: int = Field(foreign_key="inboxes.id", nullable=False, index=True, ondelete="CASCADE")
    source_id: str = Field(max_length=255)
    created_at: datetime = created_at_field()
