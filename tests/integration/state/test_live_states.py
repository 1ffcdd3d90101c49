"""Live pages catch up from the database by message id: a missed or repeated nudge neither
loses nor doubles a message, and private notes never reach the visitor's page."""

from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events
from kiko_livechat.services import conversations, visitor_chat
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.inbox import ConversationListState
from tests import factories
from tests.integration.state.states import state_for


def _setup(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin_user = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        login = factories.login(db, admin_user)
        inbox = factories.inbox(db, acc.id)
        visitor = factories.visitor_token()
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=visitor, content="1"
        )
    return login, inbox, visitor, sent


async def test_the_agent_view_catches_up_once_whatever_the_nudges(app_db):
    login, inbox, visitor, sent = _setup(app_db)
    state = state_for(ConversationState, login.token)
    state.number = "1"
    state.conversation_ref = sent.conversation_id
    state._catch_up()
    assert [m["text"] for m in state.messages] == ["1"]
    with Session(app_db) as db:
        for text in ("2", "3"):  # written while this tab heard nothing (a reconnect, a restart)
            visitor_chat.send_visitor_message(
                db, public_token=inbox.public_token, visitor_token=visitor, content=text,
                conversation_id=sent.conversation_id,
            )  # fmt: skip
    nudge = events.ChatEvent(
        kind=events.MESSAGE_CREATED, account_id=login.actor.account_id, inbox_id=inbox.id,
        conversation_id=sent.conversation_id,
    )  # fmt: skip
    await state._on_chat_event(nudge)
    await state._on_chat_event(nudge)  # the same nudge twice
    assert [m["text"] for m in state.messages] == ["1", "2", "3"]


async def test_the_visitor_page_never_shows_private_notes(app_db):
    from kiko_livechat.state.widget import WidgetState

    login, inbox, visitor, sent = _setup(app_db)
    with Session(app_db) as db:
        conversations.send_reply(
            db, actor=login.actor, conversation_id=sent.conversation_id, content="intern", private=True
        )
        conversations.send_reply(db, actor=login.actor, conversation_id=sent.conversation_id, content="Hallo!")
    widget = state_for(WidgetState, "")
    widget.visitor_token = visitor
    widget._inbox_token = inbox.public_token
    widget.conversation_ref = sent.conversation_id
    await widget._on_chat_event(
        events.ChatEvent(
            kind=events.MESSAGE_CREATED,
            account_id=login.actor.account_id,
            inbox_id=inbox.id,
            conversation_id=sent.conversation_id,
        )  # fmt: skip
    )
    assert [m["content"] for m in widget.messages] == ["1", "Hallo!"]


async def test_a_tab_that_leaves_a_conversation_stops_reading_it(app_db):
    """Navigating to another dashboard page ends the previous page's listening (its catch-ups
    would mark the conversation read while the agent is elsewhere); the tab's alerts go on."""
    from kiko_livechat.state import live
    from kiko_livechat.state.alerts import AlertState
    from kiko_livechat.state.session import SessionState

    login, inbox, visitor, sent = _setup(app_db)
    page = state_for(ConversationState, login.token)
    page.number = "1"
    page.conversation_ref = sent.conversation_id
    page._listen(login.actor, inbox.id)
    beside = await page.get_state(ConversationListState)  # the list pane beside the conversation
    await beside.load()
    alerts = await page.get_state(AlertState)
    await alerts.start()
    token = page.router.session.client_token
    assert live.listening(token) == {ConversationState, ConversationListState, AlertState}
    session = await page.get_state(SessionState)
    session.require_login()  # on_load of the next dashboard page
    assert live.listening(token) == {AlertState}


def _message_event(login, inbox, sent, message_id):
    return events.ChatEvent(
        kind=events.MESSAGE_CREATED, account_id=login.actor.account_id, inbox_id=inbox.id,
        conversation_id=sent.conversation_id, message_id=message_id,
    )  # fmt: skip


async def test_a_tab_hears_its_own_message_without_reading_and_a_late_commit_is_still_shown(app_db):
    """Issue 14: the event of a message a tab shows already (its own, just sent) costs no read;
    a message named by an event but committed after a newer one (ids are handed out before the
    commits that order them, on PostgreSQL) is read although its id is below the newest."""
    from kiko_livechat.state.widget import WidgetState
    from tests.statements import counted

    login, inbox, visitor, sent = _setup(app_db)
    with Session(app_db) as db:
        answer = conversations.send_reply(db, actor=login.actor, conversation_id=sent.conversation_id, content="A")
        later = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=visitor, content="2",
            conversation_id=sent.conversation_id,
        )  # fmt: skip
    widget = state_for(WidgetState, "")
    widget.visitor_token = visitor
    widget._inbox_token = inbox.public_token
    widget.conversation_ref = sent.conversation_id
    widget._append([sent.message, later.message])  # read before the answer had committed
    with counted(app_db) as statements:
        await widget._on_chat_event(_message_event(login, inbox, sent, later.message.message_id))
    assert statements == []
    await widget._on_chat_event(_message_event(login, inbox, sent, answer.message_id))
    assert [m["content"] for m in widget.messages] == ["1", "A", "2"]  # in the order they were written

    agent = state_for(ConversationState, login.token)
    agent.number = "1"
    agent.conversation_ref = sent.conversation_id
    agent._catch_up()
    with counted(app_db) as statements:
        await agent._on_chat_event(_message_event(login, inbox, sent, answer.message_id))
    assert statements == []  # the agent's own reply, shown since it was sent


async def test_the_visitor_s_read_marker_reaches_the_agent_s_ticks_without_a_read(app_db):
    from kiko_livechat.models import Conversation
    from tests.statements import counted

    login, inbox, visitor, sent = _setup(app_db)
    with Session(app_db) as db:
        conversations.send_reply(db, actor=login.actor, conversation_id=sent.conversation_id, content="A")
    agent = state_for(ConversationState, login.token)
    agent.number = "1"
    agent.conversation_ref = sent.conversation_id
    agent._catch_up()
    assert [m["seen"] for m in agent.messages] == ["", ""]
    with Session(app_db) as db:
        visitor_chat.mark_seen(
            db, public_token=inbox.public_token, visitor_token=visitor, conversation_id=sent.conversation_id
        )
        seen = events.contact_seen(db.get(Conversation, sent.conversation_id))
    with counted(app_db) as statements:
        await agent._on_chat_event(seen)
    assert statements == [] and [m["seen"] for m in agent.messages] == ["", "yes"]


def test_the_visitor_page_keeps_its_newest_messages_with_their_times():
    from datetime import UTC, datetime, timedelta

    from kiko_livechat.services.messages import MessageView
    from kiko_livechat.state.widget import WIDGET_HISTORY, WidgetState

    widget = state_for(WidgetState, "")
    start = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)

    def view(n):
        return MessageView(message_id=n, message_type="incoming", sender_type="contact", sender_name="",
                           private=False, content=str(n), activity="", activity_params={},
                           created_at=start + timedelta(minutes=n), echo_id="")  # fmt: skip

    widget._append([view(n) for n in range(1, WIDGET_HISTORY + 51)])
    shown = widget.messages
    assert (
        len(shown) == WIDGET_HISTORY
        and shown[0]["content"] == "51"
        and shown[-1]["content"] == str(WIDGET_HISTORY + 50)
    )
    assert all(m["time"] for m in shown)
    widget._use_locale("en" if widget.locale == "de" else "de")
    assert all(m["time"] for m in widget.messages)
