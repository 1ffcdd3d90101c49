"""Contacts CSV import: encodings, delimiters, line ends and quoting as real exports write them, files
that are not CSV, column mapping, and the cleaning that turns cells into contacts or rejected rows."""

import io
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from kiko_livechat.services.contact_csv import (
    CELL_MAX,
    MAX_BYTES,
    ContactRow,
    Table,
    auto_mapping,
    clean_rows,
    detect_delimiter,
    normalize_phone,
    read_table,
)
from kiko_livechat.services.errors import ValidationFailed

CHATWOOT_SAMPLE = Path("/work/shared/fixtures/chatwoot-import-contacts-sample.csv")


def _refused(data: bytes) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as caught:
        read_table(data)
    assert caught.value.field == "file"
    return caught.value


def _german_excel() -> bytes:
    text = (
        "Vorname;Nachname;E-Mail;Telefon;Firma;Kundennummer;Ort\r\n"
        "Jürgen;Müller;J.Mueller@Example.DE;0171 1234567;Bäckerei Groß;00123;Köln\r\n"
        "Ömer;Özdemir;oemer@example.de;+49 (0)30 1234567;Straße & Söhne;00456;Düsseldorf\r\n"
    )
    return text.encode("cp1252")


@pytest.mark.skipif(not CHATWOOT_SAMPLE.exists(), reason="shared fixture missing")
def test_chatwoot_sample_reads_and_maps():
    table = read_table(CHATWOOT_SAMPLE.read_bytes())
    assert table.delimiter == "," and table.encoding == "utf-8"
    assert table.columns[:3] == ("id", "name", "email")
    assert len(table.rows) == 5
    mapping = auto_mapping(table.columns)
    by_name = {table.columns[i]: field for i, field in mapping.items()}
    assert by_name["id"] is None
    assert by_name["name"] == "name"
    assert by_name["email"] == "email"
    assert by_name["identifier"] == "identifier"
    assert by_name["phone_number"] == "phone_number"
    assert by_name["company_name"] == "company"
    assert by_name["custom_attribute_1"] is None and by_name["custom_attribute_2"] is None
    contacts, rejected = clean_rows(table, mapping, region="DE")
    assert not rejected
    assert contacts[0] == ContactRow(
        line=2,
        values={
            "name": "Clarice Uzzell",
            "email": "cuzzell0@mozilla.org",
            "identifier": "bb4e11cd-0f23-49da-a123-dcc1fec6852c",
            "phone_number": "+498963648018",
            "company": "Acme Inc",
        },
        custom={},
    )
    # Chatwoot's own sample has rows one cell short (no document_number): padded, not dropped.
    assert [c.line for c in contacts] == [2, 3, 4, 5, 6]


def test_german_excel_export_keeps_umlauts_leading_zeros_and_names():
    table = read_table(_german_excel())
    assert table.encoding == "cp1252" and table.delimiter == ";"
    assert table.columns == ("Vorname", "Nachname", "E-Mail", "Telefon", "Firma", "Kundennummer", "Ort")
    assert table.rows[0] == (
        "Jürgen",
        "Müller",
        "J.Mueller@Example.DE",
        "0171 1234567",
        "Bäckerei Groß",
        "00123",
        "Köln",
    )
    mapping = auto_mapping(table.columns)
    assert mapping == {
        0: "name", 1: "name", 2: "email", 3: "phone_number", 4: "company", 5: "identifier", 6: "city",
    }  # fmt: skip
    contacts, rejected = clean_rows(table, mapping, region="DE")
    assert not rejected
    assert contacts[0].values == {
        "name": "Jürgen Müller",
        "email": "j.mueller@example.de",
        "phone_number": "+491711234567",
        "company": "Bäckerei Groß",
        "identifier": "00123",
        "city": "Köln",
    }
    assert contacts[1].values["phone_number"] == "+49301234567"
    assert contacts[1].values["company"] == "Straße & Söhne"


def test_last_name_before_first_name_still_joins_first_last():
    table = Table(columns=("Nachname", "Vorname"), rows=[("Müller", "Jürgen")], encoding="utf-8", delimiter=";")
    contacts, _ = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert contacts[0].values["name"] == "Jürgen Müller"


@pytest.mark.parametrize(
    "data,encoding",
    [
        ("\ufeffName,E-Mail\r\nZoë,z@example.org\r\n".encode("utf-8"), "utf-8-sig"),
        ("Name,E-Mail\r\nZoë,z@example.org\r\n".encode("utf-16"), "utf-16"),
        (b"\xfe\xff" + "Name,E-Mail\r\nZoë,z@example.org\r\n".encode("utf-16-be"), "utf-16"),
        ("Name,E-Mail\r\nZoë,z@example.org\r\n".encode(), "utf-8"),
    ],
)
def test_unicode_encodings(data, encoding):
    table = read_table(data)
    assert table.encoding == encoding
    assert table.columns == ("Name", "E-Mail")
    assert table.rows == [("Zoë", "z@example.org")]


@pytest.mark.parametrize(
    "text,delimiter,first_row",
    [
        ("Name\tE-Mail\tFirma\nAnna\ta@example.org\tACME, Inc\n", "\t", ("Anna", "a@example.org", "ACME, Inc")),
        ("Name;E-Mail;Firma\rAnna;a@x.org;ACME, Inc\rBert;b@x.org;X\r", ";", ("Anna", "a@x.org", "ACME, Inc")),
        ('Name,Notiz\n"Anna","a; b; c; d"\n"Bert","x"\n', ",", ("Anna", "a; b; c; d")),
        ("E-Mail\na@example.org\n", ",", ("a@example.org",)),
    ],
)  # fmt: skip
def test_delimiters_and_line_ends(text, delimiter, first_row):
    table = read_table(text.encode())
    assert table.delimiter == delimiter
    assert table.rows[0] == first_row
    assert all(len(row) == len(table.columns) for row in table.rows)


def test_excel_sep_hint_line_names_the_delimiter_and_is_not_the_header():
    table = read_table(b"sep=,\r\nName;Ort,Land\r\nAnna;Bonn,DE\r\n")
    assert table.delimiter == ","
    assert table.columns == ("Name;Ort", "Land")
    assert table.rows == [("Anna;Bonn", "DE")]


def test_old_mac_line_ends_give_separate_rows():
    table = read_table(b"Name;Ort\rAnna;Bonn\rBert;Kiel\r")
    assert table.rows == [("Anna", "Bonn"), ("Bert", "Kiel")]


def test_quoted_cells_with_delimiters_newlines_and_excel_quotes():
    data = (
        'Name;Notiz;E-Mail\r\n"Müller; Anna";"Zeile 1\r\nZeile 2 mit ""Zitat""";a@example.org\r\n'
        "Bert;x;b@example.org\r\n"
    )
    table = read_table(data.encode("utf-8"))
    assert table.rows[0] == ("Müller; Anna", 'Zeile 1\r\nZeile 2 mit "Zitat"', "a@example.org")
    contacts, _ = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert [c.line for c in contacts] == [2, 3]  # record numbers, as Excel numbers its rows


def test_delimiter_detection_ignores_quoted_delimiters():
    assert detect_delimiter('a;b\n"x,y,z";1\n"p,q";2\n') == ";"
    assert detect_delimiter('a;b\n"sagt ""x,y"", z";1\n"p,q";2\n') == ";"  # Excel's "" inside quotes
    assert detect_delimiter('a;b\nAnna "A, B;1\nBert;2\n') == ";"  # a quote inside a cell quotes nothing
    assert detect_delimiter("a,b;c\n1,2;3\n4,5;6\n") in {",", ";"}
    assert detect_delimiter("a,b,c\n1,2,3\n4;5,6,7\n") == ","


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4)).save(out, "PNG")
    return out.getvalue()


def _xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
    return out.getvalue()


@pytest.mark.parametrize(
    "data",
    [
        _png(),
        _xlsx(),
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n",
        b"Name,E-Mail\n\x00\x01\x02,x\n",
        bytes(range(256)) * 4,
    ],
    ids=["png", "xlsx", "pdf", "nul", "binary"],
)
def test_binary_files_are_not_csv(data):
    assert _refused(data).code == "contacts.import.error.not_csv"


@pytest.mark.parametrize("data", [b"", b"  \r\n\n ", "\ufeff".encode("utf-8") + b"\r\n", b"\xff\xfe"])
def test_empty_files(data):
    assert _refused(data).code == "contacts.import.error.empty"


@pytest.mark.parametrize("data", [b"Name;E-Mail\r\n", b"Name;E-Mail", b"Name;E-Mail\r\n;\r\n\r\n"])
def test_header_only(data):
    assert _refused(data).code == "contacts.import.error.header_only"


def test_unterminated_quote_is_malformed_with_its_line():
    error = _refused(b'Name;E-Mail\nAnna;a@example.org\n"Bert;b@example.org\nCarl;c@example.org\n')
    assert error.code == "contacts.import.error.malformed"
    assert error.params == {"line": 3}


def test_too_large_before_anything_else():
    error = _refused(b"a;b\n" + b"x" * (60 * 1024 * 1024))
    assert error.code == "contacts.import.error.too_large"
    assert error.params == {"max_mb": MAX_BYTES // (1024 * 1024)}


def test_short_rows_are_padded_long_rows_kept_whole_and_rejected_as_ragged():
    data = b"Name;E-Mail;Ort\nAnna;a@example.org\nBert;b@example.org;Kiel;extra;more\nCarl;c@example.org;Bonn;;\n"
    table = read_table(data)
    assert table.rows[0] == ("Anna", "a@example.org", "")
    assert table.rows[1] == ("Bert", "b@example.org", "Kiel", "extra", "more")
    assert table.rows[2] == ("Carl", "c@example.org", "Bonn")  # trailing empty cells are not extra data
    contacts, rejected = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert [c.line for c in contacts] == [2, 4]
    assert rejected[0].line == 3
    assert rejected[0].reason == "contacts.import.reject.ragged"
    assert rejected[0].params == {"expected": 3, "found": 5}
    assert rejected[0].cells == ("Bert", "b@example.org", "Kiel", "extra", "more")


def test_a_much_longer_row_late_in_the_file_is_still_read():
    lines = ["a;b"] + [f"{i};x" for i in range(50)] + [";".join(["y"] * 40)]
    table = read_table("\n".join(lines).encode())
    assert len(table.rows) == 51 and len(table.rows[-1]) == 40


def test_invalid_emails_and_phones_are_rejected_with_reasons():
    table = Table(
        columns=("Name", "E-Mail", "Telefon"),
        rows=[
            ("Anna", "anna@@example.org", ""),
            ("Bert", "bert@example.org", "bitte anrufen"),
            ("Carl", "carl@example.org", "0171 1234567"),
            ("Dora", "dora@example", ""),
            ("Emil", "", "+1 2"),
        ],
        encoding="utf-8",
        delimiter=";",
    )
    contacts, rejected = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert [c.values["name"] for c in contacts] == ["Carl"]
    assert [(r.line, r.reason) for r in rejected] == [
        (2, "contacts.import.reject.email"),
        (3, "contacts.import.reject.phone"),
        (5, "contacts.import.reject.email"),
        (6, "contacts.import.reject.phone"),
    ]
    assert rejected[1].params == {"value": "bitte anrufen"}
    assert rejected[1].cells == ("Bert", "bert@example.org", "bitte anrufen")


def test_unicode_email_goes_through_the_full_validator():
    table = Table(columns=("E-Mail",), rows=[("Jürgen@Bäckerei.DE",), ("x@test",)], encoding="utf-8", delimiter=",")
    contacts, rejected = clean_rows(table, {0: "email"}, region="DE")
    assert contacts[0].values["email"] == "jürgen@bäckerei.de"
    assert rejected[0].reason == "contacts.import.reject.email"  # special-use domain, as email-validator says


def test_a_cell_over_the_limit_rejects_its_row():
    long_cell = "x" * 100_000
    data = f"Name;Notiz\nAnna;{long_cell}\nBert;kurz\n".encode()
    table = read_table(data)
    assert table.rows[0][1] == long_cell
    contacts, rejected = clean_rows(table, {0: "name", 1: ("custom", "notiz")}, region="DE")
    assert [c.values["name"] for c in contacts] == ["Bert"]
    assert contacts[0].custom == {"notiz": "kurz"}
    assert rejected[0].reason == "contacts.import.reject.cell_too_long"
    assert rejected[0].params == {"column": "Notiz", "max": CELL_MAX}


def test_no_identity_and_blank_rows():
    table = Table(
        columns=("Name", "Firma"),
        rows=[("", "ACME"), ("", ""), ("  ", " "), ("Anna", "")],
        encoding="utf-8",
        delimiter=";",
    )
    contacts, rejected = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert [c.line for c in contacts] == [5]
    assert [(r.line, r.reason) for r in rejected] == [
        (2, "contacts.import.reject.no_identity"),
        (4, "contacts.import.reject.no_identity"),
    ]


def test_formula_cells_are_kept_as_data():
    table = read_table(b'Name;Firma\nAnna;=HYPERLINK("x")\n')
    contacts, _ = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert contacts[0].values["company"] == '=HYPERLINK("x")'


def test_ten_thousand_duplicate_rows_all_come_through():
    data = b"Name;E-Mail\n" + b"Anna;anna@example.org\n" * 10_000
    table = read_table(data)
    contacts, rejected = clean_rows(table, auto_mapping(table.columns), region="DE")
    assert len(contacts) == 10_000 and not rejected


@pytest.mark.parametrize(
    "headers,expected",
    [
        (["E-Mail-Adresse", "Mail", "email"], ["email", None, None]),
        (["Telefonnummer", "Handy"], ["phone_number", None]),
        (["Mobil"], ["phone_number"]),
        (["Vollständiger Name"], ["name"]),
        (["Vollstaendiger_Name"], ["name"]),
        (["Full name", "First name", "Last name"], ["name", None, None]),
        (["First Name", "last_name", "Name"], ["name", "name", None]),
        (["Unternehmen", "Stadt", "Land"], ["company", "city", "country"]),
        (["Kunden-Nr.", "external_id"], ["identifier", None]),
        (["Customer ID"], ["identifier"]),
        (["id", "Lieblingsfarbe"], [None, None]),
    ],
)
def test_auto_mapping_spellings(headers, expected):
    assert list(auto_mapping(headers).values()) == expected


def test_blank_and_duplicate_headers_are_made_unique():
    table = read_table(b"E-Mail;;E-Mail;Name\na@example.org;x;b@example.org;Anna\n")
    assert table.columns == ("E-Mail", "column 2", "E-Mail (2)", "Name")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("0171 1234567", "+491711234567"),
        ("+49 (0)171-1234567", "+491711234567"),
        ("0049 171 1234567", "+491711234567"),
        ("+1 541-754-3010", "+15417543010"),
        ("keine", None),
        ("+49 1", None),
    ],
)
def test_normalize_phone(text, expected):
    assert normalize_phone(text, "DE") == expected


def test_big_file_reads_whole():
    row = b"Anna;Muster;anna@example.org;0171 1234567;ACME;00123;Bonn;DE\n"
    table = read_table(b"a;b;c;d;e;f;g;h\n" + row * 100_000)
    assert len(table.rows) == 100_000
    assert table.rows[-1][5] == "00123"
