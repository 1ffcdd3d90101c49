"""The visitor's side: first message opens a conversation, resends are recognised, resolved
conversations reopen, a blocked account takes no new conversation, private notes stay hidden."""

import pytest

from kiko_livechat.models import Account, Conversation, Role, User
from kiko_livechat.services import conversations, entitlement, visitor_chat
from kiko_livechat.services.errors import NotFound, ValidationFailed
from tests import factories


@pytest.fixture
def shop(db):
    acc = factories.active_account(db, name="Shop GmbH")
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    inbox = factories.inbox(db, acc.id, agent_ids=[admin.user_id])
    return acc, admin, inbox


def test_first_message_opens_a_numbered_conversation_and_resends_are_not_doubled(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor, content="Hallo?", echo_id="e1"
    )
    again = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor, content="Hallo?", echo_id="e1"
    )
    assert again.message.message_id == sent.message.message_id
    second = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor, content="Ist jemand da?", echo_id="e2"
    )
    assert second.conversation_id == sent.conversation_id
    conv = db.get(Conversation, sent.conversation_id)
    assert (conv.display_id, conv.status, conv.waiting_since is not None) == (1, "open", True)
    history = visitor_chat.visitor_messages(
        db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=conv.id
    )
    assert [m.content for m in history] == ["Hallo?", "Ist jemand da?"]
    other = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Moin"
    )
    assert db.get(Conversation, other.conversation_id).display_id == 2


def test_private_notes_never_reach_the_visitor_and_replies_do(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=visitor, content="Hi")
    conversations.send_reply(db, actor=admin, conversation_id=sent.conversation_id, content="Intern", private=True)
    conversations.send_reply(db, actor=admin, conversation_id=sent.conversation_id, content="Guten Tag!")
    seen = visitor_chat.visitor_messages(
        db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id
    )
    assert [(m.content, m.sender_type) for m in seen] == [("Hi", "contact"), ("Guten Tag!", "agent")]
    assert seen[1].sender_name == "Test User"
    after = visitor_chat.visitor_messages(
        db,
        public_token=inbox.public_token,
        visitor_token=visitor,
        conversation_id=sent.conversation_id,
        after_id=seen[0].message_id,
    )
    assert [m.content for m in after] == ["Guten Tag!"]


def test_a_resolved_conversation_reopens_in_place_and_a_later_visit_starts_a_new_one(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=visitor, content="1")
    conversations.set_status(db, actor=admin, conversation_id=sent.conversation_id, status="resolved")
    assert visitor_chat.current_conversation(db, public_token=inbox.public_token, visitor_token=visitor) is None
    # Still on the page showing it: writing reopens it, with an activity line.
    reopened = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor, content="2", conversation_id=sent.conversation_id
    )
    assert (reopened.conversation_id, reopened.status) == (sent.conversation_id, "open")
    lines = conversations.conversation_messages(db, actor=admin, conversation_id=sent.conversation_id)
    assert [m.activity for m in lines if m.activity] == [
        "activity.status.resolved",
        "activity.status.reopened_by_visitor",
    ]
    # Coming back later (the page does not name a conversation) after another resolution: a new one.
    conversations.set_status(db, actor=admin, conversation_id=sent.conversation_id, status="resolved")
    fresh = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=visitor, content="3")
    assert fresh.conversation_id != sent.conversation_id


def test_a_blocked_account_takes_no_new_conversation(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    started = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=visitor, content="Vorher"
    )
    account = db.get(Account, acc.id)
    account.livechat_active = False
    db.add(account)
    db.commit()
    assert visitor_chat.widget_inbox(db, public_token=inbox.public_token).blocked == entitlement.INACTIVE
    with pytest.raises(entitlement.AccountBlocked) as refused:
        visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Neu"
        )
    assert refused.value.code == "account.blocked.inactive"
    db.rollback()
    # The conversation that was already running goes on: nothing accepted is lost.
    visitor_chat.send_visitor_message(
        db,
        public_token=inbox.public_token,
        visitor_token=visitor,
        content="Noch da",
        conversation_id=started.conversation_id,
    )
    assert len(db.exec(Conversation.__table__.select()).all()) == 1


def test_bad_input_and_foreign_conversations(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    for content in ("", "   ", None, "x" * 10_001):
        with pytest.raises(ValidationFailed):
            visitor_chat.send_visitor_message(
                db, public_token=inbox.public_token, visitor_token=visitor, content=content
            )
    for token in ("", "nope", None):
        with pytest.raises(NotFound):
            visitor_chat.send_visitor_message(db, public_token=token, visitor_token=visitor, content="x")
    with pytest.raises(NotFound):
        visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token="short", content="x")
    someone = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Meins"
    )
    for conversation_id in (someone.conversation_id, 10**12, "1"):
        with pytest.raises(NotFound):
            visitor_chat.visitor_messages(
                db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=conversation_id
            )
        with pytest.raises(NotFound):
            visitor_chat.mark_seen(
                db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=conversation_id
            )
        with pytest.raises(NotFound):
            visitor_chat.leave_email(
                db,
                public_token=inbox.public_token,
                visitor_token=visitor,
                conversation_id=conversation_id,
                email="a@b.de",
            )
        with pytest.raises(NotFound):
            visitor_chat.conversation_agent(
                db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=conversation_id
            )
        with pytest.raises(NotFound):
            visitor_chat.visitor_typing(
                db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=conversation_id, on=True
            )
        with pytest.raises(NotFound):
            visitor_chat.send_visitor_message(
                db, public_token=inbox.public_token, visitor_token=visitor, content="x", conversation_id=conversation_id
            )
    api_inbox = factories.inbox(db, acc.id, channel="api")
    with pytest.raises(NotFound):
        visitor_chat.widget_inbox(db, public_token=api_inbox.public_token)


def test_the_visitor_can_leave_an_e_mail_address(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=visitor, content="?")
    with pytest.raises(ValidationFailed):
        visitor_chat.leave_email(
            db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id, email="x"
        )
    visitor_chat.leave_email(
        db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id,
        email="Erika@Example.org",
    )  # fmt: skip
    detail = conversations.get_conversation(db, actor=admin, display_id=1)
    assert detail.contact_email == "erika@example.org"


def test_read_markers_follow_what_the_visitor_has_seen(db, shop):
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=visitor, content="?")
    conversations.send_reply(db, actor=admin, conversation_id=sent.conversation_id, content="Antwort")
    assert conversations.get_conversation(db, actor=admin, display_id=1).contact_last_seen_at is None
    visitor_chat.mark_seen(
        db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id
    )
    assert conversations.get_conversation(db, actor=admin, display_id=1).contact_last_seen_at is not None


def test_the_header_shows_who_answers_the_visitor(db, shop):
    """Issue 11, item 2: nobody until an agent answers (a private note's author does not
    count); then that agent, there while a tab of theirs reports; the assignee comes first."""
    acc, admin, inbox = shop
    visitor = factories.visitor_token()
    sent = visitor_chat.send_visitor_message(db, public_token=inbox.public_token, visitor_token=visitor, content="?")

    def agent():
        return visitor_chat.conversation_agent(
            db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id
        )

    assert agent() == visitor_chat.ConversationAgent(name="", here=False, answered=False)
    conversations.send_reply(db, actor=admin, conversation_id=sent.conversation_id, content="intern", private=True)
    assert agent().name == ""
    conversations.send_reply(db, actor=admin, conversation_id=sent.conversation_id, content="Gern!")
    admin_user = db.get(User, admin.user_id)
    assert agent() == visitor_chat.ConversationAgent(name=admin_user.name, here=True, answered=True)
    colleague = db.get(User, factories.actor(db, acc.id).user_id)
    colleague.last_seen_at = None  # signed in once, long ago: no tab reports
    db.add(colleague)
    db.commit()
    conversations.assign(db, actor=admin, conversation_id=sent.conversation_id, assignee_id=colleague.id)
    assert agent() == visitor_chat.ConversationAgent(name=colleague.name, here=False, answered=True)


def test_a_visitor_checked_once_is_not_looked_up_again_and_only_for_their_own_tokens(db, shop):
    """Issue 14: the widget keeps the Visitor that `identify` made; a message then costs no
    lookup of the inbox or the visitor, and a Visitor made for other tokens is never used."""
    from tests.statements import counted

    acc, admin, inbox = shop
    token = factories.visitor_token()
    me = visitor_chat.identify(db, public_token=inbox.public_token, visitor_token=token)
    assert me.contact_inbox_id is None  # not a contact before the first message
    first = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=token, content="Hallo", visitor=me, after_id=0
    )
    me = first.visitor
    assert me.contact_inbox_id is not None and [m.content for m in first.messages] == ["Hallo"]
    conversations.send_reply(db, actor=admin, conversation_id=first.conversation_id, content="Moin!")

    with counted(db.get_bind()) as statements:
        second = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=token, content="Frage", visitor=me,
            conversation_id=first.conversation_id, after_id=first.message.message_id,
        )  # fmt: skip
    assert statements and not [s for s in statements if "public_token" in s or "FROM contact_inboxes" in s]
    # What the page needs comes along: the answer that arrived meanwhile, and the message.
    assert [m.content for m in second.messages] == ["Moin!", "Frage"]

    # Someone else's Visitor beside my tokens is ignored: my tokens decide who I am.
    other_token = factories.visitor_token()
    other = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=other_token, content="Ich"
    )
    with pytest.raises(NotFound):
        visitor_chat.visitor_messages(
            db, public_token=inbox.public_token, visitor_token=token, conversation_id=other.conversation_id,
            visitor=other.visitor,
        )  # fmt: skip
    mine = visitor_chat.send_visitor_message(
        db, public_token=inbox.public_token, visitor_token=token, content="Noch was", visitor=other.visitor
    )
    assert mine.conversation_id == first.conversation_id and mine.visitor.contact_inbox_id == me.contact_inbox_id
