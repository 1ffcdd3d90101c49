"""The visitor's page links its files with signed, expiring links: one secret read per account,
and each link opens exactly its file (or thumbnail) and nothing else."""

import time
from urllib.parse import parse_qs, urlsplit

from sqlmodel import Session

from kiko_livechat.services import attachments, conversations, visitor_chat
from kiko_livechat.services.attachment_links import FILE, THUMB, WIDGET_LINK_SECONDS, widget_links
from tests import factories, sample_files
from tests.statements import counted


def _upload(db, uploader, data: bytes, name: str) -> int:
    upload = attachments.Upload(uploader, name)
    upload.write(data)
    return attachments.stage(db, uploader, upload.finish()).attachment_id


def _opened(db, link: str, variant: str) -> attachments.ServedFile:
    parts = urlsplit(link)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    attachment_id = int(parts.path.split("/")[2])
    return attachments.file_for_link(
        db, attachment_id=attachment_id, variant=variant, expires=query["expires"], signature=query["signature"]
    )


def test_widget_links_open_their_files_for_a_day(engine):
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        agent = factories.login(db, factories.user(db, acc.id)).actor
        inbox = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Hallo"
        )
        uploader = attachments.agent_uploader(db, actor=agent, display_id=1)
        photo = _upload(db, uploader, sample_files.jpeg(), "Foto.jpg")
        manual = _upload(db, uploader, sample_files.PDF, "Anleitung.pdf")
        reply = conversations.send_reply(
            db, actor=agent, conversation_id=sent.conversation_id, content="", attachments=[photo, manual]
        )
    with Session(engine) as db, counted(engine) as statements:
        links = widget_links(db, list(reply.attachments))
    assert len(statements) == 1  # the account's secret, once for both files
    assert set(links) == {photo, manual} and links[manual][1] == ""
    with Session(engine) as db:
        assert _opened(db, links[photo][0], FILE).content_type == "image/jpeg"
        assert _opened(db, links[photo][1], THUMB).content_type == "image/jpeg"
        assert _opened(db, links[manual][0], FILE).file_name == "Anleitung.pdf"
    expires = int(parse_qs(urlsplit(links[manual][0]).query)["expires"][0])
    assert expires >= time.time() + WIDGET_LINK_SECONDS - 5
    with Session(engine) as db:
        assert widget_links(db, []) == {}
