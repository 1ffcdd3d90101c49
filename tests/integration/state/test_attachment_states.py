"""Files in the composers: the ids the page's script puts in the form travel with the message,
and both sides get rows of plain strings to show them (the visitor's with signed links)."""

from sqlmodel import Session, func, select

from kiko_livechat.models import Message, Role
from kiko_livechat.services import attachments, visitor_chat
from kiko_livechat.state.attachments import sent_ids, size_text
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.widget import WidgetState
from tests import factories, sample_files
from tests.integration.state.states import state_for


def _upload(db, uploader, data: bytes, name: str) -> int:
    upload = attachments.Upload(uploader, name)
    upload.write(data)
    return attachments.stage(db, uploader, upload.finish()).attachment_id


def _desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        agent = factories.user(db, acc.id, role=Role.AGENT)
        inbox = factories.inbox(db, acc.id, agent_ids=(agent.id,))
        login = factories.login(db, agent)
        visitor = factories.visitor_token()
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=visitor, content="Hallo"
        )
        number = db.get(Message, sent.message.message_id).conversation_id
    page = state_for(ConversationState, login.token)
    page.number, page.conversation_ref = "1", sent.conversation_id
    page._use_locale("de")
    widget = state_for(WidgetState, "")
    widget.visitor_token, widget._inbox_token, widget.conversation_ref = visitor, inbox.public_token, number
    widget._use_locale("de")
    return login, inbox, visitor, sent, page, widget


def _messages(app_db) -> int:
    with Session(app_db) as db:
        return db.exec(select(func.count()).select_from(Message)).one()


def test_the_ids_of_the_form_are_read_safely():
    assert sent_ids({}) == [] and sent_ids({"attachments": ""}) == []
    assert sent_ids({"attachments": "3,4, 5"}) == [3, 4, 5]
    # Anything else goes on as it is: the service refuses it.
    assert sent_ids({"attachments": "3,x"}) == [3, "x"]
    assert sent_ids({"attachments": "1" * 30}) == ["1" * 30]
    assert sent_ids({"attachments": "٣"}) == ["٣"]  # a digit, but not an ASCII one


def test_sizes_read_the_way_people_of_the_language_write_them():
    assert size_text(512, "de") == "512 Bytes"
    assert size_text(2048, "en") == "2 KB"
    assert size_text(int(1.5 * 2**20), "de") == "1,5 MB"


async def test_the_agent_sends_files_without_text_and_sees_them(app_db):
    login, inbox, visitor, sent, page, widget = _desk(app_db)
    with Session(app_db, expire_on_commit=False) as db:
        uploader = attachments.agent_uploader(db, actor=login.actor, display_id=1)
        photo = _upload(db, uploader, sample_files.jpeg(), "Schaden.jpg")
        manual = _upload(db, uploader, sample_files.PDF, "Anleitung.pdf")
    await page.send({"content": "", "attachments": f"{photo},{manual}"})
    assert page.errors == {} and page.sent_count == 1
    last = page.messages[-1]
    assert last["text"] == ""
    image, pdf = last["files"]
    assert (image["kind"], image["name"], image["url"], image["thumb"]) == (
        "image", "Schaden.jpg", f"/files/{photo}/Schaden.jpg", f"/files/{photo}/thumb",
    )  # fmt: skip
    assert (image["w"], image["h"]) == ("240", "180")  # 800 x 600, shown in 240 x 240
    assert (pdf["kind"], pdf["ext"], pdf["url"], pdf["thumb"]) == ("file", "PDF", f"/files/{manual}/Anleitung.pdf", "")
    assert pdf["size"].endswith("Bytes")
    # The visitor's page shows them with signed links (it has no login cookie).
    widget._catch_up()
    files = widget.messages[-1]["files"]
    assert [f["name"] for f in files] == ["Schaden.jpg", "Anleitung.pdf"]
    assert all("signature=" in f["url"] and "expires=" in f["url"] for f in files)
    assert "signature=" in files[0]["thumb"] and files[1]["thumb"] == ""


async def test_a_private_note_carries_files_too(app_db):
    login, inbox, visitor, sent, page, widget = _desk(app_db)
    with Session(app_db, expire_on_commit=False) as db:
        uploader = attachments.agent_uploader(db, actor=login.actor, display_id=1)
        pdf = _upload(db, uploader, sample_files.PDF, "intern.pdf")
    await page.toggle_note()
    await page.send({"content": "nur für uns", "attachments": str(pdf)})
    assert page.messages[-1]["private"] == "yes" and page.messages[-1]["files"][0]["name"] == "intern.pdf"
    widget._catch_up()
    assert all(not m["files"] for m in widget.messages)


async def test_bad_ids_send_nothing_and_say_why(app_db):
    login, inbox, visitor, sent, page, widget = _desk(app_db)
    before = _messages(app_db)
    await page.send({"content": "mit Datei", "attachments": "1,abc"})
    assert page.errors == {
        "attachments": "Eine Datei dieser Nachricht ist nicht mehr da. Bitte hängen Sie sie erneut an."
    }
    assert page.sent_count == 0 and _messages(app_db) == before
    # Someone else's upload is refused the same way.
    with Session(app_db, expire_on_commit=False) as db:
        other = _upload(db, attachments.visitor_uploader(db, public_token=inbox.public_token, visitor_token=visitor),
                        sample_files.PDF, "x.pdf")  # fmt: skip
    await page.send({"content": "", "attachments": str(other)})
    assert "attachments" in page.errors and _messages(app_db) == before


def test_the_visitor_sends_a_photo_and_the_agent_sees_it(app_db):
    login, inbox, visitor, sent, page, widget = _desk(app_db)
    with Session(app_db, expire_on_commit=False) as db:
        photo = _upload(
            db, attachments.visitor_uploader(db, public_token=inbox.public_token, visitor_token=visitor),
            sample_files.png(), "Foto.png",
        )  # fmt: skip
    widget.send({"content": "", "attachments": str(photo)})
    assert widget.errors == {} and widget.sent_count == 1
    mine = widget.messages[-1]
    assert mine["mine"] and mine["content"] == "" and mine["files"][0]["kind"] == "image"
    assert "signature=" in mine["files"][0]["url"]
    page._catch_up()
    assert page.messages[-1]["files"][0]["url"] == f"/files/{photo}/Foto.png"
    # Too many for one message: refused, nothing sent.
    before = _messages(app_db)
    widget.send({"content": "x", "attachments": ",".join(str(photo + i) for i in range(11))})
    assert widget.errors == {"attachments": "Höchstens 10 Dateien pro Nachricht."}
    assert widget.sent_count == 1 and _messages(app_db) == before
