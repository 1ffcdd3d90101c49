"""Issue 11, item 2: the widget's header follows the events: whether anybody is online, and the
agent who answered (then no more e-mail prompt)."""

from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events
from kiko_livechat.services import conversations, visitor_chat
from kiko_livechat.state.widget import WidgetState
from tests import factories
from tests.integration.state.states import state_for


async def test_the_header_follows_presence_and_the_agent_who_answered(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin_user = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        admin = factories.login(db, admin_user).actor
        inbox = factories.inbox(db, acc.id, agent_ids=(admin_user.id,))
        visitor = factories.visitor_token()
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=visitor, content="?"
        )
    widget = state_for(WidgetState, "")
    widget.visitor_token, widget._inbox_token, widget._inbox_id = visitor, inbox.public_token, inbox.id
    widget.conversation_ref, widget.agents_online = sent.conversation_id, False
    assert not widget.online and widget.agent_name == ""

    await widget._on_chat_event(events.presence(acc.id, inbox.id, online=True))
    assert widget.online
    await widget._on_chat_event(events.presence(acc.id, inbox.id, online=False))
    assert not widget.online

    with Session(app_db) as db:
        conversations.send_reply(db, actor=admin, conversation_id=sent.conversation_id, content="Hallo!")
    await widget._on_chat_event(
        events.ChatEvent(
            kind=events.MESSAGE_CREATED, account_id=acc.id, inbox_id=inbox.id, conversation_id=sent.conversation_id
        )
    )
    assert (widget.agent_name, widget.agent_initial, widget.online, widget.answered) == (
        admin_user.name, admin_user.name[0].upper(), True, True,
    )  # fmt: skip
