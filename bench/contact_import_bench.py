"""A contact import of 100,000 rows end to end, as the worker runs it (issue 17's speed goal: under
5 s), on SQLite and PostgreSQL, beside its floor in the same run.

The account already has 30,000 contacts; 30 % of the file's rows match one of them by e-mail
(written in other case), the rest are new. Timed: upload (read, map, keep the file) + start +
every batch until done. The floor: pandas reading the same bytes plus one bulk INSERT of the
same number of rows, nothing else (no matching, no phones, no batches).

Usage: python -m bench.contact_import_bench [--rows 100000]
"""

import argparse
import io
import os
import tempfile
import time

# The bench's files go to a directory of its own, not the app's storage (read before settings).
os.environ.setdefault("KIKO_STORAGE_DIR", tempfile.mkdtemp(prefix="kiko-bench-storage-"))

import pandas as pd
import sqlalchemy as sa
from sqlmodel import Session

from bench.both_databases import on_both_databases
from kiko_livechat.db import make_engine
from kiko_livechat.i18n.aliases import new_alias_key
from kiko_livechat.models import Contact, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import contact_import
from tests import databases, factories

HEADER = "Kundennummer;Vorname;Nachname;E-Mail;Telefon;Firma;Ort"
EXISTING_SHARE = 0.3


def _csv(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        email = f"KUNDE.{i}@Beispiel.de" if i < rows * EXISTING_SHARE else f"neu.{i}@beispiel.de"
        lines.append(f"{i:07d};Jürgen{i};Müller;{email};0171 {i:07d};Bäckerei Groß GmbH;Köln")
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")


def _seed(engine, rows: int):
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        now = utcnow()
        existing = [
            {"account_id": acc.id, "name": f"Kunde {i}", "email": f"kunde.{i}@beispiel.de",
             "alias_key": new_alias_key(), "additional_attributes": {}, "custom_attributes": {}, "blocked": False,
             "created_at": now}
            for i in range(int(rows * EXISTING_SHARE))
        ]  # fmt: skip
        db.execute(sa.insert(Contact), existing)
        db.commit()
    return acc, admin


def _floor(engine, data: bytes, account_id: int) -> float:
    started = time.perf_counter()
    frame = pd.read_csv(io.BytesIO(data), sep=";", dtype=str, encoding="cp1252", keep_default_na=False)
    now = utcnow()
    with Session(engine) as db:
        db.execute(
            sa.insert(Contact),
            [
                {"account_id": account_id, "name": n, "email": e, "phone_number": None, "identifier": k,
                 "alias_key": "floor", "additional_attributes": {}, "custom_attributes": {}, "blocked": False,
                 "created_at": now}
                for k, n, e in zip(frame["Kundennummer"], frame["Vorname"], frame["E-Mail"], strict=True)
            ],
        )  # fmt: skip
        db.rollback()
    return time.perf_counter() - started


def run(label: str, url: str, rows: int) -> None:
    databases.migrate(url)
    engine = make_engine(url)
    acc, admin = _seed(engine, rows)
    data = _csv(rows)
    with Session(engine) as db:
        started = time.perf_counter()
        preview = contact_import.upload(db, actor=admin, data=data, file_name="bench.csv")
        contact_import.start(db, actor=admin, import_id=preview.view.import_id)
        read = time.perf_counter() - started
        assert contact_import.claim(db) == preview.view.import_id
        while contact_import.run_batch(db, import_id=preview.view.import_id):
            pass
        total = time.perf_counter() - started
        done = contact_import.import_status(db, actor=admin, import_id=preview.view.import_id)
    floor = _floor(engine, data, acc.id)
    print(f"{label:<11} {rows} rows: {total:.2f} s end to end (upload and read {read:.2f} s), "
          f"created {done.created} updated {done.updated} rejected {done.rejected}; floor {floor:.2f} s")  # fmt: skip
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    on_both_databases(run, "kiko_bench_import", args.rows)


if __name__ == "__main__":
    main()
