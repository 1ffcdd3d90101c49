"""Attachments over HTTP: uploads behind the login cookie or the widget's credential, the file
route's access and headers, and Chatwoot's multipart message API for bots."""

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Attachment, Conversation, Role, SessionKind
from kiko_livechat.routes import UPLOADS
from kiko_livechat.services import api_access, api_chat, attachments, contacts, inboxes, visitor_chat
from kiko_livechat.services.session_handover import COOKIE_NAMES
from kiko_livechat.services.storage import get_storage
from tests import factories, sample_files

ORIGIN = {"origin": "http://testserver"}


@pytest.fixture
def desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        ben_user = factories.user(db, acc.id)
        ben = factories.login(db, ben_user)
        shop = factories.inbox(db, acc.id, agent_ids=[ben_user.id])
        visitor = factories.visitor_token()
        sent = visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=visitor, content="Hallo"
        )
        number = db.get(Conversation, sent.conversation_id).display_id
        bot_inbox = inboxes.create_api_inbox(db, actor=admin, name="Bot")
        bot = api_access.resolve_api_token(db, token=bot_inbox.api_token)
        contacts.create_contact(db, actor=bot, name="Ida", inbox_id=bot_inbox.inbox.inbox_id, source_id="tg-1")
        talk = api_chat.create_conversation(db, actor=bot, inbox_id=bot_inbox.inbox.inbox_id, source_id="tg-1")
        outsider = factories.login(db, factories.user(db, factories.active_account(db).id))
    client = TestClient(build_api())
    return {"client": client, "account": acc.id, "ben": ben.token, "number": number, "shop": shop,
            "visitor": visitor, "bot_token": bot_inbox.api_token, "talk": talk.display_id,
            "outsider": outsider.token, "engine": app_db}  # fmt: skip


def _as(client, token):
    client.cookies.clear()
    if token:
        client.cookies.set(COOKIE_NAMES[SessionKind.AGENT], token)
    return client


def _agent_upload(desk, data: bytes, name: str, token=None, **headers):
    client = _as(desk["client"], token or desk["ben"])
    return client.post(
        UPLOADS,
        params={"conversation": str(desk["number"])},
        content=data,
        headers={**ORIGIN, "x-file-name": name, **headers},
    )


def test_an_agent_uploads_and_the_file_route_serves_it_with_safe_headers(desk):
    answer = _agent_upload(desk, sample_files.PDF, "Preisliste%20M%C3%A4rz.pdf")
    assert answer.status_code == 201
    staged = answer.json()
    assert (staged["name"], staged["file_type"], staged["size"]) == (
        "Preisliste März.pdf",
        "file",
        len(sample_files.PDF),
    )
    # Staged: its uploader may look at it; nobody else.
    client = desk["client"]
    path = f"/files/{staged['id']}/x.pdf"
    got = client.get(path)
    assert got.status_code == 200 and got.content == sample_files.PDF
    assert got.headers["content-type"] == "application/octet-stream"
    assert got.headers["content-disposition"].startswith("attachment; filename*=UTF-8''Preisliste%20M%C3%A4rz.pdf")
    assert got.headers["x-content-type-options"] == "nosniff" and "sandbox" in got.headers["content-security-policy"]
    assert _as(client, desk["outsider"]).get(path).status_code == 404
    assert _as(client, None).get(path).status_code == 404
    assert _as(client, desk["ben"]).get("/files/999999/x.pdf").status_code == 404


def test_images_show_inline_with_a_thumbnail_and_ranges_are_answered(desk):
    staged = _agent_upload(desk, sample_files.jpeg(), "foto.jpg").json()
    assert staged["thumb_url"] == f"/files/{staged['id']}/thumb"
    client = desk["client"]
    whole = client.get(f"/files/{staged['id']}/foto.jpg")
    assert whole.headers["content-type"] == "image/jpeg" and whole.headers["content-disposition"].startswith("inline")
    thumb = client.get(staged["thumb_url"])
    assert thumb.status_code == 200 and thumb.headers["content-type"] == "image/jpeg"
    part = client.get(f"/files/{staged['id']}/foto.jpg", headers={"range": "bytes=10-19"})
    assert part.status_code == 206 and part.content == whole.content[10:20]
    assert part.headers["content-range"] == f"bytes 10-19/{len(whole.content)}"
    tail = client.get(f"/files/{staged['id']}/foto.jpg", headers={"range": "bytes=-5"})
    assert tail.content == whole.content[-5:]
    assert client.get(f"/files/{staged['id']}/foto.jpg", headers={"range": "bytes=99999999-"}).status_code == 416


def test_uploads_are_refused_from_other_origins_without_login_and_into_foreign_conversations(desk):
    assert _agent_upload(desk, sample_files.PDF, "a.pdf", origin="https://evil.example").status_code == 403
    assert _agent_upload(desk, sample_files.PDF, "a.pdf", token=desk["outsider"]).status_code == 404
    client = _as(desk["client"], None)
    answer = client.post(UPLOADS, params={"conversation": str(desk["number"])}, content=b"x", headers=ORIGIN)
    assert answer.status_code == 401


def test_too_large_is_refused_declared_or_streamed_with_a_translated_message(desk, monkeypatch):
    monkeypatch.setattr(attachments, "max_bytes", lambda: 1000)
    before = set(get_storage().keys_older_than(-60))
    declared = _agent_upload(desk, b"%PDF-" + b"x" * 5000, "gross.pdf", **{"accept-language": "de"})
    assert declared.status_code == 413 and "zu groß" in declared.json()["message"]

    def chunks():
        yield b"%PDF-1.4\n"
        for _ in range(10):
            yield b"x" * 500

    client = _as(desk["client"], desk["ben"])
    streamed = client.post(
        UPLOADS, params={"conversation": str(desk["number"])}, content=chunks(), headers={**ORIGIN, "x-file-name": "a"}
    )
    assert streamed.status_code == 413 and streamed.json()["error"] == "attachments.error.too_large"
    assert set(get_storage().keys_older_than(-60)) == before


def test_a_disguised_executable_is_refused(desk):
    answer = _agent_upload(desk, sample_files.ELF, "urlaub.png", **{"accept-language": "en"})
    assert (
        answer.status_code == 422
        and answer.json()["message"] == "Files of this kind cannot be sent here: “urlaub.png”."
    )


def test_the_visitor_uploads_with_the_widgets_credential_and_opens_files_by_signed_links(desk):
    client = _as(desk["client"], None)
    path = f"/widget-data/{desk['shop'].public_token}/uploads"
    answer = client.post(
        path,
        content=sample_files.png(),
        headers={**ORIGIN, "x-file-name": "bild.png", "x-kiko-visitor": desk["visitor"]},
    )
    assert answer.status_code == 201 and answer.json()["thumb_url"] == ""
    wrong = client.post(path, content=b"x", headers={**ORIGIN, "x-kiko-visitor": "nope"})
    assert wrong.status_code == 404


def test_a_bot_sends_files_with_chatwoots_multipart_message_and_gets_signed_links(desk):
    client = _as(desk["client"], None)
    url = f"/api/v1/accounts/{desk['account']}/conversations/{desk['talk']}/messages"
    files = [("attachments[]", ("rechnung.pdf", sample_files.PDF, "application/pdf")),
             ("attachments[]", ("foto.png", sample_files.png(), "image/png"))]  # fmt: skip
    answer = client.post(
        url,
        data={"content": "Ihre Unterlagen", "message_type": "outgoing", "private": "false"},
        files=files,
        headers={"api_access_token": desk["bot_token"]},
    )
    assert answer.status_code == 200, answer.text
    message = answer.json()
    assert message["content"] == "Ihre Unterlagen"
    pdf, png = message["attachments"]
    assert (pdf["file_type"], pdf["extension"], pdf["file_size"]) == ("file", "pdf", len(sample_files.PDF))
    assert (png["file_type"], png["width"], png["height"], png["message_id"]) == ("image", 64, 48, message["id"])
    assert png["thumb_url"] and pdf["thumb_url"] == ""
    # The links work without any login, and only as signed.
    link = pdf["data_url"].split("://", 1)[1].split("/", 1)[1]
    opened = client.get("/" + link)
    assert opened.status_code == 200 and opened.content == sample_files.PDF
    assert client.get("/" + link.replace("signature=", "signature=0")).status_code == 404
    # The list of messages carries them too.
    listed = client.get(url, headers={"api_access_token": desk["bot_token"]}).json()["payload"]
    assert [len(m.get("attachments", [])) for m in listed if m["id"] == message["id"]] == [2]


def test_an_eleventh_file_refuses_the_message_and_keeps_none_of_its_files(desk):
    client = _as(desk["client"], None)
    url = f"/api/v1/accounts/{desk['account']}/conversations/{desk['talk']}/messages"
    files = [("attachments[]", (f"{i}.pdf", sample_files.PDF, "application/pdf")) for i in range(11)]
    answer = client.post(url, data={"content": "x"}, files=files, headers={"api_access_token": desk["bot_token"]})
    assert answer.status_code == 422 and answer.json()["error"] == "attachments.error.too_many"
    with Session(desk["engine"]) as db:
        assert db.exec(select(Attachment)).all() == []
