"""A dashboard tab's alerts: what the browser is told to play, and the unread count."""

from sqlmodel import Session

from kiko_livechat.models import Role
from kiko_livechat.realtime import events
from kiko_livechat.services import alerts, auth, conversations, notification_preferences, visitor_chat
from kiko_livechat.state import live
from kiko_livechat.state.alerts import AlertState
from tests import factories
from tests.integration.state.states import state_for


def _desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        ben = factories.login(db, factories.user(db, acc.id, role=Role.AGENT))
        clara = factories.login(db, factories.user(db, acc.id, role=Role.AGENT))
        inbox = factories.inbox(db, acc.id, agent_ids=[ben.actor.user_id, clara.actor.user_id])
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Hallo, ist wer da?"
        )
    return ben, clara, inbox, sent


def _alerting(ben, inbox, sent, *alerts) -> events.ChatEvent:
    return events.ChatEvent(
        kind=events.CONVERSATION_CREATED, account_id=ben.actor.account_id, inbox_id=inbox.id,
        conversation_id=sent.conversation_id, detail={"alerts": [list(pair) for pair in alerts]},
    )  # fmt: skip


async def test_a_handoff_tells_the_tab_to_play_and_counts_it(app_db):
    ben, clara, inbox, sent = _desk(app_db)
    state = state_for(AlertState, ben.token)
    await state.start()
    assert (state.unread, state.unread_assigned, state.alert_seq) == (1, 0, 0)
    listener = live._clients[(state.router.session.client_token, live.ALERTS)][0]
    assert listener.watched == {sent.conversation_id} and listener.user_id == ben.actor.user_id

    await state._on_chat_event(_alerting(ben, inbox, sent, (clara.actor.user_id, "handoff")))
    assert state.alert_seq == 0  # Clara's alert, not his
    await state._on_chat_event(_alerting(ben, inbox, sent, (ben.actor.user_id, "handoff")))
    assert state.alert_seq == 1 and state.alert_sound and state.alert_number == "1"
    assert state.alert_title.startswith("Neue Unterhaltung: ") and state.alert_body == "Hallo, ist wer da?"


async def test_the_sound_follows_the_preferences_and_reading_clears_the_count(app_db):
    ben, clara, inbox, sent = _desk(app_db)
    with Session(app_db) as db:
        notification_preferences.save_preferences(
            db, actor=ben.actor, email=[], sound=["assigned"], tone="pop", sound_when_visible=False,
            repeat_unread=False, desktop=True,
        )  # fmt: skip
    state = state_for(AlertState, ben.token)
    await state.start()
    assert (state.tone, state.sound_kinds, state.sound_when_visible, state.desktop) == (
        "pop",
        ["assigned"],
        False,
        True,
    )
    await state._on_chat_event(_alerting(ben, inbox, sent, (ben.actor.user_id, "handoff")))
    assert state.alert_seq == 1 and not state.alert_sound  # shown as a notification, but silent
    with Session(app_db) as db:
        conversations.mark_read(db, actor=clara.actor, conversation_id=sent.conversation_id)
    await state._on_chat_event(
        events.ChatEvent(
            kind=events.CONVERSATION_UPDATED,
            account_id=ben.actor.account_id,
            inbox_id=inbox.id,
            conversation_id=sent.conversation_id,
        )  # fmt: skip
    )
    assert state.unread == 0


async def test_a_signed_out_tab_stops_listening(app_db):
    ben, clara, inbox, sent = _desk(app_db)
    state = state_for(AlertState, ben.token)
    await state.start()
    with Session(app_db) as db:
        auth.logout(db, token=ben.token)
    await state._on_chat_event(_alerting(ben, inbox, sent, (ben.actor.user_id, "handoff")))
    assert state.alert_seq == 0
    assert AlertState not in live.listening(state.router.session.client_token)


async def test_a_new_handoff_or_message_is_counted_once(app_db):
    ben, clara, inbox, sent = _desk(app_db)
    state = state_for(AlertState, ben.token)
    await state.start()
    with Session(app_db) as db:
        second = visitor_chat.send_visitor_message(
            db, public_token=inbox.public_token, visitor_token=factories.visitor_token(), content="Ich auch"
        )
    handoff = events.ChatEvent(
        kind=events.CONVERSATION_CREATED, account_id=ben.actor.account_id, inbox_id=inbox.id,
        conversation_id=second.conversation_id, detail={"alerts": [[ben.actor.user_id, "handoff"]]},
    )  # fmt: skip
    await state._on_chat_event(handoff)
    await state._on_chat_event(handoff)  # heard twice: still one conversation
    assert (state.unread, state.unread_assigned, state.alert_seq) == (2, 0, 2)
    listener = live._clients[(state.router.session.client_token, live.ALERTS)][0]
    assert listener.watched == {sent.conversation_id, second.conversation_id}
    with Session(app_db) as db:  # what a query counts agrees
        assert alerts.unread_for(db, actor=ben.actor).total == 2


async def test_a_counted_conversation_given_to_another_agent_leaves_the_count_without_a_read(app_db):
    """Issue 14: a handoff's assignment reaches every agent of the inbox at once; those it was
    not given to drop it from their count from the event alone. The assignee keeps it as theirs."""
    from tests.statements import counted

    ben, clara, inbox, sent = _desk(app_db)
    ben_tab, clara_tab = state_for(AlertState, ben.token), state_for(AlertState, clara.token)
    await ben_tab.start()
    await clara_tab.start()
    assert (ben_tab.unread, clara_tab.unread) == (1, 1)
    with Session(app_db, expire_on_commit=False) as db:
        conversations.assign(db, actor=ben.actor, conversation_id=sent.conversation_id, assignee_id=clara.actor.user_id)
        from kiko_livechat.models import Conversation

        given = events.changed(db.get(Conversation, sent.conversation_id), "assignee", by=ben.actor.user_id)
    with live.delivering_event(live.note_heard()), counted(app_db) as statements:  # as delivered
        await ben_tab._on_chat_event(given)
    assert [s for s in statements if "FROM conversations" in s] == []
    assert (ben_tab.unread, ben_tab.unread_assigned) == (0, 0)
    assert sent.conversation_id not in live._clients[(ben_tab.router.session.client_token, live.ALERTS)][0].watched
    await clara_tab._on_chat_event(given)  # hers now: counted afresh, as assigned to her
    assert (clara_tab.unread, clara_tab.unread_assigned) == (1, 1)
    with Session(app_db, expire_on_commit=False) as db:
        assert alerts.unread_for(db, actor=ben.actor).total == ben_tab.unread


async def test_a_read_marker_or_a_reminder_changes_the_count_without_a_read(app_db):
    """Issue 14 (found by the soak bench): every agent's tab counted afresh, with a query, for
    each read marker of a conversation it counts and for each reminder: a quarter of the
    worker's CPU under load. A read conversation leaves the count; a reminder changes nothing."""
    from kiko_livechat.models import Conversation
    from tests.statements import counted

    ben, clara, inbox, sent = _desk(app_db)
    tab = state_for(AlertState, ben.token)
    await tab.start()
    assert tab.unread == 1
    with Session(app_db, expire_on_commit=False) as db:
        conversation = db.get(Conversation, sent.conversation_id)
    reminder = events.ChatEvent(
        kind=events.CONVERSATION_UPDATED, account_id=ben.actor.account_id, inbox_id=inbox.id,
        conversation_id=sent.conversation_id,
        detail={"changed": ["unanswered"], "alerts": [[ben.actor.user_id, alerts.UNANSWERED]]},
    )  # fmt: skip
    with live.delivering_event(live.note_heard()), counted(app_db) as statements:  # as delivered
        await tab._on_chat_event(reminder)
    assert not [s for s in statements if "FROM conversations" in s and "messages" in s]  # no recount
    assert (tab.unread, tab.alert_kind) == (1, alerts.UNANSWERED)
    with Session(app_db) as db:
        conversations.mark_read(db, actor=clara.actor, conversation_id=sent.conversation_id)
    with live.delivering_event(live.note_heard()), counted(app_db) as statements:  # as delivered
        await tab._on_chat_event(events.agent_seen(conversation))
    assert statements == [] and tab.unread == 0
    with Session(app_db, expire_on_commit=False) as db:
        assert alerts.unread_for(db, actor=ben.actor).total == tab.unread
