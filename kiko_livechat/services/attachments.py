"""Files sent with messages: uploaded as a stream, checked, stored, staged, sent, served.

1. An upload streams into the storage (services/storage.py) through an `Upload`: its size is
   counted while it arrives and cut off at the limit, its type is read from its first bytes
   (services/file_types.py; never from the name or the browser's claim) and checked against the
   inbox's allowed kinds, its sha256 computed on the way. An image gets a thumbnail.
2. The stored file is staged (`stage`): an attachment row without a message, held by who
   uploaded it. Sending a message takes the staged files (services/staged_files.py) in the same
   transaction as the message; a stage not sent within STAGED_SECONDS is swept away.
3. The file route serves a file to an agent who may see its conversation (`file_for_agent`),
   or to whoever holds a signed, expiring link (attachment_links.signed_path, `file_for_link`): the widget's
   visitor, a webhook's receiver, an e-mail's reader.
4. `sweep` removes staged files left behind and every stored file no row refers to any more (a
   deleted conversation, contact or account takes its rows with it by cascade; its files go at
   the next sweep).
"""

import hashlib
import hmac
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, delete, select

from kiko_livechat.models import Attachment, Conversation, Inbox
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import attachment_links, file_types, thumbnails, visitor_chat
from kiko_livechat.services.actor import Actor
from kiko_livechat.services.attachment_links import (
    FILE,
    INLINE_TYPES,
    THUMB,
    AttachmentView,
    signing_secret,
    view,
)
from kiko_livechat.services.conversations import visible_conversation
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.staged_files import STAGED_SECONDS, staged_by, visitor_staged_by
from kiko_livechat.services.storage import Storage, get_storage, is_key
from kiko_livechat.services.validation import clean_file_name
from kiko_livechat.settings import get_settings

# A stored file without a row is removed once it is this old (an upload in flight has no row yet).
ORPHAN_SECONDS = 3600
# The thumbnail's type by its first bytes (services/thumbnails.py writes one of these).
_THUMB_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG", "image/png"), (b"RIFF", "image/webp"))


@dataclass(frozen=True)
class Uploader:
    """Who uploads into which inbox (and conversation, once there is one), and what it allows."""

    account_id: int
    inbox_id: int
    conversation_id: int | None
    staged_by: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class StoredFile:
    storage_key: str
    file_name: str
    detected: file_types.Detected
    byte_size: int
    sha256: str
    thumb_key: str | None
    width: int | None
    height: int | None


@dataclass(frozen=True)
class ServedFile:
    storage_key: str
    file_name: str
    content_type: str
    byte_size: int
    # Safe for a browser to show in the page (images and media of the allowed kinds); anything
    # else is sent as a download.
    inline: bool


def max_bytes() -> int:
    return get_settings().attachment_max_mb * 1024 * 1024


# --- who may upload -------------------------------------------------------------------------


def _categories(inbox: Inbox) -> tuple[str, ...]:
    chosen = inbox.allowed_file_types
    return tuple(c for c in file_types.CATEGORIES if chosen is None or c in chosen)


def agent_uploader(session: Session, *, actor: Actor, display_id: object) -> Uploader:
    """An agent (or a bot) uploads into a conversation they may see (NotFound otherwise)."""
    conversation = visible_conversation(session, actor=actor, display_id=display_id)
    return _into(session, conversation, staged_by(actor))


def _into(session: Session, conversation: Conversation, staged_by: str) -> Uploader:
    inbox = session.get(Inbox, conversation.inbox_id)
    return Uploader(conversation.account_id, inbox.id, conversation.id, staged_by, _categories(inbox))


def visitor_uploader(session: Session, *, public_token: object, visitor_token: object) -> Uploader:
    """A visitor uploads into their inbox's widget, into their ongoing conversation if there is
    one (NotFound for an unknown inbox or a malformed visitor token)."""
    visitor = visitor_chat.identify(session, public_token=public_token, visitor_token=visitor_token)
    current = visitor_chat.current_conversation(
        session, public_token=public_token, visitor_token=visitor_token, visitor=visitor
    )
    inbox = session.get(Inbox, visitor.inbox_id)
    staged = visitor_staged_by(visitor_token)
    return Uploader(inbox.account_id, inbox.id, current.id if current else None, staged, _categories(inbox))


# --- the upload stream ----------------------------------------------------------------------


class Upload:
    """One file arriving in chunks. `write` refuses (and forgets the file) as soon as it is over
    the limit; `finish` checks what arrived and stores it for good. Either way nothing is half
    stored: the storage holds a file only once it is committed."""

    def __init__(self, uploader: Uploader, name: object, *, storage: Storage | None = None, limit: int = 0) -> None:
        self.uploader = uploader
        self.name = clean_file_name(name)
        self._storage = storage or get_storage()
        self._limit = limit or max_bytes()
        self._writer = self._storage.writer()
        self._head = bytearray()
        self._hash = hashlib.sha256()
        self.size = 0
        self._open = True

    def write(self, chunk: bytes) -> None:
        self.size += len(chunk)
        if self.size > self._limit:
            self.abort()
            raise ValidationFailed("attachments.error.too_large", field="attachments", max_mb=self._limit // 2**20)
        if len(self._head) < file_types.HEAD_BYTES:
            self._head += chunk[: file_types.HEAD_BYTES - len(self._head)]
        self._hash.update(chunk)
        self._writer.write(chunk)

    def abort(self) -> None:
        if self._open:
            self._open = False
            self._writer.abort()

    def finish(self) -> StoredFile:
        """Check the whole file and keep it (ValidationFailed: it is gone)."""
        try:
            if self.size == 0:
                raise ValidationFailed("attachments.error.empty", field="attachments", name=self.name)
            detected = file_types.detect(bytes(self._head), self.name)
            self._writer.commit()
            self._open = False
            key = self._writer.key
            if detected is not None and detected.category == "zip":
                detected = file_types.refine(detected, lambda: self._storage.open(key))
            if not file_types.allowed(detected, self.uploader.categories):
                self._storage.delete(key)
                raise ValidationFailed("attachments.error.type", field="attachments", name=self.name)
        except ValidationFailed:
            self.abort()
            raise
        thumb_key, width, height = self._thumbnail(key) if detected.file_type == "image" else (None, None, None)
        return StoredFile(key, self.name, detected, self.size, self._hash.hexdigest(), thumb_key, width, height)

    def _thumbnail(self, key: str) -> tuple[str | None, int | None, int | None]:
        with self._storage.open(key) as source:
            made = thumbnails.make_thumbnail(source)
        if made is None:  # an image Pillow cannot read is still a file to download
            return None, None, None
        writer = self._storage.writer()
        writer.write(made.data)
        writer.commit()
        return writer.key, made.source_width, made.source_height


def stage(session: Session, uploader: Uploader, stored: StoredFile, *, now: datetime | None = None) -> AttachmentView:
    """The stored file as a staged attachment of its uploader (commits)."""
    row = Attachment(
        account_id=uploader.account_id,
        inbox_id=uploader.inbox_id,
        conversation_id=uploader.conversation_id,
        staged_by=uploader.staged_by,
        file_type=stored.detected.file_type,
        content_type=stored.detected.mime,
        extension=stored.detected.extension,
        file_name=stored.file_name,
        byte_size=stored.byte_size,
        sha256=stored.sha256,
        storage_key=stored.storage_key,
        thumb_key=stored.thumb_key,
        width=stored.width,
        height=stored.height,
        created_at=now or utcnow(),
    )
    session.add(row)
    session.commit()
    return view(row)


def discard_staged(session: Session, attachment_ids: list[int]) -> None:
    """Staged files of an upload that failed halfway (a message's 11th file, a broken
    connection): gone at once, rows and files."""
    rows = session.exec(
        select(Attachment).where(Attachment.id.in_(attachment_ids), Attachment.message_id.is_(None))
    ).all()
    keys = [key for row in rows for key in (row.storage_key, row.thumb_key) if key]
    for row in rows:
        session.delete(row)
    session.commit()
    storage = get_storage()
    for key in keys:
        storage.delete(key)


# --- serving --------------------------------------------------------------------------------


def _served(row: Attachment, variant: str) -> ServedFile:
    if variant == THUMB:
        if row.thumb_key is None:
            raise NotFound()
        storage = get_storage()
        with storage.open(row.thumb_key) as thumb:
            head = thumb.read(4)
        mime = next((mime for magic, mime in _THUMB_TYPES if head.startswith(magic)), "application/octet-stream")
        return ServedFile(row.thumb_key, row.file_name, mime, storage.size(row.thumb_key), mime in INLINE_TYPES)
    return ServedFile(row.storage_key, row.file_name, row.content_type, row.byte_size, row.content_type in INLINE_TYPES)


def file_for_agent(session: Session, *, actor: Actor, attachment_id: object, variant: str = FILE) -> ServedFile:
    """A file of a conversation the agent may see, or one they staged themselves; NotFound for
    anything else (another account's, another inbox's, a made-up id)."""
    row = session.get(Attachment, attachment_id) if _valid(attachment_id) else None
    if row is None or row.account_id != actor.account_id:
        raise NotFound()
    if row.message_id is None:
        if row.staged_by != staged_by(actor):
            raise NotFound()
    else:
        visible_conversation(session, actor=actor, conversation_id=row.conversation_id)
    return _served(row, variant)


def _valid(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**63


def file_for_link(
    session: Session, *, attachment_id: object, variant: str, expires: object, signature: object
) -> ServedFile:
    """A file whose link is signed for it and not expired; NotFound otherwise (compared in
    constant time)."""
    if not _valid(attachment_id) or not isinstance(signature, str) or not isinstance(expires, str):
        raise NotFound()
    if not expires.isascii() or not expires.isdigit() or len(expires) > 12 or int(expires) < time.time():
        raise NotFound()
    row = session.get(Attachment, attachment_id)
    if row is None or row.message_id is None:
        raise NotFound()
    wanted = attachment_links.signature(signing_secret(session, row.account_id), row.id, variant, int(expires))
    if not hmac.compare_digest(wanted, signature):
        raise NotFound()
    return _served(row, variant)


# --- cleaning up ----------------------------------------------------------------------------


def sweep(session: Session, *, now: datetime | None = None, orphan_seconds: float = ORPHAN_SECONDS) -> int:
    """Remove staged uploads nobody sent in time, then every stored file no row refers to that
    is older than `orphan_seconds`. Returns how many files were removed."""
    storage = get_storage()
    since = (now or utcnow()) - timedelta(seconds=STAGED_SECONDS)
    expired = session.exec(
        select(Attachment.id).where(Attachment.message_id.is_(None), Attachment.created_at < since)
    ).all()
    if expired:
        session.exec(delete(Attachment).where(Attachment.id.in_(expired)))
        session.commit()
    removed = 0
    batch: list[str] = []
    for key in storage.keys_older_than(orphan_seconds):
        batch.append(key)
        if len(batch) >= 500:
            removed += _remove_unreferenced(session, storage, batch)
            batch = []
    return removed + _remove_unreferenced(session, storage, batch)


def _remove_unreferenced(session: Session, storage: Storage, keys: list[str]) -> int:
    if not keys:
        return 0
    used = set(session.exec(select(Attachment.storage_key).where(Attachment.storage_key.in_(keys))).all())
    used |= set(session.exec(select(Attachment.thumb_key).where(Attachment.thumb_key.in_(keys))).all())
    gone = [key for key in keys if key not in used and is_key(key)]
    for key in gone:
        storage.delete(key)
    return len(gone)
