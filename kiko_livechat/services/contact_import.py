"""Importing contacts from a CSV file: the one module that owns it (issue 17).

1. `upload`: the file is read (services/contact_csv.py: encoding, delimiter, every cell as
   text) and kept in the storage; its columns are mapped automatically.
2. `set_mapping` lets the administrator change that; `dry_run` tells, without writing, how many
   rows would create, update, leave unchanged or be rejected, and why.
3. `start` queues it; a worker (workers.run_contact_imports) takes it in batches of BATCH rows
   (`run_batch`), each batch all or nothing and committed with the count of rows done, so a
   worker that dies leaves whole batches and the next one resumes after them. The page hears
   each batch as an `import_progress` event.

Matching, in Chatwoot's order: identifier, then e-mail (case-insensitive), then phone; a row
with a name only matches a contact of that exact name that has no identifier, e-mail or phone.
A match is updated with the row's non-empty cells (an empty cell never wipes a value), so the
same file imported twice changes nothing. A row whose identifier, e-mail and phone point to
different contacts is rejected; rows of the file that match each other become one contact.
Imports write no webhooks and alert nobody (as Chatwoot's bulk import).
"""

import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import sqlalchemy as sa
from sqlmodel import Session, select

from kiko_livechat.i18n import translate
from kiko_livechat.i18n.aliases import new_alias_key
from kiko_livechat.models import Account, Contact, ContactImport, ContactImportRejection, ImportStatus
from kiko_livechat.models.base import utcnow
from kiko_livechat.realtime import events
from kiko_livechat.realtime.outbox import emit
from kiko_livechat.services import changes, contact_csv, csv_export, import_mail
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.scoping import get_in_account
from kiko_livechat.services.storage import get_storage
from kiko_livechat.services.validation import clean_file_name

BATCH = 1000
PREVIEW_ROWS = 20
# A worker renews its hold on an import with every batch; one that stops renewing (it died) loses
# it after this long, and another worker resumes the import.
LEASE_SECONDS = 120
# How often (in batches) an import renews PostgreSQL's statistics of the contacts (see run_batch).
ANALYZE_EVERY = 10
# An import that ran this long is reported by e-mail when it ends (one quicker, the page showed).
LONG_IMPORT_SECONDS = 30
# Rejected rows the dry run shows (the whole list comes as a CSV after the run).
SHOWN_REJECTIONS = 20
CUSTOM = "custom:"
CUSTOM_KEY_MAX = 64
# Where a phone written without its country code is taken to be, by the account's language.
REGIONS = {"de": "DE", "en": "GB"}
# Fields that live in additional_attributes, under Chatwoot's names.
ADDITIONAL = {"company": "company_name", "city": "city", "country": "country"}


@dataclass(frozen=True)
class ImportView:
    import_id: int
    file_name: str
    status: str
    columns: tuple[str, ...]
    mapping: tuple[str | None, ...]
    total_rows: int
    processed_rows: int
    created: int
    updated: int
    unchanged: int
    rejected: int
    has_rejected_file: bool
    error: str | None
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class Preview:
    view: ImportView
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Rejection:
    line: int
    reason: str
    params: dict


@dataclass(frozen=True)
class DryRun:
    created: int
    updated: int
    unchanged: int
    rejected: int
    first_rejected: tuple[Rejection, ...]


@dataclass
class _Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)


def view(row: ContactImport) -> ImportView:
    return ImportView(
        import_id=row.id,
        file_name=row.file_name,
        status=row.status,
        columns=tuple(row.columns),
        mapping=tuple(row.mapping),
        total_rows=row.total_rows,
        processed_rows=row.processed_rows,
        created=row.created_count,
        updated=row.updated_count,
        unchanged=row.unchanged_count,
        rejected=row.rejected_count,
        has_rejected_file=row.rejected_key is not None,
        error=row.error,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


# --- upload and mapping ---------------------------------------------------------------------


def upload(session: Session, *, actor: Actor, data: bytes, file_name: object) -> Preview:
    """Read the file (ValidationFailed with the reason when it is no usable CSV), keep it, map
    its columns automatically; the import waits for its mapping to be confirmed."""
    actor.require_admin()
    table = contact_csv.read_table(data)
    writer = get_storage().writer()
    writer.write(data)
    writer.commit()
    account = session.get(Account, actor.account_id)
    row = ContactImport(
        account_id=actor.account_id,
        user_id=None if actor.is_bot else actor.user_id,
        file_name=clean_file_name(file_name, default="upload.csv"),
        storage_key=writer.key,
        encoding=table.encoding,
        delimiter=table.delimiter,
        columns=list(table.columns),
        mapping=_encoded(contact_csv.auto_mapping(table.columns), len(table.columns)),
        region=REGIONS.get(account.locale, "DE"),
        total_rows=len(table.rows),
    )
    session.add(row)
    changes.commit(session)
    return Preview(view(row), tuple(tuple(r) for r in table.rows[:PREVIEW_ROWS]))


def _encoded(mapping: contact_csv.Mapping, width: int) -> list[str | None]:
    out: list[str | None] = []
    for index in range(width):
        target = mapping.get(index)
        out.append(CUSTOM + target[1] if isinstance(target, tuple) else target)
    return out


def _decoded(mapping: list[str | None]) -> contact_csv.Mapping:
    return {
        index: ("custom", target[len(CUSTOM) :]) if target and target.startswith(CUSTOM) else target
        for index, target in enumerate(mapping)
    }


def get_import(session: Session, *, actor: Actor, import_id: object) -> Preview:
    """An import of the actor's account with the first rows of its file (administrators)."""
    row = _own(session, actor, import_id)
    table = _table(row.storage_key)
    return Preview(view(row), tuple(tuple(r) for r in table.rows[:PREVIEW_ROWS]))


def import_status(session: Session, *, actor: Actor, import_id: object) -> ImportView:
    """An import's status and counts, without its rows (what its page re-reads per batch)."""
    return view(_own(session, actor, import_id))


def _own(session: Session, actor: Actor, import_id: object) -> ContactImport:
    actor.require_admin()
    return get_in_account(session, ContactImport, account_id=actor.account_id, obj_id=import_id)


def set_mapping(session: Session, *, actor: Actor, import_id: object, mapping: object) -> ImportView:
    """Each column to a contact field, to "custom:<key>", or to None (skipped). Only before the
    import runs; at least one column must say who a row is."""
    row = _own(session, actor, import_id)
    if row.status != ImportStatus.UPLOADED:
        raise ValidationFailed("contacts.import.error.started", field="mapping")
    if not isinstance(mapping, list | tuple) or len(mapping) != len(row.columns):
        raise ValidationFailed("contacts.import.error.mapping", field="mapping")
    clean = [_target(target) for target in mapping]
    fields = [t for t in clean if t and not t.startswith(CUSTOM)]
    if len(fields) != len(set(fields) - {"name"}) + fields.count("name") or fields.count("name") > 2:
        raise ValidationFailed("contacts.import.error.mapped_twice", field="mapping")
    if not {"name", "email", "phone_number", "identifier"} & set(fields):
        raise ValidationFailed("contacts.import.error.no_identity", field="mapping")
    row.mapping = clean
    session.add(row)
    changes.commit(session)
    return view(row)


def _target(value: object) -> str | None:
    if value in (None, ""):
        return None
    if isinstance(value, str) and value in contact_csv.FIELDS:
        return value
    if isinstance(value, str) and value.startswith(CUSTOM):
        key = value[len(CUSTOM) :].strip()
        if 0 < len(key) <= CUSTOM_KEY_MAX and all(c.isalnum() or c in "_-" for c in key):
            return CUSTOM + key
    raise ValidationFailed("contacts.import.error.mapping", field="mapping")


# --- reading the file -----------------------------------------------------------------------


@lru_cache(maxsize=2)
def _table(storage_key: str) -> contact_csv.Table:
    """The stored file, read once per process for all its batches (an import's file does not
    change under its key)."""
    with get_storage().open(storage_key) as source:
        return contact_csv.read_table(source.read())


@lru_cache(maxsize=2)
def _cleaned(storage_key: str, mapping: tuple, region: str):
    """The file's rows with the mapping applied, by line, and the rejected ones."""
    rows, rejected = contact_csv.clean_rows(_table(storage_key), _decoded(list(mapping)), region=region)
    return {r.line: r for r in rows}, {r.line: r for r in rejected}


def _batch(row: ContactImport, start: int, count: int):
    """The cleaned rows and rejections of data rows [start, start + count) (line = index + 2)."""
    by_line, rejected = _cleaned(row.storage_key, tuple(row.mapping), row.region)
    lines = range(start + 2, min(start + count, row.total_rows) + 2)
    return [by_line[n] for n in lines if n in by_line], [rejected[n] for n in lines if n in rejected]


# --- planning and writing -------------------------------------------------------------------


@dataclass
class _Known:
    """The account's contacts a batch can match, by identity (read once per batch); a dry run
    also remembers the contacts its earlier batches would have created (`carried`)."""

    by_identifier: dict[str, dict] = field(default_factory=dict)
    by_email: dict[str, dict] = field(default_factory=dict)
    by_phone: dict[str, dict] = field(default_factory=dict)
    by_bare_name: dict[str, dict] = field(default_factory=dict)
    carried: "_Known | None" = None

    def get(self, kind: str, key: str) -> dict | None:
        found = getattr(self, kind).get(key)
        if found is None and self.carried is not None:
            return self.carried.get(kind, key)
        return found

    def add(self, contact: dict) -> None:
        if contact["identifier"]:
            self.by_identifier.setdefault(contact["identifier"], contact)
        if contact["email"]:
            self.by_email.setdefault(contact["email"].lower(), contact)
        if contact["phone_number"]:
            self.by_phone.setdefault(contact["phone_number"], contact)
        if contact["name"] and not (contact["identifier"] or contact["email"] or contact["phone_number"]):
            self.by_bare_name.setdefault(contact["name"], contact)


_COLUMNS = (Contact.id, Contact.name, Contact.email, Contact.phone_number, Contact.identifier,
            Contact.additional_attributes, Contact.custom_attributes)  # fmt: skip


def _known(session: Session, account_id: int, rows: list, carried: _Known | None) -> _Known:
    identifiers = {r.values["identifier"] for r in rows if r.values.get("identifier")}
    emails = {r.values["email"].lower() for r in rows if r.values.get("email")}
    phones = {r.values["phone_number"] for r in rows if r.values.get("phone_number")}
    bare = {r.values["name"] for r in rows if r.values.get("name") and not _identity(r.values)}
    known = _Known(carried=carried)
    mine = Contact.account_id == account_id
    among = _among_for(session)
    for condition, wanted in (
        (among(Contact.identifier, identifiers), identifiers),
        (among(sa.func.lower(Contact.email), emails), emails),
        (among(Contact.phone_number, phones), phones),
        (
            among(Contact.name, bare)
            & Contact.identifier.is_(None)
            & Contact.email.is_(None)
            & Contact.phone_number.is_(None),
            bare,
        ),
    ):
        if wanted:
            for found in session.exec(select(*_COLUMNS).where(mine, condition).order_by(Contact.id)).all():
                known.add(dict(found._mapping))
    return known


def _among_for(session: Session):
    """`column IN values` as each database answers it fast for a batch's thousand values: on
    PostgreSQL one array parameter (`= ANY(:values)`, which it hashes; a list of a thousand
    parameters it compares one by one for every row: 0.8 s a batch at 40k contacts), elsewhere
    IN with the values expanded."""
    if session.get_bind().dialect.name == "postgresql":
        return lambda column, values: column == sa.any_(sa.literal(sorted(values), sa.ARRAY(sa.String)))
    return lambda column, values: column.in_(sorted(values))


def _identity(values: dict) -> bool:
    return bool(values.get("identifier") or values.get("email") or values.get("phone_number"))


def _match(known: _Known, values: dict) -> tuple[dict | None, bool]:
    """(the contact the row is, whether the row contradicts itself: its identifier, e-mail and
    phone name different contacts)."""
    hits = [
        known.get("by_identifier", values.get("identifier") or ""),
        known.get("by_email", (values.get("email") or "").lower()),
        known.get("by_phone", values.get("phone_number") or ""),
    ]
    found = [h for h in hits if h is not None]
    if not _identity(values) and values.get("name"):
        bare = known.get("by_bare_name", values["name"])
        found = [bare] if bare is not None else []
    if len({id(h) for h in found}) > 1:
        return None, True
    return (found[0] if found else None), False


def _plan(
    session: Session, account_id: int, rows: list, outcome: _Outcome, *, write: bool, carried: _Known | None = None
) -> None:
    """Decide (and with `write`, do) what each row is: a new contact, an update, unchanged or a
    contradiction. Rows of the batch that match each other become one contact; with `carried`,
    the contacts planned so far are remembered there too."""
    known = _known(session, account_id, rows, carried)
    fresh: list[dict] = []
    changed: dict[int, dict] = {}
    for row in rows:
        contact, contradicts = _match(known, row.values)
        if contradicts:
            outcome.rejected.append(Rejection(row.line, "contacts.import.reject.conflict", {}))
            continue
        if contact is None:
            contact = _new_contact(row)
            fresh.append(contact)
            known.add(contact)
            if carried is not None:
                carried.add(contact)
            outcome.created += 1
            continue
        # A row that repeats one before it in the file (its contact not stored yet) merges
        # into it and counts as unchanged: created is counted once per contact.
        if _merge(contact, row) and contact.get("id") is not None:
            changed[contact["id"]] = contact
            outcome.updated += 1
        else:
            outcome.unchanged += 1
        known.add(contact)
        if carried is not None:
            carried.add(contact)
    if write:
        _write(session, account_id, fresh, changed.values())


def _new_contact(row) -> dict:
    additional = {ADDITIONAL[k]: v for k, v in row.values.items() if k in ADDITIONAL}
    return {
        "id": None,
        "name": row.values.get("name", ""),
        "email": row.values.get("email"),
        "phone_number": row.values.get("phone_number"),
        "identifier": row.values.get("identifier"),
        "additional_attributes": additional,
        "custom_attributes": dict(row.custom),
    }


def _merge(contact: dict, row) -> bool:
    """The row's non-empty cells into the contact; whether anything changed."""
    before = repr(contact)
    for key in ("name", "email", "phone_number", "identifier"):
        if row.values.get(key) and contact.get(key) != row.values[key]:
            if key == "email" and (contact.get("email") or "").lower() == row.values["email"].lower():
                continue
            contact[key] = row.values[key]
    extra = {ADDITIONAL[k]: v for k, v in row.values.items() if k in ADDITIONAL}
    contact["additional_attributes"] = {**(contact.get("additional_attributes") or {}), **extra}
    contact["custom_attributes"] = {**(contact.get("custom_attributes") or {}), **row.custom}
    return repr(contact) != before


def _write(session: Session, account_id: int, fresh: list[dict], changed: Iterable[dict]) -> None:
    now = utcnow()
    if fresh:
        session.execute(
            sa.insert(Contact),
            [
                {**{k: v for k, v in c.items() if k != "id"}, "account_id": account_id,
                 "alias_key": new_alias_key(), "created_at": now, "blocked": False}
                for c in fresh
            ],
        )  # fmt: skip
    changed = list(changed)
    if changed:
        # SQLAlchemy's bulk UPDATE by primary key: one executemany for the batch.
        session.execute(
            sa.update(Contact),
            [
                {"id": c["id"], "name": c["name"], "email": c["email"], "phone_number": c["phone_number"],
                 "identifier": c["identifier"], "additional_attributes": c["additional_attributes"],
                 "custom_attributes": c["custom_attributes"]}
                for c in changed
            ],
        )  # fmt: skip


def dry_run(session: Session, *, actor: Actor, import_id: object) -> DryRun:
    """What the import would do with the whole file, writing nothing (batch by batch, as the run
    does, remembering what earlier batches would have created)."""
    row = _own(session, actor, import_id)
    outcome, carried = _Outcome(), _Known()
    for start in range(0, row.total_rows, BATCH):
        rows, rejected = _batch(row, start, BATCH)
        outcome.rejected.extend(Rejection(r.line, r.reason, r.params) for r in rejected)
        _plan(session, row.account_id, rows, outcome, write=False, carried=carried)
    ordered = sorted(outcome.rejected, key=lambda r: r.line)
    return DryRun(outcome.created, outcome.updated, outcome.unchanged, len(ordered), tuple(ordered[:SHOWN_REJECTIONS]))


# --- running --------------------------------------------------------------------------------


def start(session: Session, *, actor: Actor, import_id: object) -> ImportView:
    """Queue the import for a worker (once)."""
    row = _own(session, actor, import_id)
    if row.status != ImportStatus.UPLOADED:
        raise ValidationFailed("contacts.import.error.started", field="import")
    if not {"name", "email", "phone_number", "identifier"} & set(row.mapping):
        raise ValidationFailed("contacts.import.error.no_identity", field="mapping")
    row.status = ImportStatus.QUEUED
    session.add(row)
    emit(session, events.import_progress(row.account_id, row.id))
    changes.commit(session)
    return view(row)


def claim(session: Session, *, now: datetime | None = None) -> int | None:
    """An import for this worker to go on with: a queued one, or a running one whose worker
    stopped renewing its lease. Taken atomically (one worker per import)."""
    now = now or utcnow()
    candidate = session.exec(
        select(ContactImport.id)
        .where(
            (ContactImport.status == ImportStatus.QUEUED)
            | ((ContactImport.status == ImportStatus.RUNNING) & (ContactImport.lease_until < now))
        )
        .order_by(ContactImport.id)
        .limit(1)
    ).first()
    if candidate is None:
        return None
    taken = session.execute(
        sa.update(ContactImport)
        .where(
            ContactImport.id == candidate,
            (ContactImport.status == ImportStatus.QUEUED)
            | ((ContactImport.status == ImportStatus.RUNNING) & (ContactImport.lease_until < now)),
        )
        .values(status=ImportStatus.RUNNING, lease_until=now + timedelta(seconds=LEASE_SECONDS))
    )
    changes.commit(session)
    return candidate if taken.rowcount == 1 else None


def run_batch(session: Session, *, import_id: int, now: datetime | None = None) -> bool:
    """The next batch of an import this worker holds, all or nothing, committed with the count
    of rows done; True while more remain."""
    now = now or utcnow()
    row = session.get(ContactImport, import_id)
    if row is None or row.status != ImportStatus.RUNNING:
        return False
    row.started_at = row.started_at or now
    try:
        rows, rejected = _batch(row, row.processed_rows, BATCH)
    except (ValidationFailed, FileNotFoundError):
        return _fail(session, row, "contacts.import.error.file_gone", now)
    outcome = _Outcome()
    _plan(session, row.account_id, rows, outcome, write=True)
    refused = [Rejection(r.line, r.reason, r.params) for r in rejected] + outcome.rejected
    if refused:
        session.execute(
            sa.insert(ContactImportRejection),
            [{"import_id": row.id, "line": r.line, "reason": r.reason, "params": r.params} for r in refused],
        )
    row.processed_rows = min(row.total_rows, row.processed_rows + BATCH)
    row.created_count += outcome.created
    row.updated_count += outcome.updated
    row.unchanged_count += outcome.unchanged
    row.rejected_count += len(refused)
    row.lease_until = now + timedelta(seconds=LEASE_SECONDS)
    done = row.processed_rows >= row.total_rows
    if done:
        row.status, row.finished_at = ImportStatus.COMPLETED, now
        if (now - row.started_at).total_seconds() >= LONG_IMPORT_SECONDS:
            import_mail.queue(session, row=row, now=now)
    session.add(row)
    emit(session, events.import_progress(row.account_id, row.id))
    changes.commit(session)
    _refresh_statistics(session, row.processed_rows // BATCH)
    if done and row.rejected_count:
        _keep_rejected(session, row)
    return not done


def _refresh_statistics(session: Session, batches_done: int) -> None:
    """PostgreSQL plans the next batches' lookups from its statistics of the contacts table,
    which an import outgrows faster than autovacuum renews them: with the estimate of a small
    table it chose plans that took 0.6 s a batch at 40k contacts instead of 15 ms. Renewed after
    the first batch and every ANALYZE_EVERY batches (about 15 ms each)."""
    if session.get_bind().dialect.name == "postgresql" and batches_done % ANALYZE_EVERY == 1:
        session.execute(sa.text("ANALYZE contacts"))
        changes.commit(session)


def _fail(session: Session, row: ContactImport, code: str, now: datetime) -> bool:
    row.status, row.error, row.finished_at = ImportStatus.FAILED, code, now
    if row.started_at and (now - row.started_at).total_seconds() >= LONG_IMPORT_SECONDS:
        import_mail.queue(session, row=row, now=now)
    session.add(row)
    emit(session, events.import_progress(row.account_id, row.id))
    changes.commit(session)
    return False


def _keep_rejected(session: Session, row: ContactImport) -> None:
    """The rejected rows of the whole file, each with its reason in the account's language, as a
    CSV in the storage (the file's own columns, and one more for the reason)."""
    table = _table(row.storage_key)
    locale = session.get(Account, row.account_id).locale
    refused = session.exec(
        select(ContactImportRejection)
        .where(ContactImportRejection.import_id == row.id)
        .order_by(ContactImportRejection.line)
    ).all()
    header = [*table.columns, translate(locale, "contacts.import.rejected.error_column")]
    lines = (
        [*table.rows[r.line - 2], translate(locale, r.reason, **(r.params or {}))]
        for r in refused
        if 0 <= r.line - 2 < len(table.rows)
    )
    writer = get_storage().writer()
    for chunk in csv_export.write_csv(header, lines, delimiter=row.delimiter):
        writer.write(chunk)
    writer.commit()
    row.rejected_key = writer.key
    session.add(row)
    changes.commit(session)


def rejected_file(session: Session, *, actor: Actor, import_id: object) -> tuple[str, io.BufferedReader]:
    """(download name, the rejected rows' CSV) of a finished import; NotFound when none."""
    row = _own(session, actor, import_id)
    if row.rejected_key is None:
        raise NotFound()
    stem = row.file_name.rsplit(".", 1)[0] or "contacts"
    return f"{stem}-rejected.csv", get_storage().open(row.rejected_key)


def list_imports(session: Session, *, actor: Actor, limit: int = 10) -> list[ImportView]:
    """The account's latest imports, newest first (administrators)."""
    actor.require_admin()
    rows = session.exec(
        select(ContactImport)
        .where(ContactImport.account_id == actor.account_id)
        .order_by(ContactImport.id.desc())
        .limit(limit)
    ).all()
    return [view(r) for r in rows]
