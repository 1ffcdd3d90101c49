"""File types told from content: real bytes of each kind, executables and markup refused, names ignored."""

import io
import struct
import zipfile

import pytest
from PIL import Image

from kiko_livechat.services.file_types import CATEGORIES, HEAD_BYTES, Detected, allowed, detect, refine


def _image(fmt: str, mode: str = "RGB", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, (8, 6), "red").save(out, fmt, **save)
    return out.getvalue()


def _zip(members: dict[str, bytes], stored_first: str | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        if stored_first:
            archive.writestr(stored_first, members.pop(stored_first), compress_type=zipfile.ZIP_STORED)
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def _ooxml(part: str) -> bytes:
    return _zip({"[Content_Types].xml": b"<Types/>", "_rels/.rels": b"<Relationships/>", part: b"<x/>"})


def _odf(kind: str) -> bytes:
    return _zip({"mimetype": f"application/vnd.oasis.opendocument.{kind}".encode(), "content.xml": b"<x/>"}, "mimetype")


PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
OLE_HEADER = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + b"\x3e\x00\x03\x00\xfe\xff\x09\x00" + bytes(480)
ID3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
MP3_FRAME = b"\xff\xfb\x90\x64" + bytes(413)  # MPEG-1 layer III, 128 kbit/s, 44.1 kHz
ADTS_AAC = b"\xff\xf1\x50\x80\x02\x1f\xfc" + bytes(64)  # layer bits 00: not an MPEG audio frame


def _ftyp(major: bytes, *compatible: bytes) -> bytes:
    body = b"ftyp" + major + b"\x00\x00\x02\x00" + b"".join(compatible)
    return struct.pack(">I", len(body) + 4) + body + b"\x00\x00\x00\x08free"


def _ogg_page(packet: bytes) -> bytes:
    header = b"OggS\x00\x02" + bytes(8) + b"\x01\x00\x00\x00" + bytes(4) + bytes(4) + bytes([1, len(packet)])
    return header + packet


def _ebml(doc_type: bytes) -> bytes:
    body = b"\x42\x86\x81\x01" + b"\x42\x82" + bytes([0x80 | len(doc_type)]) + doc_type + b"\x42\x87\x81\x04"
    return b"\x1a\x45\xdf\xa3" + bytes([0x80 | len(body)]) + body + b"\x18\x53\x80\x67"


CASES = {
    "jpeg": (_image("JPEG"), "photo.jpg", "image/jpeg", "jpg", "image", "image", True),
    "png": (_image("PNG"), "a.png", "image/png", "png", "image", "image", True),
    "gif87": (b"GIF87a" + _image("GIF")[6:], "a.gif", "image/gif", "gif", "image", "image", True),
    "gif89": (_image("GIF"), "a.gif", "image/gif", "gif", "image", "image", True),
    "webp": (_image("WEBP"), "a.webp", "image/webp", "webp", "image", "image", True),
    "pdf": (PDF, "a.pdf", "application/pdf", "pdf", "pdf", "file", False),
    "pdf after junk": (b"\x00\x01junk" * 10 + PDF, "a.pdf", "application/pdf", "pdf", "pdf", "file", False),
    "zip": (_zip({"a.txt": b"hello"}), "a.zip", "application/zip", "zip", "zip", "file", False),
    "empty zip": (_zip({}), "a.zip", "application/zip", "zip", "zip", "file", False),
    "ole by name": (OLE_HEADER, "old.xls", "application/vnd.ms-excel", "xls", "office", "file", False),
    "ole, no name": (OLE_HEADER, "", "application/msword", "doc", "office", "file", False),
    "ole by stream": (
        OLE_HEADER + "PowerPoint Document".encode("utf-16-le") + b"\x00\x00",
        "x.doc",
        "application/vnd.ms-powerpoint",
        "ppt",
        "office",
        "file",
        False,
    ),
    "mp3 id3": (ID3, "a.mp3", "audio/mpeg", "mp3", "audio", "audio", True),
    "mp3 frame": (MP3_FRAME, "a.mp3", "audio/mpeg", "mp3", "audio", "audio", True),
    "mp4": (_ftyp(b"isom", b"isom", b"iso2", b"mp41"), "a.mp4", "video/mp4", "mp4", "video", "video", True),
    "mp4 by compatible brand": (_ftyp(b"XAVC", b"mp42"), "a.mp4", "video/mp4", "mp4", "video", "video", True),
    "m4a": (_ftyp(b"M4A ", b"M4A ", b"mp42", b"isom"), "a.m4a", "audio/mp4", "m4a", "audio", "audio", True),
    "mov": (_ftyp(b"qt  ", b"qt  "), "a.mov", "video/quicktime", "mov", "video", "video", False),
    "ogg vorbis": (_ogg_page(b"\x01vorbis" + bytes(22)), "a.ogg", "audio/ogg", "ogg", "audio", "audio", True),
    "ogg opus": (_ogg_page(b"OpusHead\x01\x02" + bytes(9)), "a.opus", "audio/ogg", "ogg", "audio", "audio", True),
    "ogg theora": (_ogg_page(b"\x80theora\x03\x02" + bytes(30)), "a.ogv", "video/ogg", "ogv", "video", "video", True),
    "webm": (_ebml(b"webm"), "a.webm", "video/webm", "webm", "video", "video", True),
    "matroska": (_ebml(b"matroska"), "a.mkv", "video/x-matroska", "mkv", "video", "video", False),
    "text": (b"Hello,\nworld\n", "notes", "text/plain", "txt", "text", "file", False),
    "csv": (b"name,qty\napple,3\n", "list.CSV", "text/csv", "csv", "text", "file", False),
    "utf-8 bom": (b"\xef\xbb\xbfcaf\xc3\xa9\n", "a.txt", "text/plain", "txt", "text", "file", False),
    "utf-16 bom": ("h\u00e9llo\n".encode("utf-16"), "a.txt", "text/plain", "txt", "text", "file", False),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_each_type_is_told_from_its_bytes(case):
    data, name, mime, extension, category, file_type, inline = case
    assert detect(data[:HEAD_BYTES], name) == Detected(mime, extension, category, file_type, inline)


def test_the_name_never_makes_a_binary_type():
    png = _image("PNG")
    assert detect(png, "report.pdf").mime == "image/png"
    assert detect(png, "data.csv").mime == "image/png"
    assert detect(PDF, "photo.png").mime == "application/pdf"
    assert detect(b"a,b\n1,2\n", "photo.png").mime == "text/plain"


@pytest.mark.parametrize(
    "head",
    [
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + bytes(100),  # Windows PE
        b"\x7fELF\x02\x01\x01" + bytes(100),
        b"\xcf\xfa\xed\xfe\x07\x00\x00\x01" + bytes(100),  # Mach-O 64-bit
        b"\xca\xfe\xba\xbe\x00\x00\x00\x02" + bytes(100),  # universal binary
        b"MZ only text, but refused with the executables",
        bytes(64),
        b"\x00\x01\x02\x03random binary\xfe\xff",
        b"",
    ],
)
def test_executables_and_unknown_bytes_are_unknown_even_named_png(head):
    assert detect(head, "cat.png") is None
    assert not allowed(detect(head, "cat.png"), CATEGORIES)


MARKUP = {
    "svg with script": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "image/svg+xml"),
    "svg after xml declaration": (b'<?xml version="1.0"?>\n<!-- logo -->\n<svg width="10"></svg>', "image/svg+xml"),
    "html doctype": (b"<!DOCTYPE html><title>x</title>", "text/html"),
    "html after bom, blanks and a comment": (b"\xef\xbb\xbf \n\t<!-- hi -->\n  <HTML><body>", "text/html"),
    "script tag": (b"<script>fetch('/api')</script>", "text/html"),
    "iframe": (b"<iframe src=x>", "text/html"),
    "body": (b"<body onload=alert(1)>", "text/html"),
    "head": (b"<head>", "text/html"),
    "xml": (b'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"></rss>', "application/xml"),
    "bare xml root": (b"<note><to>Tove</to></note>", "application/xml"),
    "utf-16 html": ("<html><script>x()</script>".encode("utf-16"), "text/html"),
    "unterminated comment": (b"<!-- " + b"x" * 200, "text/html"),
    "shebang": (b"#!/bin/sh\nrm -rf ~\n", "text/x-script"),
}


@pytest.mark.parametrize("case", MARKUP.values(), ids=MARKUP.keys())
def test_markup_and_scripts_are_active_never_inline_never_allowed(case):
    data, mime = case
    found = detect(data, "notes.txt")
    assert (found.category, found.mime, found.inline) == ("active", mime, False)
    assert not allowed(found, CATEGORIES)
    assert not allowed(found, [*CATEGORIES, "active"])


def test_text_that_only_mentions_tags_later_stays_text():
    assert detect(b"Use <b> for bold and <script> never.", "a.txt").category == "text"
    assert detect(b"<3 thanks!", "a.txt").category == "text"


def test_utf8_text_cut_in_the_middle_of_a_character_is_text():
    for kept in (1, 2):  # the first one or two of the three bytes of \u65e5
        text = b"caf\xc3\xa9 " * 100 + b"a" * (HEAD_BYTES - 600 - kept) + "\u65e5\u672c".encode()
        head = text[:HEAD_BYTES]
        with pytest.raises(UnicodeDecodeError):
            head.decode("utf-8")
        assert detect(head, "a.txt").mime == "text/plain"


def test_invalid_utf8_and_control_characters_are_not_text():
    assert detect(b"caf\xe9 latin-1 is not utf-8 \xe9\xe9 here", "a.txt") is None
    assert detect(b"abc\x01\x02\x03def", "a.txt") is None


def test_aac_adts_frames_are_not_taken_for_mp3():
    assert detect(ADTS_AAC, "a.mp3") is None


def test_heif_images_in_an_ftyp_box_are_unknown():
    assert detect(_ftyp(b"heic", b"mif1", b"heic"), "a.mp4") is None


def _opener(data: bytes):
    return lambda: io.BytesIO(data)


@pytest.mark.parametrize(
    "data,extension",
    [
        (_ooxml("word/document.xml"), "docx"),
        (_ooxml("xl/workbook.xml"), "xlsx"),
        (_ooxml("ppt/presentation.xml"), "pptx"),
        (_odf("text"), "odt"),
        (_odf("spreadsheet"), "ods"),
        (_odf("presentation"), "odp"),
        (_zip({"a.txt": b"hello", "word/document.xml": b"<x/>"}), "zip"),  # no [Content_Types].xml
        (_zip({"mimetype": b"application/epub+zip"}, "mimetype"), "zip"),
        (_zip({}), "zip"),
    ],
)
def test_refine_tells_office_documents_from_plain_zips(data, extension):
    zipped = detect(data[:HEAD_BYTES], "upload.zip")
    assert zipped.extension == "zip"
    refined = refine(zipped, _opener(data))
    assert refined.extension == extension
    assert refined.category == ("zip" if extension == "zip" else "office")
    assert not refined.inline and refined.file_type == "file"


def test_refine_reads_only_the_start_of_the_mimetype_member():
    data = _zip({"mimetype": b"application/vnd.oasis.opendocument.text" + b" " * 10_000_000}, "mimetype")
    read = []

    class Counting(io.BytesIO):
        def read(self, size=-1):
            chunk = super().read(size)
            read.append(len(chunk))
            return chunk

    assert refine(detect(data[:HEAD_BYTES]), lambda: Counting(data)).extension == "odt"
    assert sum(read) < 100_000


def test_a_broken_zip_stays_a_plain_zip_and_other_types_are_unchanged():
    broken = _ooxml("word/document.xml")[:200]
    assert refine(detect(broken), _opener(broken)).extension == "zip"
    png = detect(_image("PNG"))

    def never():
        raise AssertionError("a non-zip must not be opened")

    assert refine(png, never) is png


def test_refine_closes_the_file():
    data = _ooxml("word/document.xml")
    opened = io.BytesIO(data)
    refine(detect(data), lambda: opened)
    assert opened.closed


def test_allowed_checks_the_inbox_categories():
    png, pdf, text = detect(_image("PNG")), detect(PDF), detect(b"hello")
    assert allowed(png, ["image", "pdf"]) and allowed(pdf, ("image", "pdf"))
    assert not allowed(text, ["image", "pdf"])
    assert allowed(text, {"text"})
    assert not allowed(png, [])
    assert not allowed(None, CATEGORIES)
