"""The search box's and the snooze menu's states driven as the websocket would: results with
their snippets as text parts, refusals beside the field, the menu closing once snoozed."""

from sqlmodel import Session

from kiko_livechat.models import Conversation
from kiko_livechat.services import visitor_chat
from kiko_livechat.state.conversation import ConversationState
from kiko_livechat.state.search import SearchState
from kiko_livechat.state.snooze import SnoozeState
from tests import factories
from tests.integration.state.states import state_for


def _desk(app_db):
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        ben = factories.login(db, factories.user(db, acc.id))
        shop = factories.inbox(db, acc.id, agent_ids=[ben.actor.user_id])
        sent = visitor_chat.send_visitor_message(
            db, public_token=shop.public_token, visitor_token=factories.visitor_token(),
            content="Das <i>Ersatzteil</i> fehlt noch",
        )  # fmt: skip
        conversation = db.get(Conversation, sent.conversation_id)
    return ben, conversation


async def test_results_carry_the_match_as_marked_text_and_bad_input_is_said(app_db):
    ben, conversation = _desk(app_db)
    tab = state_for(SearchState, ben.token)
    await tab.search({"q": "ersatz"})
    assert tab.active and [r["number"] for r in tab.results] == [str(conversation.display_id)]
    assert tab.snippets == [[["Das <i>", ""], ["Ersatz", "1"], ["teil</i> fehlt noch", ""]]]
    await tab.search({"q": "x" * 1000})
    assert tab.errors == {"q": "Bitte höchstens 200 Zeichen eingeben."}
    assert tab.active and len(tab.results) == 1  # nothing changed: the last results stay
    await tab.search_as_typed("")
    assert not tab.active and tab.results == [] and tab.errors == {}
    await tab.search({"q": "   "})
    assert tab.errors == {"q": "Bitte einen Suchbegriff eingeben."}


async def test_the_menu_closes_once_snoozed_and_stays_open_with_the_reason(app_db):
    ben, conversation = _desk(app_db)
    menu = state_for(SnoozeState, ben.token)
    page = await menu.get_state(ConversationState)
    page.conversation_ref, page.number = conversation.id, str(conversation.display_id)
    await menu.set_time_zone("America/New_York")
    await menu.open_menu(True)
    assert menu.menu_open and set(menu.preset_times) == {"in_one_hour", "tomorrow", "next_week"}
    await menu.snooze_custom({"until": "2001-01-01T09:00"})
    assert menu.menu_open and menu.errors == {"snoozed_until": "Bitte einen Zeitpunkt in der Zukunft wählen."}
    assert page.status != "snoozed"
    await menu.snooze_preset("in_one_hour")
    assert not menu.menu_open and menu.errors == {}
    assert page.status == "snoozed"
    await menu.set_time_zone("../../etc/passwd")
    assert menu.time_zone == "Europe/Berlin"
