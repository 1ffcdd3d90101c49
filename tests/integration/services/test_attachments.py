"""Attachments: streamed uploads checked by content and size, staged until a message takes them,
served only to who may see them (or a signed, expiring link), swept when nothing refers to them."""

import json
import time
from datetime import timedelta

import pytest
from sqlmodel import select

from kiko_livechat.models import Attachment, Contact, Conversation, Role, WebhookDelivery
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import (
    api_access,
    api_chat,
    attachments,
    contacts,
    conversations,
    inboxes,
    visitor_chat,
)
from kiko_livechat.services.attachment_links import THUMB, signature, signed_path, signing_secret
from kiko_livechat.services.errors import NotFound, ValidationFailed
from kiko_livechat.services.storage import get_storage
from tests import factories, sample_files


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    shop = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=shop.public_token, visitor_token=visitor, content="Hallo")
    conv = db.get(Conversation, sent.conversation_id)
    return acc, admin, ben, shop, visitor, conv


def _stored_keys() -> set[str]:
    return set(get_storage().keys_older_than(-60))


def _upload(db, uploader, data: bytes, name: str, chunk: int = 7000) -> attachments.AttachmentView:
    upload = attachments.Upload(uploader, name)
    for at in range(0, len(data), chunk):
        upload.write(data[at : at + chunk])
    return attachments.stage(db, uploader, upload.finish())


def test_an_agents_file_travels_with_the_reply_and_is_served_to_who_may_see_it(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    photo = _upload(db, uploader, sample_files.jpeg(), "Foto vom Schaden.jpg")
    manual = _upload(db, uploader, sample_files.PDF, "../../Anleitung.pdf")
    assert (photo.file_type, photo.content_type, photo.has_thumb, photo.width) == ("image", "image/jpeg", True, 800)
    assert (manual.file_type, manual.file_name, manual.inline) == ("file", "Anleitung.pdf", False)
    sent = conversations.send_reply(
        db, actor=ben, conversation_id=conv.id, content="", attachments=[photo.attachment_id, manual.attachment_id]
    )
    assert sent.content == "" and [a.file_name for a in sent.attachments] == ["Foto vom Schaden.jpg", "Anleitung.pdf"]
    # The list shows a message of files only as such, not as an empty line.
    assert conversations.list_row(db, actor=ben, conversation_id=conv.id).preview.has_files
    (seen,) = [
        m for m in conversations.conversation_messages(db, actor=admin, conversation_id=conv.id) if m.attachments
    ]
    assert [a.attachment_id for a in seen.attachments] == [photo.attachment_id, manual.attachment_id]
    served = attachments.file_for_agent(db, actor=admin, attachment_id=manual.attachment_id)
    with get_storage().open(served.storage_key) as f:
        assert f.read() == sample_files.PDF
    thumb = attachments.file_for_agent(db, actor=ben, attachment_id=photo.attachment_id, variant=THUMB)
    assert thumb.content_type == "image/jpeg" and thumb.inline
    # Another account's administrator, and an agent who does not work the inbox: nothing.
    stranger = factories.actor(db, factories.active_account(db).id, role=Role.ADMINISTRATOR)
    outsider = factories.actor(db, acc.id)
    for who in (stranger, outsider):
        with pytest.raises(NotFound):
            attachments.file_for_agent(db, actor=who, attachment_id=manual.attachment_id)


def test_the_visitor_sends_a_photo_and_sees_the_agents_file(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.visitor_uploader(db, public_token=shop.public_token, visitor_token=visitor)
    photo = _upload(db, uploader, sample_files.png(), "IMG_0001.png")
    sent = visitor_chat.send_visitor_message(
        db, public_token=shop.public_token, visitor_token=visitor, content="  ", attachments=[photo.attachment_id]
    )
    assert sent.conversation_id == conv.id and [a.file_type for a in sent.message.attachments] == ["image"]
    # Nobody else may send the visitor's staged file, and a sent one is not staged any more.
    other = _upload(db, uploader, sample_files.png(), "zwei.png")
    with pytest.raises(ValidationFailed) as refused:
        conversations.send_reply(db, actor=ben, conversation_id=conv.id, content="x", attachments=[other.attachment_id])
    assert refused.value.code == "attachments.error.unknown"
    with pytest.raises(ValidationFailed):
        visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=visitor, content="x", attachments=[photo.attachment_id]
        )


@pytest.mark.parametrize(
    "data,name,code",
    [
        (b"", "leer.png", "attachments.error.empty"),
        (sample_files.ELF, "urlaub.png", "attachments.error.type"),
        (sample_files.SVG_WITH_SCRIPT, "logo.svg", "attachments.error.type"),
        (sample_files.HTML, "seite.html", "attachments.error.type"),
    ],
)
def test_bad_files_are_refused_and_nothing_of_them_stays(db, desk, data, name, code):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    before = _stored_keys()
    with pytest.raises(ValidationFailed) as refused:
        _upload(db, uploader, data, name)
    assert refused.value.code == code
    assert _stored_keys() == before and db.exec(select(Attachment)).all() == []


def test_an_oversized_upload_is_cut_off_while_it_arrives(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    before = _stored_keys()
    upload = attachments.Upload(uploader, "gross.pdf", limit=10_000)
    upload.write(sample_files.PDF)
    with pytest.raises(ValidationFailed) as refused:
        for _ in range(100):
            upload.write(b"x" * 1000)
    assert refused.value.code == "attachments.error.too_large" and upload.size <= 11_000
    assert _stored_keys() == before
    partial = get_storage().root / "partial"
    assert not partial.exists() or list(partial.iterdir()) == []


def test_an_inbox_allows_only_its_kinds_of_files(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    shop.allowed_file_types = ["image"]
    db.add(shop)
    db.commit()
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    assert _upload(db, uploader, sample_files.png(), "a.png").file_type == "image"
    with pytest.raises(ValidationFailed):
        _upload(db, uploader, sample_files.PDF, "a.pdf")


def test_at_most_ten_files_per_message(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    ids = [_upload(db, uploader, sample_files.PDF, f"{i}.pdf").attachment_id for i in range(11)]
    with pytest.raises(ValidationFailed) as refused:
        conversations.send_reply(db, actor=ben, conversation_id=conv.id, content="x", attachments=ids)
    assert refused.value.code == "attachments.error.too_many"
    assert len(conversations.send_reply(db, actor=ben, conversation_id=conv.id, content="", attachments=ids[:10])
               .attachments) == 10  # fmt: skip


def test_signed_links_open_the_file_until_they_expire(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    first = _upload(db, uploader, sample_files.PDF, "a.pdf")
    second = _upload(db, uploader, sample_files.PDF, "b.pdf")
    conversations.send_reply(
        db, actor=ben, conversation_id=conv.id, content="x", attachments=[first.attachment_id, second.attachment_id]
    )
    secret = signing_secret(db, acc.id)
    path = signed_path(secret, first)
    query = dict(part.split("=") for part in path.split("?")[1].split("&"))

    def opened(attachment_id=first.attachment_id, variant="file", **changed):
        params = {**query, **changed}
        return attachments.file_for_link(db, attachment_id=attachment_id, variant=variant, **params)

    assert opened().file_name == "a.pdf"
    for bad in (
        {"attachment_id": second.attachment_id},  # the signature is for the first file only
        {"variant": "thumb"},
        {"signature": "0" * 64},
        {"expires": str(int(query["expires"]) + 600)},
        {"expires": "x"},
    ):
        with pytest.raises(NotFound):
            opened(**bad)
    past = str(int(time.time()) - 1)
    with pytest.raises(NotFound):
        opened(expires=past, signature=signature(secret, first.attachment_id, "file", int(past)))


def test_the_sweep_removes_what_nothing_refers_to(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    sent = _upload(db, uploader, sample_files.jpeg(), "a.jpg")
    conversations.send_reply(db, actor=ben, conversation_id=conv.id, content="x", attachments=[sent.attachment_id])
    left = _upload(db, uploader, sample_files.PDF, "liegen gelassen.pdf")
    kept = {r.storage_key for r in db.exec(select(Attachment))} | {
        r.thumb_key for r in db.exec(select(Attachment)) if r.thumb_key
    }
    assert len(kept) == 3 and kept <= _stored_keys()
    attachments.sweep(db, orphan_seconds=-60)
    assert kept <= _stored_keys()  # sent, and staged within the hour: both stay
    left_key = db.get(Attachment, left.attachment_id).storage_key
    attachments.sweep(db, now=utcnow() + timedelta(hours=2), orphan_seconds=-60)
    db.expire_all()
    assert db.get(Attachment, left.attachment_id) is None
    assert _stored_keys() & kept == kept - {left_key}
    # The conversation goes: its files go with the next sweep, no orphan stays.
    db.delete(db.get(Conversation, conv.id))
    db.commit()
    attachments.sweep(db, orphan_seconds=-60)
    assert not kept & _stored_keys()


def test_the_bot_hears_an_agents_file_with_a_signed_link(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    created = inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url="https://bot.example/hook")
    bot = api_access.resolve_api_token(db, token=created.api_token)
    contacts.create_contact(db, actor=bot, name="Ida", inbox_id=created.inbox.inbox_id, source_id="tg-7")
    talk = api_chat.create_conversation(db, actor=bot, inbox_id=created.inbox.inbox_id, source_id="tg-7")
    conversations.set_status(db, actor=bot, conversation_id=talk.id, status="open")
    uploader = attachments.agent_uploader(db, actor=admin, display_id=talk.display_id)
    pdf = _upload(db, uploader, sample_files.PDF, "Angebot.pdf")
    conversations.send_reply(db, actor=admin, conversation_id=talk.id, content="Anbei", attachments=[pdf.attachment_id])
    bodies = [json.loads(d.payload) for d in db.exec(select(WebhookDelivery).order_by(WebhookDelivery.id))]
    (told,) = [b for b in bodies if b["event"] == "message_created" and b.get("content") == "Anbei"]
    (file,) = told["attachments"]
    assert file["data_url"].startswith("http") and "signature=" in file["data_url"]
    assert (file["file_type"], file["extension"], file["file_size"]) == ("file", "pdf", len(sample_files.PDF))


def test_an_upload_cut_off_halfway_leaves_nothing(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.agent_uploader(db, actor=ben, display_id=conv.display_id)
    before = _stored_keys()
    upload = attachments.Upload(uploader, "halb.pdf")
    upload.write(sample_files.PDF)
    upload.write(b"x" * 50_000)
    upload.abort()  # what the upload route does when the client goes away
    assert _stored_keys() == before and db.exec(select(Attachment)).all() == []
    partial = get_storage().root / "partial"
    assert not partial.exists() or list(partial.iterdir()) == []


def test_a_deleted_contacts_files_leave_the_storage(db, desk):
    acc, admin, ben, shop, visitor, conv = desk
    uploader = attachments.visitor_uploader(db, public_token=shop.public_token, visitor_token=visitor)
    photo = _upload(db, uploader, sample_files.jpeg(), "ausweis.jpg")
    visitor_chat.send_visitor_message(
        db, public_token=shop.public_token, visitor_token=visitor, content="", attachments=[photo.attachment_id]
    )
    row = db.get(Attachment, photo.attachment_id)
    keys = {row.storage_key, row.thumb_key}
    assert keys <= _stored_keys()
    db.delete(db.get(Contact, conv.contact_id))
    db.commit()
    attachments.sweep(db, orphan_seconds=-60)
    assert not keys & _stored_keys()
