"""CSV export for Excel: formula guard, BOM, delimiter per locale, round trips through pandas and read_table."""

import io

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kiko_livechat.services.contact_csv import read_table
from kiko_livechat.services.csv_export import ROWS_PER_CHUNK, delimiter_for, safe_cell, write_csv


@pytest.mark.parametrize(
    "value,expected",
    [
        ("=1+1", "'=1+1"),
        ("+49 171 1234567", "'+49 171 1234567"),
        ("-5", "'-5"),
        (-5, "'-5"),
        ("@SUM(A1:A2)", "'@SUM(A1:A2)"),
        ("\tx", "'\tx"),
        ("\rx", "'\rx"),
        ("Anna", "Anna"),
        ("a=b", "a=b"),
        ("", ""),
        (None, ""),
        (42, "42"),
    ],
)
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def _csv(header, rows, delimiter=";") -> bytes:
    return b"".join(write_csv(header, rows, delimiter=delimiter))


def test_bom_crlf_and_formula_guard_in_the_file():
    data = _csv(["Name", "Telefon"], [["Anna", "+49 171"], ["=cmd|' /C calc'!A0", ""]])
    assert data.startswith(b"\xef\xbb\xbf")
    assert data == "\ufeffName;Telefon\r\nAnna;'+49 171\r\n'=cmd|' /C calc'!A0;\r\n".encode()


@pytest.mark.parametrize(
    "locale,delimiter",
    [("de", ";"), ("de-DE", ";"), ("fr", ";"), ("it", ";"), ("es", ";"), ("nl", ";"), ("pt-BR", ";"), ("en", ","),
     ("en-US", ","), ("unknown", ","), ("", ",")],
)  # fmt: skip
def test_delimiter_for_locale(locale, delimiter):
    assert delimiter_for(locale) == delimiter


def test_round_trip_through_pandas_keeps_umlauts_and_quoting():
    rows = [["Jürgen Müller", "Bäckerei; Groß", "Zeile 1\nZeile 2"], ["Zoë", 'Sagt "Hallo"', "00123"]]
    chunks = list(write_csv(["Name", "Firma", "Notiz"], rows, delimiter=delimiter_for("de")))
    frame = pd.read_csv(io.BytesIO(b"".join(chunks)), sep=";", dtype=str, encoding="utf-8-sig")
    assert list(frame.columns) == ["Name", "Firma", "Notiz"]
    assert frame.values.tolist() == rows


def test_big_exports_stream_in_chunks():
    chunks = list(write_csv(["n"], ([i] for i in range(ROWS_PER_CHUNK * 3 + 1)), delimiter=","))
    assert len(chunks) == 4
    assert b"".join(chunks).count(b"\r\n") == ROWS_PER_CHUNK * 3 + 2


_CELL = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)


@settings(max_examples=200, deadline=None)
@given(
    rows=st.lists(st.lists(_CELL, min_size=3, max_size=3), min_size=1, max_size=8),
    delimiter=st.sampled_from([";", ","]),
)
def test_what_the_export_writes_the_import_reads_back(rows, delimiter):
    assume(any(any(row) for row in rows))
    data = b"".join(write_csv(["Name", "E-Mail", "Notiz"], rows, delimiter=delimiter))
    table = read_table(data)
    expected = [tuple(safe_cell(cell) for cell in row) for row in rows]
    while not any(expected[-1]):
        expected.pop()  # trailing blank rows are not rows (Excel's empty lines)
    assert (table.encoding, table.delimiter, table.columns) == ("utf-8-sig", delimiter, ("Name", "E-Mail", "Notiz"))
    assert table.rows == expected
