"""Contacts: the visitors and customers who talk to agents."""

from datetime import datetime
from enum import StrEnum

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


class ImportStatus(StrEnum):
    # Read and mapped automatically; the administrator checks the mapping and runs a dry run.
    UPLOADED = "uploaded"
    # Waiting for a worker; RUNNING while one holds it (its lease renewed with every batch).
    QUEUED = "queued"
    RUNNING = "running"
    COMPLETED = "completed"
    FAILED = "failed"


class ContactImport(SQLModel, table=True):
    """A CSV file of contacts being imported (services/contact_import.py): the file itself lies
    in the storage; its rows are imported in batches, each committed with the count of rows done,
    so a worker that dies leaves whole batches and the next one resumes after them."""

    __tablename__ = "contact_imports"
    __table_args__ = (sa.Index("ix_contact_imports_status", "status", "lease_until"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = account_fk()
    # Who started it (told by e-mail when a long import ends); None once that user is gone.
    user_id: int | None = Field(default=None, foreign_key="users.id", ondelete="SET NULL")
    file_name: str = Field(max_length=255)
    storage_key: str = Field(max_length=64)
    encoding: str = Field(max_length=30)
    delimiter: str = Field(max_length=2)
    columns: list[str] = Field(default_factory=list, sa_type=sa.JSON)
    # Per column: a contact field, "custom:<key>", or None (skipped).
    mapping: list[str | None] = Field(default_factory=list, sa_type=sa.JSON)
    # The account's country for phones written without one ("0171 ..." in a German account).
    region: str = Field(default="DE", max_length=2)
    status: str = Field(default=ImportStatus.UPLOADED, max_length=12)
    total_rows: int = Field(default=0)
    processed_rows: int = Field(default=0)
    created_count: int = Field(default=0)
    updated_count: int = Field(default=0)
    unchanged_count: int = Field(default=0)
    rejected_count: int = Field(default=0)
    # The rejected rows with their reasons, as a CSV in the storage (once there are any).
    rejected_key: str | None = Field(default=None, max_length=64)
    # Why it failed as a whole (an i18n code), when it did.
    error: str | None = Field(default=None, max_length=100)
    lease_until: datetime | None = time_field()
    created_at: datetime = created_at_field()
    started_at: datetime | None = time_field()
    finished_at: datetime | None = time_field()


class ContactImportRejection(SQLModel, table=True):
    """A row of an import's file that was not imported, and why (an i18n code with its
    parameters); written in the batch that rejected it."""

    __tablename__ = "contact_import_rejections"
    __table_args__ = (sa.Index("ix_contact_import_rejections_line", "import_id", "line"),)

    id: int | None = Field(default=None, primary_key=True)
    import_id: int = Field(foreign_key="contact_imports.id", nullable=False, ondelete="CASCADE")
    line: int
    reason: str = Field(max_length=100)
    params: dict = Field(default_factory=dict, sa_type=sa.JSON)
