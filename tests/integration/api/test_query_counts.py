"""Every list of the API costs the same number of SQL statements for one row as for a page of
25: the JSON is built from rows loaded for the whole page at once, never one lookup per row."""

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from kiko_livechat import db as db_module
from kiko_livechat.api import build_api
from kiko_livechat.models import Role
from kiko_livechat.services import api_access, api_chat, contacts, conversations, inboxes, labels, teams
from tests import factories
from tests.statements import counted

PAGE = 25


def _account(db: Session, size: int) -> dict:
    """An account with `size` of everything a list shows: agents, teams, web inboxes and
    conversations, each with its own contact, assignee, team and labels, and messages from the
    contact, the bot and agents."""
    acc = factories.active_account(db)
    admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
    agents = [factories.login(db, factories.user(db, acc.id)).actor for _ in range(size)]
    bot = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[a.user_id for a in agents])
    bot_actor = api_access.resolve_api_token(db, token=bot.api_token)
    for i, agent in enumerate(agents):
        team_id = teams.create_team(db, actor=admin, name=f"Team {i}")
        teams.add_team_member(db, actor=admin, team_id=team_id, user_id=agent.user_id)
        inboxes.create_web_inbox(db, actor=admin, name=f"Web {i}") if i else None
        source = f"s-{i}"
        contacts.create_contact(db, actor=bot_actor, name=f"Kunde {i}", email=f"k{i}@example.org",
                                inbox_id=bot.inbox.inbox_id, source_id=source)  # fmt: skip
        conv = api_chat.create_conversation(db, actor=bot_actor, inbox_id=bot.inbox.inbox_id, source_id=source)
        for kind, text in (("incoming", "Hallo"), ("outgoing", "Moment")):
            api_chat.create_message(db, actor=bot_actor, display_id=conv.display_id, content=text, message_type=kind)
        conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=agent.user_id, team_id=team_id)
        conversations.send_reply(db, actor=agents[(i + 1) % size], conversation_id=conv.id, content=f"Antwort {i}")
        labels.set_conversation_labels(db, actor=admin, conversation_id=conv.id, titles=[f"l{i}", "kunde"])
    tokens = {"admin": api_access.issue_personal_token(db, actor=admin), "bot": bot.api_token}
    return {"account": acc.id, "tokens": tokens, "display_id": conv.display_id}


@pytest.fixture
def sized(app_db):
    client = TestClient(build_api())
    accounts = {}
    with Session(app_db, expire_on_commit=False) as db:
        for size in (1, PAGE):
            accounts[size] = _account(db, size)
    return client, accounts


LISTS = {
    "conversations": lambda a: "/conversations?status=all",
    "messages": lambda a: f"/conversations/{a['display_id']}/messages",
    "contacts": lambda a: "/contacts/search?q=kunde",
    "agents": lambda a: "/agents",
    "teams": lambda a: "/teams",
    "inboxes": lambda a: "/inboxes",
}


@pytest.mark.parametrize("name", LISTS)
def test_a_page_of_25_costs_the_queries_of_one_row(sized, name):
    client, accounts = sized
    for who in ("admin", "bot"):  # a bot's lists are narrowed to its inbox, as cheaply
        cost = {}
        for size, acc in accounts.items():
            url = f"/api/v1/accounts/{acc['account']}{LISTS[name](acc)}"
            headers = {"api_access_token": acc["tokens"][who]}
            client.get(url, headers=headers)  # warm caches shared by every request
            with counted(db_module.get_engine()) as statements:
                answer = client.get(url, headers=headers)
            assert answer.status_code == 200, answer.text
            cost[size] = len(statements)
        assert cost[PAGE] <= cost[1], f"{name} ({who}): {cost[1]} statements for 1 row, {cost[PAGE]} for {PAGE}"
