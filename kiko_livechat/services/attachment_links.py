"""How an attachment is shown and linked: its view for the pages and the JSON, and the paths of
the file route, plain (an agent's tab sends its login cookie) or signed with the account's
secret and expiring (the widget, webhooks, e-mails). services/attachments.py checks them."""

import hashlib
import hmac
import time
from dataclasses import dataclass
from urllib.parse import quote

from sqlmodel import Session, select

from kiko_livechat.models import Account, Attachment

FILE, THUMB = "file", "thumb"
# Signed links: for webhooks and e-mails (1 h), and for the widget, whose page keeps its links
# while the visitor stays.
LINK_SECONDS = 3600
WIDGET_LINK_SECONDS = 24 * 3600
# A link's expiry is rounded up to this step, so a page that shows a file again gets the same
# link (the browser's cache keeps the image) instead of a new one every second.
EXPIRY_STEP = 600
# What a browser may show in the page: images and media of the allowed kinds. Everything else
# (PDF, text, office, zip, and anything active such as SVG or HTML) is only ever a download.
INLINE_TYPES = frozenset(
    {"image/jpeg", "image/png", "image/gif", "image/webp", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/webm",
     "video/mp4", "video/ogg", "video/webm"}
)  # fmt: skip


@dataclass(frozen=True)
class AttachmentView:
    attachment_id: int
    message_id: int | None
    conversation_id: int | None
    account_id: int
    file_type: str
    content_type: str
    extension: str
    file_name: str
    byte_size: int
    has_thumb: bool
    width: int | None
    height: int | None
    inline: bool


def of_messages(session: Session, message_ids: list[int]) -> dict[int, list[AttachmentView]]:
    """The attachments of these messages, by message, in upload order: one query."""
    if not message_ids:
        return {}
    found: dict[int, list[AttachmentView]] = {}
    rows = session.exec(select(Attachment).where(Attachment.message_id.in_(message_ids)).order_by(Attachment.id))
    for row in rows:
        found.setdefault(row.message_id, []).append(view(row))
    return found


def view(row: Attachment) -> AttachmentView:
    return AttachmentView(
        attachment_id=row.id,
        message_id=row.message_id,
        conversation_id=row.conversation_id,
        account_id=row.account_id,
        file_type=row.file_type,
        content_type=row.content_type,
        extension=row.extension,
        file_name=row.file_name,
        byte_size=row.byte_size,
        has_thumb=row.thumb_key is not None,
        width=row.width,
        height=row.height,
        inline=row.content_type in INLINE_TYPES,
    )


def signing_secret(session: Session, account_id: int) -> str:
    return session.get(Account, account_id).signing_secret


def signature(secret: str, attachment_id: int, variant: str, expires: int) -> str:
    message = f"{attachment_id}.{variant}.{expires}".encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_path(
    secret: str, view_: AttachmentView, *, variant: str = FILE, seconds: int = LINK_SECONDS, now: float | None = None
) -> str:
    """The file route's path for this file with an expiring signature (the account's secret):
    valid for at least `seconds`, at most EXPIRY_STEP longer."""
    expires = (int((now or time.time()) + seconds) // EXPIRY_STEP + 1) * EXPIRY_STEP
    signed = signature(secret, view_.attachment_id, variant, expires)
    return f"{file_path(view_, variant)}?expires={expires}&signature={signed}"


def file_path(view_: AttachmentView, variant: str = FILE) -> str:
    """The file route's path (agents' tabs send their cookie with it)."""
    tail = "thumb" if variant == THUMB else quote(view_.file_name, safe="")
    return f"/files/{view_.attachment_id}/{tail}"


def widget_links(
    session: Session, views: list[AttachmentView], *, now: float | None = None
) -> dict[int, tuple[str, str]]:
    """The visitor's page has no login cookie: (file link, thumbnail link) per attachment id,
    signed with the account's secret and valid for WIDGET_LINK_SECONDS (one secret lookup per
    account). The thumbnail link is "" for a file without a thumbnail."""
    secrets: dict[int, str] = {}
    links: dict[int, tuple[str, str]] = {}
    for item in views:
        if item.account_id not in secrets:
            secrets[item.account_id] = signing_secret(session, item.account_id)
        secret = secrets[item.account_id]
        file_link = signed_path(secret, item, variant=FILE, seconds=WIDGET_LINK_SECONDS, now=now)
        thumb_link = (
            signed_path(secret, item, variant=THUMB, seconds=WIDGET_LINK_SECONDS, now=now) if item.has_thumb else ""
        )
        links[item.attachment_id] = (file_link, thumb_link)
    return links
