"""Alert e-mails through a real SMTP server (aiosmtpd): content and language, the digest,
retry after the server was down, no duplicate."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from kiko_livechat.models import AlertEmail, Contact, Conversation, Role, User
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import (
    alert_mail,
    api_access,
    api_chat,
    contacts,
    conversations,
    inboxes,
    unanswered,
    visitor_chat,
)
from kiko_livechat.settings import get_settings
from tests import factories
from tests.mail_server import send_round


@pytest.fixture
def desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db, locale="de")
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        ben_user = factories.user(db, acc.id, email="ben@example.org")
        ben_user.locale = "en"
        db.add(ben_user)
        db.commit()
        ben = factories.login(db, ben_user).actor
        created = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[ben.user_id])
        bot = api_access.resolve_api_token(db, token=created.api_token)
        contacts.create_contact(db, actor=bot, name="Erika Muster", inbox_id=created.inbox.inbox_id, source_id="s")
        conv = api_chat.create_conversation(
            db, actor=bot, inbox_id=created.inbox.inbox_id, source_id="s", status="pending"
        )
    return app_db, admin, ben, bot, conv


def test_an_assignment_mails_the_agent_in_his_language_with_a_link(smtp, desk):
    mailbox, _ = smtp
    engine, admin, ben, bot, conv = desk
    with Session(engine) as db:
        api_chat.create_message(db, actor=bot, display_id=conv.display_id, content="Wo ist mein Paket?",
                                message_type="incoming")  # fmt: skip
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id)
    send_round()
    (mail,) = mailbox.messages
    assert mail["To"] == "ben@example.org"
    assert mail["Subject"] == f"Assigned to you: #{conv.display_id} with Erika Muster"
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Wo ist mein Paket?" in text and f"https://chat.example.net/app/conversations/{conv.display_id}" in html


def test_quick_messages_become_one_email_and_a_retry_sends_it_once(smtp, desk):
    mailbox, controller = smtp
    engine, admin, ben, bot, conv = desk
    with Session(engine) as db:
        user = db.get(User, ben.user_id)
        user.locale = None  # the account's German
        db.add(user)
        db.commit()
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id)
    send_round()
    mailbox.messages.clear()
    with Session(engine) as db:
        for text in ("Hallo?", "Ist da jemand?", "Bitte schnell!"):
            api_chat.create_message(db, actor=bot, display_id=conv.display_id, content=text, message_type="incoming")
        (row,) = db.exec(select(AlertEmail).where(AlertEmail.kind == "message")).all()
        assert row.events == 3
    send_round()
    assert mailbox.messages == []  # still inside the digest window
    controller.stop()  # the mail server is down when the window ends
    later = utcnow() + timedelta(seconds=get_settings().alert_digest_seconds + 1)
    send_round(later)
    with Session(engine) as db:
        failed_once = db.get(AlertEmail, row.id)
        assert (failed_once.status, failed_once.attempts) == ("pending", 1) and failed_once.last_error
    controller.start()
    send_round(later + timedelta(minutes=5))
    send_round(later + timedelta(hours=1))
    (mail,) = mailbox.messages
    assert mail["Subject"] == f"Neue Nachricht von Erika Muster (#{conv.display_id})"
    assert "3 neue Nachrichten" in mail.get_body(("plain",)).get_content()
    assert "Bitte schnell!" in mail.get_body(("plain",)).get_content()


def test_without_smtp_nothing_is_queued(desk):
    engine, admin, ben, bot, conv = desk
    with Session(engine) as db:
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id)
        assert db.exec(select(AlertEmail)).all() == []
    assert alert_mail.email_enabled() is False


def test_nobody_answered_the_visitor_left_an_address_and_gets_the_transcript(smtp, app_db):
    mailbox, _ = smtp
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db, locale="de")
        agent_user = factories.user(db, acc.id, email="agent@example.org")
        agent = factories.login(db, agent_user).actor
        inbox = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
        visitor, start = factories.visitor_token(), utcnow()
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=visitor, content="Is anyone there?", now=start
        )
    send_round()
    (handoff,) = mailbox.messages
    assert handoff["Subject"].startswith("Neue Unterhaltung #1")
    mailbox.messages.clear()
    with Session(app_db) as db:
        assert unanswered.remind_overdue(db, now=start + timedelta(minutes=3)) == 1
        visitor_chat.leave_email(
            db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id,
            email="visitor@example.com", locale="en",
        )  # fmt: skip
    send_round()
    (reminder,) = mailbox.messages
    assert reminder["To"] == "agent@example.org" and reminder["Subject"].startswith("Niemand hat #1 beantwortet")
    mailbox.messages.clear()
    with Session(app_db) as db:
        conversations.send_reply(db, actor=agent, conversation_id=sent.conversation_id, content="Sorry, here now!")
        conversations.send_reply(db, actor=agent, conversation_id=sent.conversation_id, content="intern", private=True)
        conversations.send_reply(db, actor=agent, conversation_id=sent.conversation_id, content="Your parcel left.")
        (queued,) = db.exec(select(AlertEmail).where(AlertEmail.kind == "transcript")).all()
        assert queued.user_id is None
    send_round()
    assert mailbox.messages == []  # the digest window: the answer may come in a few messages
    send_round(utcnow() + timedelta(seconds=get_settings().alert_digest_seconds + 1))
    (transcript,) = mailbox.messages
    assert transcript["To"] == "visitor@example.com"
    assert transcript["Subject"] == f"Your conversation with {acc.name}"
    text = transcript.get_body(("plain",)).get_content()
    assert "You (" in text and "Is anyone there?" in text and "Sorry, here now!" in text and "Your parcel left." in text
    assert "intern" not in text and "intern" not in transcript.get_body(("html",)).get_content()
    with Session(app_db) as db:  # later answers do not send it again
        conversations.send_reply(db, actor=agent, conversation_id=sent.conversation_id, content="Anything else?")
        assert len(db.exec(select(AlertEmail).where(AlertEmail.kind == "transcript")).all()) == 1


def test_messages_read_during_the_digest_window_send_no_email(smtp, desk):
    """The agent had the conversation on screen (or read it): the digest has nothing to tell."""
    mailbox, _ = smtp
    engine, admin, ben, bot, conv = desk
    with Session(engine) as db:
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id)
    send_round()
    mailbox.messages.clear()
    with Session(engine) as db:
        api_chat.create_message(db, actor=bot, display_id=conv.display_id, content="Hallo?", message_type="incoming")
        conversations.mark_read(db, actor=ben, conversation_id=conv.id, now=utcnow() + timedelta(seconds=1))
    send_round(utcnow() + timedelta(seconds=get_settings().alert_digest_seconds + 1))
    assert mailbox.messages == []
    with Session(engine) as db:
        (row,) = db.exec(select(AlertEmail).where(AlertEmail.kind == "message")).all()
        assert row.status == "skipped"


def test_an_address_left_while_nobody_was_online_gets_the_answer_too(smtp, app_db):
    """The widget promises an answer by e-mail whenever the visitor leaves an address, not only
    after a reminder; a contact whose address came from elsewhere asked for nothing."""
    mailbox, _ = smtp
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db, locale="de")
        agent = factories.login(db, factories.user(db, acc.id, email="agent@example.org")).actor
        inbox = factories.inbox(db, acc.id, agent_ids=[agent.user_id])
        asked, silent = factories.visitor_token(), factories.visitor_token()
        first = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=asked,
                                                  content="Hallo, niemand da?")  # fmt: skip
        visitor_chat.leave_email(db, public_token=inbox.public_token, visitor_token=asked,
                                 conversation_id=first.conversation_id, email="erika@example.com")  # fmt: skip
        second = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=silent,
                                                   content="Frage")  # fmt: skip
        other = db.get(Contact, db.get(Conversation, second.conversation_id).contact_id)
        other.email = "known@example.com"  # e.g. passed by the embedding page
        db.add(other)
        db.commit()
        for conversation_id in (first.conversation_id, second.conversation_id):
            conversations.send_reply(db, actor=agent, conversation_id=conversation_id, content="Gern!")
    send_round(utcnow() + timedelta(seconds=get_settings().alert_digest_seconds + 1))
    transcripts = [mail for mail in mailbox.messages if mail["To"] != "agent@example.org"]
    assert [mail["To"] for mail in transcripts] == ["erika@example.com"]
    assert transcripts[0]["Subject"] == f"Ihre Unterhaltung mit {acc.name}"


def test_a_line_break_in_a_contact_name_never_reaches_a_header(smtp, desk):
    """Issue 13.2: "Evil\\nBcc: x" as a name made the Subject unbuildable and stopped all e-mails."""
    mailbox, _ = smtp
    engine, admin, ben, bot, conv = desk
    with Session(engine) as db:
        contact = db.get(Contact, db.get(Conversation, conv.id).contact_id)
        changed = contacts.update_contact(db, actor=bot, contact_id=contact.id, changes={"name": "Evil\nBcc: x\r\t"})
        assert changed.name == "Evil Bcc: x"
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id)
    send_round()
    (mail,) = mailbox.messages
    assert mail["Subject"] == f"Assigned to you: #{conv.display_id} with Evil Bcc: x" and mail["Bcc"] is None


def test_an_e_mail_that_cannot_be_composed_fails_alone_and_is_retried_later(smtp, desk, monkeypatch):
    """A poison row is marked with its reason and backed off; the e-mails behind it still go."""
    mailbox, _ = smtp
    engine, admin, ben, bot, conv = desk
    with Session(engine) as db:
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=ben.user_id)
        unanswered_conv = api_chat.create_conversation(
            db, actor=bot, inbox_id=conv.inbox_id, source_id="s", status="pending"
        )
        conversations.assign(db, actor=admin, conversation_id=unanswered_conv.id, assignee_id=ben.user_id)
        poison, fine = db.exec(select(AlertEmail).order_by(AlertEmail.id)).all()
    real = alert_mail.compose

    def compose(session, row):
        if row.id == poison.id:
            raise ValueError("header value contains a line break")
        return real(session, row)

    monkeypatch.setattr(alert_mail, "compose", compose)
    send_round()
    assert len(mailbox.messages) == 1  # the healthy e-mail went out
    with Session(engine) as db:
        failed = db.get(AlertEmail, poison.id)
        assert failed.status == "pending" and failed.attempts == 1 and failed.send_after > utcnow()
        assert "line break" in failed.last_error
        assert db.get(AlertEmail, fine.id).status == "sent"
