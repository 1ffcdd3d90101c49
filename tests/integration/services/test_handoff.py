"""The handoff (services/handoff.py): what it records and causes, the one-call handoff with its
transcript, and a bounded number of SQL statements whatever the transcript's length."""

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Contact, Conversation, Message, ReportingEvent, Role
from kiko_livechat.realtime import events, outbox
from kiko_livechat.services import api_access, handoff, inboxes, presence, profile, visitor_chat
from kiko_livechat.services.errors import ValidationFailed
from tests import factories
from tests.statements import counted


@pytest.fixture
def desk(db):
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    ben = factories.login(db, factories.user(db, acc.id)).actor
    created = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot", agent_ids=[ben.user_id])
    bot = api_access.resolve_api_token(db, token=created.api_token)
    return acc, admin, ben, bot, created.inbox.inbox_id, created.api_token


@pytest.fixture
def published(monkeypatch):
    seen: list[events.ChatEvent] = []

    class Recorder:
        def publish_all(self, events_):
            for event in events_:
                self.publish(event)

        def publish(self, event):
            seen.append(event)

    monkeypatch.setattr(outbox, "get_bus", lambda: Recorder())
    return seen


def _lines(count: int) -> list[dict]:
    return [{"content": f"Zeile {i}", "message_type": "incoming" if i % 2 == 0 else "outgoing"} for i in range(count)]


def test_the_one_call_handoff_stores_the_transcript_and_hands_over(db, desk, published):
    acc, admin, ben, bot, inbox_id, _ = desk
    conv = handoff.do_hand_off(
        db, actor=bot, inbox_id=inbox_id, contact={"name": "Erika", "source_id": "tg-1"},
        transcript=_lines(3), reason="  Kunde will einen Menschen ",
    )  # fmt: skip
    stored = db.exec(select(Message).where(Message.conversation_id == conv.id).order_by(Message.id)).all()
    assert [(m.message_type, m.sender_type, m.private, m.content) for m in stored] == [
        ("incoming", "contact", False, "Zeile 0"),
        ("outgoing", "bot", False, "Zeile 1"),
        ("incoming", "contact", False, "Zeile 2"),
        ("outgoing", "bot", True, "Kunde will einen Menschen"),
        ("activity", "system", False, ""),
    ]
    assert stored[3].content_attributes == {"handoff_reason": True}
    assert stored[4].content_attributes["activity"] == "activity.handoff"
    assert stored[0].sender_id == conv.contact_id
    row = db.get(Conversation, conv.id)
    assert (row.status, row.handed_off_at, row.waiting_since) == ("open", row.created_at, row.created_at)
    assert row.unanswered_due_at is not None and row.first_reply_at is None
    assert db.get(Contact, row.contact_id).last_activity_at == row.created_at
    (report,) = db.exec(select(ReportingEvent).where(ReportingEvent.conversation_id == conv.id)).all()
    assert report.name == "conversation_handoff"
    assert [(e.kind, e.message_id, e.private, e.detail.get("changed")) for e in published] == [
        ("contact_created", None, False, None),
        ("conversation_created", None, False, None),
        *[("message_created", m.id, m.private, None) for m in stored[:4]],
        ("conversation_updated", None, False, ["handoff"]),
        ("conversation_updated", None, False, ["status"]),
    ]


def test_a_handoff_by_a_person_counts_their_lines_as_the_first_answer(db, desk):
    acc, admin, ben, bot, inbox_id, _ = desk
    conv = handoff.do_hand_off(
        db, actor=admin, inbox_id=inbox_id, contact={"source_id": "p"}, transcript=_lines(2), now=None
    )
    said = select(Message.sender_type, Message.sender_id).where(
        Message.conversation_id == conv.id, Message.message_type != "activity"
    )
    senders = db.exec(said).all()
    assert senders == [("contact", conv.contact_id), ("agent", admin.user_id)]
    assert db.get(Conversation, conv.id).first_reply_at is not None


def test_the_online_agent_gets_it_and_nothing_is_stored_for_bad_input(db, desk):
    acc, admin, ben, bot, inbox_id, _ = desk
    profile.set_availability(db, actor=ben, availability="online")
    presence.heartbeat(db, actor=ben)
    for bad in ({"transcript": [{"content": ""}]}, {"transcript": _lines(201)}, {"reason": "x" * 1001}):
        with pytest.raises(ValidationFailed):
            handoff.do_hand_off(db, actor=bot, inbox_id=inbox_id, contact={"source_id": "b"}, **bad)
        db.rollback()
    assert db.exec(select(Conversation)).all() == []
    conv = handoff.do_hand_off(db, actor=bot, inbox_id=inbox_id, contact={"source_id": "b"}, transcript=_lines(1))
    assert db.get(Conversation, conv.id).assignee_id == ben.user_id


def test_a_visitor_starting_in_the_widget_reaches_humans_but_is_no_handoff(db, desk):
    acc, admin, ben, bot, inbox_id, _ = desk
    web = factories.inbox(db, acc.id, agent_ids=[ben.user_id])
    sent = visitor_chat.send_visitor_message(
        db, public_token=web.public_token, visitor_token=factories.visitor_token(), content="Hallo?"
    )
    conv = db.get(Conversation, sent.conversation_id)
    assert conv.unanswered_due_at is not None  # the reminder timer runs
    assert conv.handed_off_at is None
    assert db.exec(select(ReportingEvent).where(ReportingEvent.conversation_id == conv.id)).all() == []


def test_the_handoff_runs_in_the_same_number_of_statements_for_any_transcript(db, desk):
    acc, admin, ben, bot, inbox_id, _ = desk
    counts = []
    for n, length in enumerate((1, 100)):
        with counted(db.get_bind()) as seen:
            handoff.do_hand_off(db, actor=bot, inbox_id=inbox_id, contact={"source_id": f"s{n}"},
                                transcript=_lines(length), reason="Mensch")  # fmt: skip
        counts.append(len(seen))
        inserts = [s for s in seen if s.lstrip().upper().startswith("INSERT INTO MESSAGES")]
        assert len(inserts) == 2  # the transcript with the reason; the activity line
    assert counts[0] == counts[1] <= 20, counts


def test_the_one_call_over_http_runs_in_the_same_number_of_statements(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Kiko Bot")
    client = TestClient(build_api())
    client.headers["api_access_token"] = created.api_token
    counts = []
    for n, length in enumerate((1, 100)):
        body = {"inbox_id": created.inbox.inbox_id, "contact": {"source_id": f"h{n}"}, "transcript": _lines(length)}
        with counted(app_db) as seen:
            answer = client.post(f"/api/v1/accounts/{acc.id}/handoffs", json=body)
        assert answer.status_code == 201, answer.text
        # The token's last use is written only now and then (the first call here), not per call.
        counts.append(len([s for s in seen if not s.startswith("UPDATE api_access_tokens")]))
    assert counts[0] == counts[1] <= 26, counts
