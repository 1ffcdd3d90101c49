"""A message's files as the pages show them (plain strings), and the ids a composer sends.

The composer's script (assets/attach.js) puts the ids of the files it has uploaded into a hidden
field "attachments" of the form, comma-separated; `sent_ids` reads them. What is not a list of
ids goes on to the service as it is, which refuses it with its own translated error.
"""

from typing import TypedDict

from kiko_livechat.i18n import format_number, translate
from kiko_livechat.services.attachment_links import FILE, THUMB, AttachmentView, file_path

_ID_DIGITS = 12
# Thumbnails show at most this many pixels wide and high (components/attachments.py).
THUMB_BOX = 240


class FileRow(TypedDict):
    """One file of a message: `kind` says how it is shown (image, audio, video or file)."""

    id: str
    name: str
    bytes: int
    size: str
    kind: str
    type: str
    ext: str
    url: str
    thumb: str
    # The thumbnail's size on the page ("" when unknown): the page keeps its place before the
    # picture arrives, so a chat scrolled to its end stays there.
    w: str
    h: str


def sent_ids(form_data: dict) -> list[object]:
    """The attachment ids of a submitted composer ("1,2,3"; "" or missing: none). A piece that
    is not a plain id stays as it was, so the service refuses the message ("unknown file")."""
    raw = form_data.get("attachments")
    if raw is None or raw == "":
        return []
    if not isinstance(raw, str):
        return [raw]
    ids: list[object] = []
    for piece in raw.split(","):
        piece = piece.strip()
        ok = piece.isascii() and piece.isdigit() and len(piece) <= _ID_DIGITS
        ids.append(int(piece) if ok else piece)
    return ids


def kind_of(item: AttachmentView) -> str:
    """How the page shows a file: the browser's own viewer for what it may show inline,
    a card with a download link for everything else."""
    if item.inline and item.file_type in ("image", "audio", "video"):
        return item.file_type
    return "file"


def file_rows(item_views, locale: str, links: dict[int, tuple[str, str]] | None = None) -> list[FileRow]:
    """A message's files as a page renders them. `links`: signed (file, thumbnail) links by id
    (the visitor's page); else the agent's paths, which their login cookie opens."""
    rows = []
    for item in item_views:
        kind = kind_of(item)
        if links is not None:
            url, thumb = links.get(item.attachment_id, ("", ""))
        else:
            url, thumb = file_path(item, FILE), file_path(item, THUMB) if item.has_thumb else ""
        rows.append(
            FileRow(
                id=str(item.attachment_id),
                name=item.file_name,
                bytes=item.byte_size,
                size=size_text(item.byte_size, locale),
                kind=kind,
                type=item.file_type,
                ext=item.extension.upper().lstrip("."),
                url=url,
                thumb=thumb or (url if kind == "image" else ""),
                **_shown_size(item),
            )
        )
    return rows


def _shown_size(item: AttachmentView) -> dict[str, str]:
    if not (item.width and item.height):
        return {"w": "", "h": ""}
    scale = min(1.0, THUMB_BOX / item.width, THUMB_BOX / item.height)
    return {"w": str(max(1, round(item.width * scale))), "h": str(max(1, round(item.height * scale)))}


def size_text(byte_size: int, locale: str) -> str:
    """A file's size for people: bytes, KB or MB (1 KB = 1024 bytes), in the tab's language."""
    if byte_size < 1024:
        return translate(locale, "files.size_bytes", size=format_number(byte_size, locale))
    if byte_size < 1024 * 1024:
        return translate(locale, "files.size_kb", size=format_number(round(byte_size / 1024), locale))
    return translate(locale, "files.size_mb", size=format_number(round(byte_size / 1024 / 1024, 1), locale))


def relocalized(rows: list[FileRow], locale: str) -> list[FileRow]:
    """The same files with their sizes written in another language."""
    return [{**row, "size": size_text(row["bytes"], locale)} for row in rows]
