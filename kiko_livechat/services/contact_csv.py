"""Reading an uploaded contacts CSV into rows of text, mapping its columns to contact fields, and cleaning
the cells (e-mail, phone, lengths). Pure: no database; the importer decides what to do with the rows.

Decisions worth knowing:
- Encodings: a BOM decides (UTF-8, UTF-16 LE/BE); else strict UTF-8; else charset-normalizer chooses
  among cp1252, ISO 8859-15 and Latin-1 only (German Excel writes cp1252). Other legacy encodings (DOS
  cp850, Mac Roman, cp1251) are not guessed: they come out as wrong letters or as "not_csv".
- Excel's "sep=;" first line is honoured and removed; otherwise the delimiter is counted (see
  detect_delimiter).
- Line numbers are record numbers with the header as 1: the row number Excel shows. A cell with a line
  break inside quotes does not move the following numbers, blank lines do (they stay in `Table.rows`
  as rows of "" and `clean_rows` skips them without a rejection).
- Rows shorter than the header are padded with "". Rows longer than the header keep their extra cells
  (the tuple is longer than `Table.columns`) and `clean_rows` rejects them as "ragged": extra cells
  nearly always mean an unquoted delimiter inside a value ("Müller; Söhne"), so every later column is
  shifted and importing the row would put data into the wrong fields. Empty trailing cells (a
  delimiter at the end of the line, as some exports write) are not extra cells.
- Several columns mapped to "name" are joined with a space, first-name headers first and last-name
  headers last; several columns mapped to another field: the first non-empty one wins.
- Formula-looking cells ("=1+1") are kept as they are: they are data. The export neutralises them.
"""

import io
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import charset_normalizer
import pandas as pd
import phonenumbers
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

from kiko_livechat.services.errors import ValidationFailed

MAX_BYTES = 50 * 1024 * 1024
CELL_MAX = 10_000
FIELDS = ("name", "email", "phone_number", "identifier", "company", "city", "country")
DELIMITERS = (",", ";", "\t")
SNIFF_RECORDS = 20
SNIFF_CHARS = 64 * 1024
_FIELD_START = frozenset(",;\t\r\n")

Mapping = dict[int, str | tuple[str, str] | None]

# Magic numbers of files people upload by mistake instead of the CSV (the Excel file itself, mostly).
_BINARY_MAGIC = (
    b"\x89PNG",
    b"PK\x03\x04",  # zip: xlsx, ods, docx
    b"PK\x05\x06",  # empty zip
    b"%PDF",
    b"GIF8",
    b"\xff\xd8\xff",  # JPEG
    b"\xd0\xcf\x11\xe0",  # OLE2: xls 97-2003
)
# German Excel saves "CSV (Trennzeichen-getrennt)" in the Windows code page; these are the only
# single-byte guesses worth making for this product's users (anything else is more likely wrong).
_LEGACY_ENCODINGS = ["cp1252", "iso8859_15", "latin_1"]
_EXPECTED_FIELDS = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")
_EOF_IN_STRING = re.compile(r"EOF inside string starting at row (\d+)")
_SEP_HINT = re.compile(r"sep=([,;\t])[ \t]*(?:\r\n|\n|\r)")
_LINE = re.compile(r"(?:line|row) (\d+)")


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: list[tuple[str, ...]]
    encoding: str
    delimiter: str


@dataclass(frozen=True)
class ContactRow:
    line: int
    values: dict[str, str]
    custom: dict[str, str]


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str
    params: dict
    cells: tuple[str, ...]


def _fail(code: str, **params: object) -> ValidationFailed:
    return ValidationFailed(code, field="file", **params)


# --- reading -------------------------------------------------------------------------------------


def read_table(data: bytes) -> Table:
    """The uploaded bytes as a table of text cells, with the encoding and delimiter found.

    Raises ValidationFailed (field "file"): contacts.import.error.too_large (max_mb), .empty,
    .header_only, .not_csv (binary or undecodable) and .malformed (line).
    """
    if len(data) > MAX_BYTES:
        raise _fail("contacts.import.error.too_large", max_mb=MAX_BYTES // (1024 * 1024))
    if not data.strip():
        raise _fail("contacts.import.error.empty")
    text, encoding = _decode(data)
    if not text.strip():
        raise _fail("contacts.import.error.empty")
    text, delimiter = _excel_separator_hint(text)
    delimiter = delimiter or detect_delimiter(text)
    records, header_width = _parse(text, delimiter)
    columns = _header(records[0][:header_width])
    rows = _fit_rows(records[1:], len(columns))
    if not any(any(row) for row in rows):
        raise _fail("contacts.import.error.header_only")
    return Table(columns=columns, rows=rows, encoding=encoding, delimiter=delimiter)


def _decode(data: bytes) -> tuple[str, str]:
    """Text and encoding name: a BOM decides; else strict UTF-8; else the best legacy guess."""
    if data.startswith(b"\xef\xbb\xbf"):
        return _strict(data, "utf-8-sig"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _strict(data, "utf-16"), "utf-16"
    if data.startswith(_BINARY_MAGIC) or b"\x00" in data:
        # NULs never occur in a text CSV except as half of a UTF-16 character, and that has a BOM here.
        raise _fail("contacts.import.error.not_csv")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data, cp_isolation=_LEGACY_ENCODINGS).best()
    if best is None:
        raise _fail("contacts.import.error.not_csv")
    encoding = _canonical(best.encoding)
    return _strict(data, encoding), encoding


def _canonical(name: str) -> str:
    return {"windows_1252": "cp1252", "iso8859_15": "iso8859-15", "latin_1": "latin-1"}.get(name, name)


def _strict(data: bytes, encoding: str) -> str:
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        # The guess was made from samples; a byte elsewhere proved it wrong. Latin-1 decodes anything,
        # so the file is still readable (cp1252's curly quotes become control characters at worst).
        if encoding in ("utf-8-sig", "utf-16"):
            raise _fail("contacts.import.error.not_csv") from None
        text, encoding = data.decode("latin-1"), "latin-1"
    if "\x00" in text:
        raise _fail("contacts.import.error.not_csv")
    return text


def _excel_separator_hint(text: str) -> tuple[str, str | None]:
    """Excel's "sep=;" first line: the delimiter it names, and the text without that line (Excel hides
    it too, so the header stays line 1)."""
    match = _SEP_HINT.match(text)
    if not match:
        return text, None
    return text[match.end() :], match.group(1)


def detect_delimiter(text: str) -> str:
    """The delimiter among , ; and tab: the one counted the same non-zero number of times (outside
    quotes) in each of the first records; failing that, the most frequent in the header; "," for a
    file of one column. csv.Sniffer guesses wrongly on short files and on quoted delimiters."""
    counts = _count_delimiters(text[:SNIFF_CHARS], truncated=len(text) > SNIFF_CHARS)
    if not counts:
        return ","
    consistent = [d for d in DELIMITERS if counts[0][d] > 0 and all(c[d] == counts[0][d] for c in counts)]
    pool = consistent or [d for d in DELIMITERS if counts[0][d] > 0]
    if not pool:
        return ","
    return max(pool, key=lambda d: counts[0][d])


def _count_delimiters(sample: str, *, truncated: bool) -> list[dict[str, int]]:
    """Per record of the sample, how often each delimiter occurs outside quotes."""
    records: list[dict[str, int]] = []
    current = dict.fromkeys(DELIMITERS, 0)
    in_quotes = False
    blank = True
    previous = "\n"
    just_closed = False
    for char in sample:
        if in_quotes:
            in_quotes = char != '"'
            just_closed = not in_quotes
            previous = char
            continue
        if char == '"' and (previous in _FIELD_START or just_closed):
            # Opens a quoted cell only at the start of a cell (Anna "Ann" Smith is plain text), or right
            # after a closing quote: that was Excel's "" for a quote inside the cell.
            in_quotes, blank = True, False
        elif char in "\r\n":
            if not blank:
                records.append(current)
                if len(records) == SNIFF_RECORDS:
                    return records
            current, blank = dict.fromkeys(DELIMITERS, 0), True
        else:
            blank = False
            if char in current:
                current[char] += 1
        previous, just_closed = char, False
    if not blank and not truncated:
        records.append(current)  # a cut-off last record would count too few delimiters
    return records


def _parse(text: str, delimiter: str) -> tuple[list[tuple[str, ...]], int]:
    """All records, header first, as tuples of text, and the header's width. The C parser is fast but
    refuses a record longer than the first; then it is run again wide enough (doubling: a few runs at most)."""
    width: int | None = None
    header_width: int | None = None
    while True:
        try:
            frame = pd.read_csv(
                io.StringIO(text),
                sep=delimiter,
                header=None,
                names=range(width) if width else None,
                index_col=False,
                dtype=str,
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                quotechar='"',
                doublequote=True,
                engine="c",
            )
        except pd.errors.ParserError as error:
            message = str(error)
            wider = _EXPECTED_FIELDS.search(message)
            if wider is None:
                raise _fail("contacts.import.error.malformed", line=_error_line(message)) from None
            header_width = header_width or int(wider.group(1))
            width = max(int(wider.group(3)), 2 * (width or header_width))
            continue
        except pd.errors.EmptyDataError:
            raise _fail("contacts.import.error.empty") from None
        # Column lists zipped into tuples: iterating the frame row by row is several times slower.
        columns = [frame[name].to_numpy(dtype=object).tolist() for name in frame.columns]
        records = _trim_trailing_blank(list(zip(*columns, strict=True)))
        return records, header_width or len(frame.columns)


def _error_line(message: str) -> int:
    """1-based line of a parser error (pandas counts records from 0)."""
    eof = _EOF_IN_STRING.search(message)
    if eof:
        return int(eof.group(1)) + 1
    other = _LINE.search(message)
    return int(other.group(1)) if other else 1


def _trim_trailing_blank(records: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """Without the blank records after the last one with content (a final newline, Excel's empty rows)."""
    end = len(records)
    while end > 1 and not any(records[end - 1]):
        end -= 1
    return records[:end]


def _header(cells: Sequence[str]) -> tuple[str, ...]:
    """Header names stripped, blanks named "column N" (kept: rows may have data there), duplicates "X (2)"."""
    names = [cell.strip() for cell in cells]
    seen: dict[str, int] = {}
    unique = []
    for index, name in enumerate(names):
        name = name or f"column {index + 1}"
        seen[name] = seen.get(name, 0) + 1
        unique.append(name if seen[name] == 1 else f"{name} ({seen[name]})")
    return tuple(unique)


def _fit_rows(records: list[tuple[str, ...]], width: int) -> list[tuple[str, ...]]:
    """Rows exactly as wide as the header, except rows with content beyond it (kept whole, see module doc)."""
    rows = []
    for record in records:
        if len(record) == width:
            rows.append(record)
        elif len(record) < width:
            rows.append(record + ("",) * (width - len(record)))
        else:
            extra = record[width:]
            if any(extra):
                end = len(record)
                while not record[end - 1]:
                    end -= 1
                rows.append(record[:end])
            else:
                rows.append(record[:width])
    return rows


# --- mapping -------------------------------------------------------------------------------------

_FIRST_NAME = {"vorname", "firstname", "givenname", "forename"}
_LAST_NAME = {"nachname", "lastname", "familyname", "surname", "familienname"}
_ALIASES = {
    "name": {"name", "vollstaendigername", "fullname", "kontakt", "contactname"},
    "email": {"email", "emailadresse", "mail", "emailaddress", "mailadresse"},
    "phone_number": {
        "phonenumber", "telefon", "telefonnummer", "mobil", "mobilnummer", "handy", "handynummer", "phone",
        "mobile", "tel", "telephone", "mobilephone", "cell",
    },
    "identifier": {"identifier", "kundennummer", "kundennr", "customerid", "externalid", "customernumber"},
    "company": {"company", "companyname", "firma", "unternehmen", "organisation", "organization"},
    "city": {"city", "ort", "stadt", "wohnort"},
    "country": {"country", "land"},
}  # fmt: skip
_SKIP = {"id"}  # Chatwoot's own row id, not the customer's identifier


def _normalize_header(name: str) -> str:
    """Lower case, umlauts spelled out, only letters and digits: "E-Mail-Adresse" -> "emailadresse"."""
    text = name.casefold().replace("ä", "ae").replace("ö", "oe").replace("ü", "ue").replace("ß", "ss")
    text = unicodedata.normalize("NFKD", text)
    return "".join(char for char in text if char.isascii() and char.isalnum())


def _field_of(name: str) -> str | None:
    key = _normalize_header(name)
    for field, aliases in _ALIASES.items():
        if key in aliases:
            return field
    return None


def auto_mapping(columns: Sequence[str]) -> Mapping:
    """Column index -> contact field from the header names (German and English spellings, Chatwoot's
    sample headers). Each field once, first match wins; a first-name and a last-name column count as
    one match and both map to "name" (one of them alone maps to "name" too). Chatwoot's `id` and
    unknown columns map to None."""
    mapping: Mapping = {}
    taken: set[str] = set()
    halves: set[str] = set()  # "first"/"last" once the name came from a first/last pair
    for index, name in enumerate(columns):
        key = _normalize_header(name)
        mapping[index] = None
        half = "first" if key in _FIRST_NAME else "last" if key in _LAST_NAME else None
        if half:
            if half not in halves and ("name" not in taken or halves):
                mapping[index] = "name"
                taken.add("name")
                halves.add(half)
            continue
        field = None if key in _SKIP else _field_of(name)
        if field and field not in taken:
            mapping[index] = field
            taken.add(field)
    return mapping


# --- cleaning ------------------------------------------------------------------------------------

# Plain ASCII addresses that email-validator certainly accepts: checked here at a fraction of its cost
# (100,000 rows). Anything else (unicode, quoted local parts, special-use domains) goes to it.
_PLAIN_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]{1,64}(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


def normalize_email(text: str) -> str | None:
    """The address lower-cased, or None when it is not a valid address (syntax only, no DNS)."""
    if len(text) <= 254 and _PLAIN_EMAIL.fullmatch(text) and len(text.split("@")[0]) <= 64:
        tld = text.rsplit(".", 1)[1].lower()
        if tld not in SPECIAL_USE_DOMAIN_NAMES:
            return text.lower()
    try:
        return validate_email(text, check_deliverability=False).normalized.lower()
    except EmailNotValidError:
        return None


@lru_cache(maxsize=4096)
def normalize_phone(text: str, region: str) -> str | None:
    """The number in E.164 ("+491711234567"), read with `region` for national numbers ("0171 1234567"
    in "DE"); None when it cannot be parsed or is not a possible number. "+49 (0)171..." is understood."""
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _name_order(columns: Sequence[str], indexes: list[int]) -> list[int]:
    """First-name columns first, last-name columns last, others in between (file order inside each)."""

    def rank(index: int) -> int:
        key = _normalize_header(columns[index]) if index < len(columns) else ""
        return 0 if key in _FIRST_NAME else 2 if key in _LAST_NAME else 1

    return sorted(indexes, key=rank)


def clean_rows(table: Table, mapping: Mapping, *, region: str) -> tuple[list[ContactRow], list[Rejected]]:
    """The table's rows as contacts (mapped, trimmed, e-mail lower-cased, phone in E.164) and the rows
    refused, each with an i18n reason (contacts.import.reject.*) and its original cells. Blank rows
    are skipped silently."""
    width = len(table.columns)
    names = _name_order(table.columns, [i for i, f in mapping.items() if f == "name"])
    fields = [(i, f) for i, f in mapping.items() if isinstance(f, str) and f != "name" and i < width]
    custom = [(i, f[1]) for i, f in mapping.items() if isinstance(f, tuple) and i < width]
    accepted: list[ContactRow] = []
    rejected: list[Rejected] = []
    for offset, cells in enumerate(table.rows):
        if not any(cells):
            continue
        try:
            values, extra = _clean_row(table.columns, cells, names, fields, custom, region)
        except _Reject as refusal:
            rejected.append(Rejected(line=offset + 2, reason=refusal.reason, params=refusal.params, cells=cells))
        else:
            accepted.append(ContactRow(line=offset + 2, values=values, custom=extra))
    return accepted, rejected


class _Reject(Exception):
    """A row refused: the i18n reason and its parameters."""

    def __init__(self, reason: str, **params: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.params = params


def _clean_row(columns, cells, names, fields, custom, region) -> tuple[dict[str, str], dict[str, str]]:
    """The row's contact fields and custom attributes, cleaned; raises _Reject."""
    if len(cells) > len(columns):
        raise _Reject("contacts.import.reject.ragged", expected=len(columns), found=len(cells))
    for index, cell in enumerate(cells):
        if len(cell) > CELL_MAX:
            raise _Reject("contacts.import.reject.cell_too_long", column=columns[index], max=CELL_MAX)
    values: dict[str, str] = {}
    full_name = " ".join(part for part in (cells[i].strip() for i in names if i < len(cells)) if part)
    if full_name:
        values["name"] = full_name
    for index, field in fields:
        value = cells[index].strip()
        if value and field not in values:
            values[field] = value
    _normalize(values, region)
    if not values.keys() & {"name", "email", "phone_number", "identifier"}:
        raise _Reject("contacts.import.reject.no_identity")
    extra = {key: cells[index].strip() for index, key in custom if cells[index].strip()}
    return values, extra


def _normalize(values: dict[str, str], region: str) -> None:
    """E-mail and phone normalised in place; raises _Reject when one of them is not acceptable."""
    if "email" in values:
        email = normalize_email(values["email"])
        if email is None:
            raise _Reject("contacts.import.reject.email", value=values["email"])
        values["email"] = email
    if "phone_number" in values:
        phone = normalize_phone(values["phone_number"], region)
        if phone is None:
            raise _Reject("contacts.import.reject.phone", value=values["phone_number"])
        values["phone_number"] = phone
