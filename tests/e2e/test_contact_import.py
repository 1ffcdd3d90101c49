"""The contact import as an administrator uses it: a German Excel export (semicolons, cp1252,
"E-Mail", "Telefon", "Firma") is picked, previewed with its mapping, one column sent to a custom
attribute, dry-run, imported with the bar moving to the end, and its rejected rows downloaded."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from kiko_livechat.db import make_engine
from kiko_livechat.models import Contact
from tests.e2e.helpers import PHONE, fits_the_screen, login

pytestmark = pytest.mark.e2e

GERMAN = (
    "Kundennummer;Vorname;Nachname;E-Mail;Telefon;Firma;Ort;Lieblingsfarbe\r\n"
    "00777;Jürgen;Größe;juergen.groesse@beispiel.de;0171 1234567;Bäckerei Größe;Köln;Blau\r\n"
    "00778;Grete;Weiß;grete.weiss@beispiel.de;;Straßenbau GmbH;Düsseldorf;Grün\r\n"
    "00779;Kaputt;Adresse;keine-mail;0171 7654321;;;Rot\r\n"
).encode("cp1252")


def _admin(live_app) -> dict:
    return next(p for p in live_app["demo"]["logins"] if p["role"] == "administrator")


def test_an_administrator_imports_a_german_excel_export(live_app, page, tmp_path):
    base, admin = live_app["base"], _admin(live_app)
    file = tmp_path / "kunden-export.csv"
    file.write_bytes(GERMAN)
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/contacts")
    page.locator("#open-import").click()
    page.wait_for_url(re.compile(r"/app/contacts/import/?$"))
    with page.expect_file_chooser() as chooser:
        page.locator("#import-drop").click()
    chooser.value.set_files(str(file))
    page.wait_for_url(re.compile(r"/app/contacts/imports/\d+"))
    preview = page.locator("#import-preview")
    expect(preview).to_contain_text("Jürgen")
    expect(preview).to_contain_text("Bäckerei Größe")
    mappings = page.locator("select.import-mapping")
    expect(mappings).to_have_count(8)
    assert mappings.nth(3).input_value() == "email" and mappings.nth(5).input_value() == "company"
    expect(mappings.nth(7).locator("option[value='custom:lieblingsfarbe']")).to_have_text(
        "Eigenes Attribut „lieblingsfarbe“"
    )
    mappings.nth(7).select_option("custom:lieblingsfarbe")
    page.locator("#dry-run").click()
    result = page.locator("#dry-run-result")
    expect(result).to_contain_text("Neu")
    expect(result).to_contain_text("2")
    expect(page.get_by_text("Zeile 4")).to_be_visible()
    page.screenshot(path=str(tmp_path / "mapping.png"))
    page.locator("#run-import").click()
    expect(page.locator("#import-status")).to_have_text("Fertig", timeout=30000)
    expect(page.locator("#import-rows")).to_contain_text("3 / 3")
    with page.expect_download() as download:
        page.locator("#download-rejected").click()
    rejected = Path(download.value.path()).read_bytes().decode("utf-8-sig")
    assert "Kaputt" in rejected and "E-Mail" in rejected.splitlines()[1]
    engine = make_engine(live_app["db_url"])
    try:
        with Session(engine) as db:
            juergen = db.exec(select(Contact).where(Contact.identifier == "00777")).one()
    finally:
        engine.dispose()
    assert (juergen.name, juergen.phone_number) == ("Jürgen Größe", "+491711234567")
    assert juergen.custom_attributes == {"lieblingsfarbe": "Blau"}
    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#import-status")).to_have_text("Fertig")
    assert fits_the_screen(page)
