"""Contact imports over HTTP: Chatwoot's POST .../contacts/import for tokens, and the import
page's upload and rejected-rows routes behind the administrator's cookie."""

import io

import pandas as pd
import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Contact, ContactImport, Role, SessionKind
from kiko_livechat.routes import CONTACT_EXPORT, CONTACT_IMPORT_UPLOADS
from kiko_livechat.services import api_access, contact_import
from kiko_livechat.services.session_handover import COOKIE_NAMES
from tests import factories

CSV = "email;name;Telefon\r\nanna@beispiel.de;Anna;030 1234567\r\nkaputt;Bernd;\r\n".encode("cp1252")
ORIGIN = {"origin": "http://testserver"}


@pytest.fixture
def desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin_user = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        admin = factories.login(db, admin_user)
        agent = factories.login(db, factories.user(db, acc.id))
        other = factories.login(db, factories.user(db, factories.active_account(db).id, role=Role.ADMINISTRATOR))
        tokens = {
            "admin": api_access.issue_personal_token(db, actor=admin.actor),
            "agent": api_access.issue_personal_token(db, actor=agent.actor),
        }
    return {"client": TestClient(build_api()), "account": acc.id, "engine": app_db, "tokens": tokens,
            "admin": admin.token, "agent": agent.token, "other": other.token, "admin_actor": admin.actor}  # fmt: skip


def _run_worker(engine) -> None:
    with Session(engine) as db:
        import_id = contact_import.claim(db)
        while import_id and contact_import.run_batch(db, import_id=import_id):
            pass


def test_chatwoots_import_route_queues_the_file_for_the_worker(desk):
    url = f"/api/v1/accounts/{desk['account']}/contacts/import"
    client = desk["client"]
    files = {"import_file": ("kontakte.csv", CSV, "text/csv")}
    refused = client.post(url, files=files, headers={"api_access_token": desk["tokens"]["agent"]})
    assert refused.status_code == 403
    answer = client.post(url, files=files, headers={"api_access_token": desk["tokens"]["admin"]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["status"] == "queued" and answer.json()["total_rows"] == 2
    _run_worker(desk["engine"])
    with Session(desk["engine"]) as db:
        (anna,) = db.exec(select(Contact).where(Contact.account_id == desk["account"])).all()
        assert (anna.email, anna.phone_number) == ("anna@beispiel.de", "+49301234567")
    missing = client.post(url, data={"x": "1"}, files={}, headers={"api_access_token": desk["tokens"]["admin"]})
    assert missing.status_code in (415, 422)


def _as(client, token):
    client.cookies.clear()
    client.cookies.set(COOKIE_NAMES[SessionKind.AGENT], token)
    return client


def test_the_import_pages_upload_and_rejected_rows_routes(desk):
    client = _as(desk["client"], desk["admin"])
    answer = client.post(CONTACT_IMPORT_UPLOADS, content=CSV, headers={**ORIGIN, "x-file-name": "kontakte.csv"})
    assert answer.status_code == 201
    import_id = answer.json()["id"]
    assert answer.json()["url"] == f"/app/contacts/imports/{import_id}"
    assert _as(client, desk["agent"]).post(CONTACT_IMPORT_UPLOADS, content=CSV, headers=ORIGIN).status_code == 403
    assert (
        client.post(CONTACT_IMPORT_UPLOADS, content=CSV, headers={"origin": "https://evil.example"}).status_code == 403
    )
    broken = _as(client, desk["admin"]).post(
        CONTACT_IMPORT_UPLOADS, content=b"\x89PNG\r\n\x1a\n\x00\x00", headers={**ORIGIN, "accept-language": "de"}
    )
    assert broken.status_code == 422 and broken.json()["message"]
    with Session(desk["engine"]) as db:
        assert db.get(ContactImport, import_id).status == "uploaded"
        contact_import.start(db, actor=desk["admin_actor"], import_id=import_id)
    _run_worker(desk["engine"])
    rejected = client.get(f"{CONTACT_IMPORT_UPLOADS}/{import_id}/rejected")
    assert rejected.status_code == 200 and rejected.headers["content-type"].startswith("text/csv")
    assert rejected.content.startswith(b"\xef\xbb\xbf") and "kaputt" in rejected.content.decode("utf-8-sig")
    assert _as(client, desk["other"]).get(f"{CONTACT_IMPORT_UPLOADS}/{import_id}/rejected").status_code == 404


def test_the_export_streams_the_contacts_for_excel_with_the_formula_guard(desk):
    with Session(desk["engine"]) as db:
        db.add(Contact(account_id=desk["account"], name="Jürgen Größe", email="j@beispiel.de",
                       additional_attributes={"company_name": "=HYPERLINK(\"x\")", "city": "Köln"}))  # fmt: skip
        db.add(Contact(account_id=desk["account"], name="Grete", phone_number="+4930123456"))
        db.commit()
    client = _as(desk["client"], desk["admin"])
    answer = client.get(CONTACT_EXPORT)
    assert answer.status_code == 200 and answer.content.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.BytesIO(answer.content), sep=";", dtype=str, encoding="utf-8-sig", keep_default_na=False)
    juergen = frame[frame["name"] == "Jürgen Größe"].iloc[0]
    assert juergen["company_name"] == '\'=HYPERLINK("x")' and juergen["city"] == "Köln"
    assert frame[frame["name"] == "Grete"].iloc[0]["phone_number"] == "'+4930123456"
    only = pd.read_csv(io.BytesIO(client.get(CONTACT_EXPORT, params={"q": "grete"}).content), sep=";",
                       encoding="utf-8-sig")  # fmt: skip
    assert list(only["name"]) == ["Grete"]
    assert _as(client, desk["agent"]).get(CONTACT_EXPORT).status_code == 404
