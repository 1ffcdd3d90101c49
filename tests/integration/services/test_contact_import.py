"""Contact imports: read, mapped, dry-run, then imported in batches that resume after a crash;
matched in Chatwoot's order, never emptying a value, the same file twice creating nothing."""

import io
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import select

from kiko_livechat.models import Contact, ContactImport, ImportStatus, Role
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import contact_import
from kiko_livechat.services.errors import NotFound, PermissionDenied, ValidationFailed
from kiko_livechat.services.storage import get_storage
from tests import factories

CHATWOOT_SAMPLE = Path(__file__).parents[3].parent / "shared" / "fixtures" / "chatwoot-import-contacts-sample.csv"
GERMAN = (
    "Kundennummer;Vorname;Nachname;E-Mail;Telefon;Firma;Ort;Notiz\r\n"
    "00123;Jürgen;Müller;JUERGEN@beispiel.de;0171 1234567;Bäckerei Müller;Köln;=HYPERLINK(1)\r\n"
    "00124;Grete;Weiß;grete@beispiel.de;;Straßenbau GmbH;Düsseldorf;\r\n"
    "00125;Kaputt;Adresse;keine-mail;0171 7654321;;;\r\n"
).encode("cp1252")


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    agent = factories.actor(db, acc.id)
    return acc, admin, agent


def _run_all(db, import_id: int) -> ContactImport:
    assert contact_import.claim(db) == import_id
    while contact_import.run_batch(db, import_id=import_id):
        pass
    db.expire_all()
    return db.get(ContactImport, import_id)


def _import(db, admin, data: bytes, name="kontakte.csv", mapping=None) -> ContactImport:
    preview = contact_import.upload(db, actor=admin, data=data, file_name=name)
    if mapping is not None:
        contact_import.set_mapping(db, actor=admin, import_id=preview.view.import_id, mapping=mapping)
    contact_import.start(db, actor=admin, import_id=preview.view.import_id)
    return _run_all(db, preview.view.import_id)


def _contacts(db, account_id) -> dict[str, Contact]:
    rows = db.exec(select(Contact).where(Contact.account_id == account_id)).all()
    return {c.identifier or c.email or c.name: c for c in rows}


def test_chatwoots_sample_file_imports_with_its_columns_understood(db, desk):
    acc, admin, agent = desk
    done = _import(db, admin, CHATWOOT_SAMPLE.read_bytes(), "import-contacts-sample.csv")
    assert done.status == ImportStatus.COMPLETED and done.processed_rows == done.total_rows
    frame = pd.read_csv(CHATWOOT_SAMPLE, dtype=str, keep_default_na=False)
    clarice = _contacts(db, acc.id)[frame.loc[0, "identifier"]]
    assert (clarice.name, clarice.email) == ("Clarice Uzzell", "cuzzell0@mozilla.org")
    assert clarice.phone_number == "+498963648018"
    assert done.created_count + done.rejected_count + done.unchanged_count == done.total_rows


def test_a_german_excel_export_with_its_phones_companies_and_a_rejected_row(db, desk):
    acc, admin, agent = desk
    preview = contact_import.upload(db, actor=admin, data=GERMAN, file_name="export.csv")
    assert preview.view.columns[:4] == ("Kundennummer", "Vorname", "Nachname", "E-Mail")
    assert preview.view.mapping[:6] == ("identifier", "name", "name", "email", "phone_number", "company")
    assert preview.rows[0][0] == "00123" and preview.rows[0][1] == "Jürgen"
    mapping = [*preview.view.mapping[:7], "custom:notiz"]
    contact_import.set_mapping(db, actor=admin, import_id=preview.view.import_id, mapping=mapping)
    dry = contact_import.dry_run(db, actor=admin, import_id=preview.view.import_id)
    assert (dry.created, dry.updated, dry.unchanged, dry.rejected) == (2, 0, 0, 1)
    assert dry.first_rejected[0].line == 4 and dry.first_rejected[0].reason == "contacts.import.reject.email"
    contact_import.start(db, actor=admin, import_id=preview.view.import_id)
    done = _run_all(db, preview.view.import_id)
    assert (done.created_count, done.rejected_count) == (2, 1)
    juergen = _contacts(db, acc.id)["00123"]
    assert (juergen.name, juergen.email) == ("Jürgen Müller", "juergen@beispiel.de")
    assert juergen.phone_number == "+491711234567"
    assert juergen.additional_attributes == {"company_name": "Bäckerei Müller", "city": "Köln"}
    assert juergen.custom_attributes == {"notiz": "=HYPERLINK(1)"}
    # The rejected rows, with the reason in the account's language.
    name, rejected = contact_import.rejected_file(db, actor=admin, import_id=done.id)
    with rejected:
        frame = pd.read_csv(io.BytesIO(rejected.read()), sep=";", dtype=str, encoding="utf-8-sig")
    assert name == "export-rejected.csv" and list(frame["Kundennummer"]) == ["00125"]
    assert "E-Mail" in frame.iloc[0, -1]


def test_matches_are_updated_never_emptied_and_the_same_file_twice_changes_nothing(db, desk):
    acc, admin, agent = desk
    db.add(Contact(account_id=acc.id, name="Grete Alt", email="Grete@Beispiel.de", phone_number="+4930123456"))
    db.commit()
    first = _import(db, admin, GERMAN)
    assert (first.created_count, first.updated_count) == (1, 1)
    grete = _contacts(db, acc.id)["00124"]
    # Matched by e-mail (case aside); her phone was empty in the file and stays.
    assert (grete.name, grete.phone_number, grete.email) == ("Grete Weiß", "+4930123456", "Grete@Beispiel.de")
    again = _import(db, admin, GERMAN)
    assert (again.created_count, again.updated_count, again.unchanged_count) == (0, 0, 2)
    assert len(_contacts(db, acc.id)) == 2


def test_rows_of_the_file_that_match_each_other_become_one_contact(db, desk):
    acc, admin, agent = desk
    rows = "email,name,phone_number\n" + "dora@beispiel.de,Dora,\n" * 3000 + "DORA@beispiel.de,,+49 30 1111111\n"
    done = _import(db, admin, rows.encode())
    assert done.created_count == 1 and done.rejected_count == 0
    (dora,) = db.exec(select(Contact).where(Contact.account_id == acc.id)).all()
    assert (dora.email, dora.phone_number) == ("dora@beispiel.de", "+49301111111")


def test_a_row_naming_two_different_contacts_is_rejected(db, desk):
    acc, admin, agent = desk
    db.add(Contact(account_id=acc.id, name="A", email="a@beispiel.de"))
    db.add(Contact(account_id=acc.id, name="B", phone_number="+4930222222"))
    db.commit()
    done = _import(db, admin, b"email,phone_number\na@beispiel.de,+4930222222\n")
    assert (done.rejected_count, done.updated_count, done.created_count) == (1, 0, 0)


def test_a_crashed_worker_leaves_whole_batches_and_another_resumes(db, desk, monkeypatch):
    acc, admin, agent = desk
    monkeypatch.setattr(contact_import, "BATCH", 2)
    rows = "identifier,name\n" + "".join(f"k{i},Kunde {i}\n" for i in range(7))
    preview = contact_import.upload(db, actor=admin, data=rows.encode(), file_name="k.csv")
    import_id = preview.view.import_id
    contact_import.start(db, actor=admin, import_id=import_id)
    assert contact_import.claim(db) == import_id
    assert contact_import.run_batch(db, import_id=import_id)  # 2 rows, then the worker dies
    assert contact_import.claim(db) is None  # its lease still holds
    later = utcnow() + timedelta(seconds=contact_import.LEASE_SECONDS + 1)
    assert contact_import.claim(db, now=later) == import_id
    while contact_import.run_batch(db, import_id=import_id, now=later):
        pass
    db.expire_all()
    done = db.get(ContactImport, import_id)
    assert (done.status, done.processed_rows, done.created_count) == (ImportStatus.COMPLETED, 7, 7)
    assert len(_contacts(db, acc.id)) == 7


def test_mapping_and_permissions(db, desk):
    acc, admin, agent = desk
    with pytest.raises(PermissionDenied):
        contact_import.upload(db, actor=agent, data=GERMAN, file_name="x.csv")
    preview = contact_import.upload(db, actor=admin, data=GERMAN, file_name="x.csv")
    import_id = preview.view.import_id
    for bad, code in (
        ([None] * 8, "contacts.import.error.no_identity"),
        (["email", "email", *[None] * 6], "contacts.import.error.mapped_twice"),
        (["email"], "contacts.import.error.mapping"),
        (["custom:a b", "email", *[None] * 6], "contacts.import.error.mapping"),
        (["password", *[None] * 7], "contacts.import.error.mapping"),
    ):
        with pytest.raises(ValidationFailed) as refused:
            contact_import.set_mapping(db, actor=admin, import_id=import_id, mapping=bad)
        assert refused.value.code == code
    stranger = factories.actor(db, factories.active_account(db).id, role=Role.ADMINISTRATOR)
    for reach in (contact_import.get_import, contact_import.import_status, contact_import.dry_run,
                  contact_import.start, contact_import.rejected_file):  # fmt: skip
        with pytest.raises(NotFound):
            reach(db, actor=stranger, import_id=import_id)
    with pytest.raises(NotFound):
        contact_import.set_mapping(db, actor=stranger, import_id=import_id, mapping=["email", *[None] * 7])


@pytest.mark.parametrize(
    "data,code",
    [
        (b"", "contacts.import.error.empty"),
        (b"email,name\r\n", "contacts.import.error.header_only"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "contacts.import.error.not_csv"),
    ],
)
def test_files_that_are_no_contacts_are_refused_and_nothing_is_kept(db, desk, data, code):
    acc, admin, agent = desk
    before = set(get_storage().keys_older_than(-60))
    with pytest.raises(ValidationFailed) as refused:
        contact_import.upload(db, actor=admin, data=data, file_name="x.csv")
    assert refused.value.code == code
    assert set(get_storage().keys_older_than(-60)) == before
    assert db.exec(select(ContactImport)).all() == []
