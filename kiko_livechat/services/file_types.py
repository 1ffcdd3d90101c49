"""What an uploaded file really is, told from its first bytes (its magic numbers), never from its name
or from the type the browser claims: both are chosen by the sender.

`detect()` looks at the head of the file; `refine()` opens a zip's central directory to tell an
Office or OpenDocument file from a plain archive; `allowed()` checks the result against the
categories an inbox accepts.

Decisions worth knowing:
- Binary executables (Windows MZ, ELF, Mach-O) are unknown: `detect()` returns None, so no inbox can
  ever accept them. A text file that happens to start with "MZ" is refused with them, on the safe side.
- `#!` scripts and markup (HTML, SVG, XML: anything whose first tag a browser could render and run
  script from) are category "active": never allowed, never inline.
- An OLE2 compound file (Office 97-2003) takes its extension from the stream names when they are in
  the head, else from the name among doc/xls/ppt, else "doc". Other OLE2 files (an .msi installer, an
  Outlook .msg) are thus served as a .doc download: Windows opens that with Word, which runs nothing.
- MP4 with an audio brand (M4A) is "m4a"; Ogg with a Theora stream is "ogv"; Matroska that is not
  WebM is "mkv" and QuickTime is "mov" (both category video, download-only: browsers play them unevenly).
"""

import codecs
import re
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import BinaryIO

CATEGORIES = ("image", "pdf", "text", "office", "zip", "audio", "video")
HEAD_BYTES = 4096
ACTIVE = "active"


@dataclass(frozen=True)
class Detected:
    mime: str
    extension: str
    category: str
    file_type: str
    inline: bool


def _kind(mime: str, extension: str, category: str, file_type: str = "file", inline: bool = False) -> Detected:
    return Detected(mime=mime, extension=extension, category=category, file_type=file_type, inline=inline)


JPEG = _kind("image/jpeg", "jpg", "image", "image", True)
PNG = _kind("image/png", "png", "image", "image", True)
GIF = _kind("image/gif", "gif", "image", "image", True)
WEBP = _kind("image/webp", "webp", "image", "image", True)
PDF = _kind("application/pdf", "pdf", "pdf")
ZIP = _kind("application/zip", "zip", "zip")
TEXT = _kind("text/plain", "txt", "text")
CSV = _kind("text/csv", "csv", "text")
MP3 = _kind("audio/mpeg", "mp3", "audio", "audio", True)
M4A = _kind("audio/mp4", "m4a", "audio", "audio", True)
MP4 = _kind("video/mp4", "mp4", "video", "video", True)
MOV = _kind("video/quicktime", "mov", "video", "video")
OGG_AUDIO = _kind("audio/ogg", "ogg", "audio", "audio", True)
OGG_VIDEO = _kind("video/ogg", "ogv", "video", "video", True)
WEBM = _kind("video/webm", "webm", "video", "video", True)
MKV = _kind("video/x-matroska", "mkv", "video", "video")
HTML = _kind("text/html", "html", ACTIVE)
SVG = _kind("image/svg+xml", "svg", ACTIVE)
XML = _kind("application/xml", "xml", ACTIVE)
SCRIPT = _kind("text/x-script", "sh", ACTIVE)

_OFFICE = {
    "doc": _kind("application/msword", "doc", "office"),
    "xls": _kind("application/vnd.ms-excel", "xls", "office"),
    "ppt": _kind("application/vnd.ms-powerpoint", "ppt", "office"),
    "docx": _kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "docx", "office"),
    "xlsx": _kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx", "office"),
    "pptx": _kind("application/vnd.openxmlformats-officedocument.presentationml.presentation", "pptx", "office"),
    "odt": _kind("application/vnd.oasis.opendocument.text", "odt", "office"),
    "ods": _kind("application/vnd.oasis.opendocument.spreadsheet", "ods", "office"),
    "odp": _kind("application/vnd.oasis.opendocument.presentation", "odp", "office"),
}
# The member names that make an Office Open XML package one kind of document.
_OOXML_PARTS = (("word/", "docx"), ("xl/", "xlsx"), ("ppt/", "pptx"))
_ODF_PREFIX = b"application/vnd.oasis.opendocument."
# The stream an OLE2 file's directory names for each old Office kind (UTF-16LE in the file).
_OLE_STREAMS = (("WordDocument", "doc"), ("Workbook", "xls"), ("Book", "xls"), ("PowerPoint Document", "ppt"))

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_EXECUTABLES = (
    b"MZ",  # Windows PE / DOS
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",  # Mach-O 32-bit, big-endian
    b"\xfe\xed\xfa\xcf",  # Mach-O 64-bit, big-endian
    b"\xce\xfa\xed\xfe",  # Mach-O 32-bit, little-endian
    b"\xcf\xfa\xed\xfe",  # Mach-O 64-bit, little-endian
    b"\xca\xfe\xba\xbe",  # Mach-O universal binary (and Java class files: refused as well)
)
_MP4_AUDIO_BRANDS = frozenset({b"M4A ", b"M4B ", b"M4P ", b"F4A ", b"F4B "})
_MP4_VIDEO_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"M4VH"}
    | {b"M4VP", b"msnv", b"ndas", b"f4v ", b"mmp4"}
)
# The tags a browser would render as HTML when they open a text (the WHATWG sniffing list, plus a few).
_HTML_TAGS = "html|head|body|script|iframe|h1|div|font|table|a|style|title|b|br|p|meta|link|object|embed|form|img"
_HTML_START = re.compile(rf"<(?:!doctype\s+html|(?:{_HTML_TAGS})(?=[\s/>]|$))")
_SVG_START = re.compile(r"<(?:svg|!doctype\s+svg)(?=[\s/>]|$)")
# Any other opening tag or declaration: some XML dialect a browser may run script from.
_MARKUP_START = re.compile(r"<(?:\?xml|!doctype|[a-z])")
_LEADING_COMMENT = re.compile(r"\s*<!--.*?-->", re.DOTALL)
# Control characters that do not occur in text people write (whitespace, ESC and backspace do).
_NON_TEXT = re.compile(r"[\x00-\x07\x0e-\x1a\x1c-\x1f\x7f]")


def detect(head: bytes, name: str = "") -> Detected | None:
    """What the file that starts with `head` (its first HEAD_BYTES bytes, fewer when it is shorter) is.

    `name` only chooses between equivalent text types (".csv" is text/csv, anything else text/plain) and
    an old Office file's extension; it never makes a binary type. None when the content is unknown:
    empty, an executable, or binary data of no listed type.
    """
    if not head or head.startswith(_EXECUTABLES):
        return None
    found = _binary(head, name)
    if found is not None:
        return found
    text = _as_text(head)
    if text is not None and text.startswith("#!"):
        return SCRIPT
    if text is not None and (markup := _markup(text)) is not None:
        return markup
    # A PDF may carry some junk before its header; readers look for it in the first kilobyte.
    if b"%PDF-" in head[:1024]:
        return PDF
    if text is not None:
        return CSV if name.lower().endswith(".csv") else TEXT
    # Last: a frame sync is a weak sign, and a UTF-16 (little-endian) BOM also passes for one.
    return MP3 if _mpeg_audio_frame(head) else None


def _binary(head: bytes, name: str) -> Detected | None:
    """The binary formats whose magic number sits at a fixed place."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith((b"GIF87a", b"GIF89a")):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return ZIP
    if head.startswith(_OLE2):
        return _ole(head, name)
    if head.startswith(b"ID3"):
        return MP3
    if head[4:8] == b"ftyp":
        return _mp4(head)
    if head.startswith(b"OggS"):
        return _ogg(head)
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return _matroska(head)
    return None


def _ole(head: bytes, name: str) -> Detected:
    """Old Office: the directory's stream names when they are in the head, else the name, else a .doc."""
    for stream, extension in _OLE_STREAMS:
        if stream.encode("utf-16-le") + b"\x00\x00" in head:
            return _OFFICE[extension]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _OFFICE[extension] if extension in ("doc", "xls", "ppt") else _OFFICE["doc"]


def _mp4(head: bytes) -> Detected | None:
    """An ISO media file: audio or video from the major brand, then the compatible brands."""
    box_size = int.from_bytes(head[:4], "big")
    major = head[8:12]
    if major in _MP4_AUDIO_BRANDS:
        return M4A
    if major == b"qt  ":
        return MOV
    compatible = head[16 : min(box_size, len(head))] if box_size >= 16 else b""
    brands = {major} | {compatible[i : i + 4] for i in range(0, len(compatible) - 3, 4)}
    # HEIF/AVIF images and 3GP also use ftyp; they are none of the listed types.
    return MP4 if brands & _MP4_VIDEO_BRANDS else None


def _ogg(head: bytes) -> Detected:
    """Ogg is audio unless a video stream's header shows: Theora, or an OGM video stream. A Skeleton
    stream may come first, so the whole head is looked at, not only the first page."""
    if b"\x80theora" in head or b"\x01video\x00\x00\x00" in head:
        return OGG_VIDEO
    return OGG_AUDIO


def _matroska(head: bytes) -> Detected | None:
    """EBML: the header's DocType element (ID 42 82) says "webm" or "matroska"."""
    at = head.find(b"\x42\x82", 4, 64)
    if at < 0 or at + 3 > len(head):
        return None
    size_byte = head[at + 2]
    if not size_byte & 0x80:  # longer size encodings never occur for a few-letter doc type
        return None
    doc_type = head[at + 3 : at + 3 + (size_byte & 0x7F)]
    if doc_type == b"webm":
        return WEBM
    return MKV if doc_type == b"matroska" else None


def _mpeg_audio_frame(head: bytes) -> bool:
    """An MP3 without an ID3 tag starts with a frame header: 11 sync bits, then a valid version,
    layer, bitrate and sample rate (ADTS AAC has layer 0 and is not taken for MP3)."""
    if len(head) < 4 or head[0] != 0xFF or head[1] & 0xE0 != 0xE0:
        return False
    version, layer = (head[1] >> 3) & 0b11, (head[1] >> 1) & 0b11
    bitrate, sample_rate = head[2] >> 4, (head[2] >> 2) & 0b11
    return version != 0b01 and layer != 0 and bitrate != 0b1111 and sample_rate != 0b11


def _as_text(head: bytes) -> str | None:
    """The head decoded as text: UTF-16 with a BOM, else UTF-8 (BOM optional); None for binary data.
    A character cut by the end of the head is left out rather than taken for binary."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\x00" in head:
        return None
    else:
        encoding = "utf-8-sig"
    try:
        # final=False keeps an incomplete trailing sequence pending instead of failing on it.
        text = codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return None
    return None if _NON_TEXT.search(text) else text


def _markup(text: str) -> Detected | None:
    """HTML, SVG or XML when the first thing in the text (after blanks and comments) is a tag."""
    start = text.lstrip("\ufeff \t\r\n\f")
    while match := _LEADING_COMMENT.match(start):
        start = start[match.end() :].lstrip()
    start = start.lower()
    if start.startswith("<!--"):  # a comment the head cuts off: browsers sniff that as HTML
        return HTML
    if _SVG_START.match(start):
        return SVG
    if _HTML_START.match(start):
        return HTML
    if not _MARKUP_START.match(start):
        return None
    # An XML declaration or DOCTYPE may lead to an SVG or XHTML root further on.
    if "<svg" in start:
        return SVG
    return HTML if "<html" in start else XML


def refine(detected: Detected, open_file: Callable[[], BinaryIO]) -> Detected:
    """A zip told apart by its member names: docx/xlsx/pptx, odt/ods/odp, or a plain zip.

    Only the archive's central directory is read (and at most 100 bytes of an OpenDocument's
    `mimetype` member): nothing is extracted. A broken archive stays a plain zip; any other type is
    returned unchanged. `open_file` is called at most once and the file it returns is closed.
    """
    if detected != ZIP:
        return detected
    try:
        with open_file() as file, zipfile.ZipFile(file) as archive:
            return _archive_kind(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, ValueError, NotImplementedError, RuntimeError):
        # RuntimeError: an encrypted mimetype member; NotImplementedError: an unknown compression.
        return ZIP


def _archive_kind(archive: zipfile.ZipFile) -> Detected:
    names = archive.namelist()
    if "[Content_Types].xml" in names:
        for prefix, extension in _OOXML_PARTS:
            if any(n.startswith(prefix) for n in names):
                return _OFFICE[extension]
    if "mimetype" in names:
        with archive.open("mimetype") as member:
            mimetype = member.read(100).strip()
        kind = mimetype.removeprefix(_ODF_PREFIX).decode("ascii", "replace")
        odf = {"text": "odt", "spreadsheet": "ods", "presentation": "odp"}.get(kind)
        if mimetype.startswith(_ODF_PREFIX) and odf:
            return _OFFICE[odf]
    return ZIP


def allowed(detected: Detected | None, categories: Iterable[str]) -> bool:
    """Whether an inbox that allows `categories` accepts this file (unknown and "active" never)."""
    if detected is None or detected.category not in CATEGORIES:
        return False
    return detected.category in set(categories)
