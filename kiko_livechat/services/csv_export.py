"""CSV files for people to open in Excel: UTF-8 with BOM, CRLF, the delimiter their Excel expects, and
every cell guarded against formula injection.

Decisions worth knowing:
- Every text starting with = + - @ tab or CR gets a leading apostrophe, also "+49 171 ..." and "-5":
  Excel computes "+49 171" and "-5" as numbers or formulas, and telling harmless ones from "-2+3+cmd|..."
  is the guessing game that let injections through elsewhere. The price: a negative number arrives as
  the text '-5. Contact exports are text (phones, names, attributes), so that price is small.
- The delimiter is ";" where the locale writes decimals with a comma (Excel's list separator there),
  "," elsewhere and for locales Babel does not know.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from babel import Locale, UnknownLocaleError
from babel.numbers import get_decimal_symbol

BOM = "\ufeff"
ROWS_PER_CHUNK = 1000
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """`value` as text that Excel shows rather than computes (see module doc); None is ""."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def write_csv(header: Sequence[str], rows: Iterable[Sequence[object]], *, delimiter: str) -> Iterator[bytes]:
    """The CSV in UTF-8 chunks (BOM first, CRLF, every cell through safe_cell), ROWS_PER_CHUNK rows each,
    so a big export streams without being held in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    buffer.write(BOM)
    writer.writerow([safe_cell(name) for name in header])
    pending = 0
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
        pending += 1
        if pending == ROWS_PER_CHUNK:
            yield _drain(buffer)
            pending = 0
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    chunk = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return chunk


def delimiter_for(locale: str) -> str:
    """Semicolon for locales with a decimal comma (de, fr, it, es, nl, pt ...), comma otherwise."""
    try:
        parsed = Locale.parse(locale.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return ","
    return ";" if get_decimal_symbol(parsed) == "," else ","
