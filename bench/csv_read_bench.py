"""Cost of reading a big contacts CSV the way German Excel writes it, next to the bare pandas parse.

100,000 rows x 8 columns, cp1252, semicolons, CRLF (about 10 MB): p50 of 5 runs of read_table,
auto_mapping + clean_rows, and their sum, beside pandas.read_csv of the same bytes with dtype=str
and nothing else (the floor). Prints figures; no pass/fail.
Usage: python -m bench.csv_read_bench
"""

import io
import statistics
import time

import pandas as pd

from kiko_livechat.services.contact_csv import Table, auto_mapping, clean_rows, read_table

ROWS = 100_000
RUNS = 5
HEADER = "Vorname;Nachname;E-Mail;Telefon;Kundennummer;Firma;Ort;Land"


def _data() -> bytes:
    lines = [HEADER]
    for i in range(ROWS):
        lines.append(
            f"Jürgen{i};Müller-Lüdenscheidt;juergen.{i}@baeckerei-beispiel.de;0171 {i:07d};{i:06d};"
            f'"Bäckerei Groß; Söhne GmbH";München;Deutschland'
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _p50(fn) -> tuple[float, object]:
    samples, result = [], None
    for _ in range(RUNS):
        start = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), result


def main() -> None:
    """Print the figures."""
    data = _data()
    print(f"file: {ROWS:,} rows x 8 columns, {len(data) / 1e6:.1f} MB cp1252 ';' CRLF, p50 of {RUNS} runs")
    floor, _ = _p50(lambda: pd.read_csv(io.BytesIO(data), sep=";", dtype=str, encoding="cp1252"))
    read, table = _p50(lambda: read_table(data))
    _, mapping = _p50(lambda: auto_mapping(table.columns))
    clean, (contacts, rejected) = _p50(lambda: clean_rows(table, mapping, region="DE"))
    no_phone = {i: f for i, f in mapping.items() if f != "phone_number"}
    clean_no_phone, _ = _p50(lambda: clean_rows(table, no_phone, region="DE"))
    idn = Table(table.columns, [r[:2] + (r[2].replace("baeckerei", "bäckerei"),) + r[3:] for r in table.rows[:10_000]],
                table.encoding, table.delimiter)  # fmt: skip
    clean_idn, _ = _p50(lambda: clean_rows(idn, no_phone, region="DE"))
    print(f"floor pandas.read_csv(dtype=str)           {floor * 1000:8.1f} ms")
    print(f"read_table ({table.encoding}, {table.delimiter!r})             {read * 1000:8.1f} ms")
    counts = f"{len(contacts):,} ok, {len(rejected)} rejected"
    print(f"clean_rows                                 {clean * 1000:8.1f} ms  ({counts})")
    print(f"clean_rows without the phone column        {clean_no_phone * 1000:8.1f} ms  (phonenumbers' share)")
    print(f"clean_rows, 10,000 rows of IDN e-mails     {clean_idn * 1000:8.1f} ms  (email-validator's full path)")
    print(f"read_table + auto_mapping + clean_rows     {(read + clean) * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
