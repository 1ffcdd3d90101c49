"""The Teams and Inboxes settings states on a real database: what the pages show after each
handler, translated refusals next to the right field, and bad input changing nothing."""

from datetime import timedelta

import pytest
from reflex.istate.data import RouterData
from sqlmodel import Session, select

from kiko_livechat import routes
from kiko_livechat.models import Inbox, Role, Team
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import api_access, contacts, inboxes, teams, webhook_targets, webhooks
from kiko_livechat.state.inboxes import (
    ApiInboxFormState,
    InboxesState,
    InboxSettingsState,
    WebInboxFormState,
    checked_agents,
)
from kiko_livechat.state.teams import TeamCreateState, TeamEditState, TeamsState, as_id
from tests import factories
from tests.integration.state.states import snapshot, state_for


@pytest.fixture
def demo(app_db):
    """An account with an administrator, two agents (one deactivated later) and their sessions."""
    with Session(app_db, expire_on_commit=False) as db:
        acc = factories.account(db, name="Demo GmbH")
        admin = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        ben = factories.user(db, acc.id)
        clara = factories.user(db, acc.id)
        tokens = {
            "admin": factories.login(db, admin).token,
            "ben": factories.login(db, ben).token,
        }
    return {"account": acc, "admin": admin, "ben": ben, "clara": clara, "tokens": tokens, "engine": app_db}


def test_ids_and_ticked_agents_from_the_browser():
    assert (as_id("12"), as_id("-1"), as_id("en"), as_id(12), as_id(None)) == (12, None, None, None, None)
    assert checked_agents({"name": "x", "agent_3": "on", "agent_4": "", "agent_x": "on", "agent": "on"}) == ["3", "x"]


async def test_admin_creates_a_team_adds_and_removes_members(demo):
    admin, ben, clara = demo["tokens"]["admin"], demo["ben"], demo["clara"]
    create = state_for(TeamCreateState, admin)
    await create.create({"name": " Vertrieb ", "description": "Angebote", "allow_auto_assign": "on"})
    assert create.notice == "Team angelegt."
    listing = await create.get_state(TeamsState)
    (row,) = listing.teams
    assert (row.name, row.description, row.allow_auto_assign, row.members) == ("Vertrieb", "Angebote", True, [])
    assert {p.id for p in row.candidates} == {str(demo["admin"].id), str(ben.id), str(clara.id)}

    await listing.add_member({"team_id": row.id, "user_id": str(ben.id)})
    await listing.add_member({"team_id": row.id, "user_id": str(clara.id)})
    assert [m.name for m in listing.teams[0].members] == ["Test User", "Test User"]
    await listing.remove_member(row.id, str(clara.id))
    assert [m.id for m in listing.teams[0].members] == [str(ben.id)]
    assert str(clara.id) in {p.id for p in listing.teams[0].candidates}


async def test_refusals_are_translated_next_to_the_field_or_in_the_team_card(demo):
    admin = demo["tokens"]["admin"]
    create = state_for(TeamCreateState, admin)
    await create.create({"name": "Support"})
    await create.create({"name": "support"})
    assert create.errors == {"name": "Dieser Name ist schon vergeben."}
    await create.create({"name": "Sales", "description": "x" * 501})
    assert create.errors == {"description": "Höchstens 500 Zeichen."}
    listing = await create.get_state(TeamsState)
    team_ref = listing.teams[0].id
    before = snapshot(demo["engine"])
    await listing.add_member({"team_id": team_ref, "user_id": ""})
    assert (listing.failed_team, listing.errors) == (team_ref, {"": "Bitte wählen Sie eine der Möglichkeiten."})
    await listing.add_member({"team_id": team_ref, "user_id": "999999"})
    assert listing.errors == {"": "Nicht gefunden."}
    await listing.delete("not-a-number")
    assert (listing.failed_team, listing.errors) == ("not-a-number", {"": "Nicht gefunden."})
    assert snapshot(demo["engine"]) == before
    await listing.load()
    assert (listing.failed_team, listing.errors) == ("", {})


async def test_the_edit_dialog_saves_and_a_refusal_keeps_it_open(demo):
    admin = demo["tokens"]["admin"]
    with Session(demo["engine"]) as db:
        actor = factories.login(db, demo["admin"]).actor
        support = teams.create_team(db, actor=actor, name="Support")
        teams.create_team(db, actor=actor, name="Sales")
    edit = state_for(TeamEditState, admin)
    await edit.start(str(support))
    assert (edit.open, edit.team_name, edit.allow_auto_assign) == (True, "Support", True)
    await edit.save({"name": "Sales", "description": ""})
    assert edit.open and edit.errors == {"name": "Dieser Name ist schon vergeben."}
    await edit.save({"name": "Kundendienst", "description": "Alle Fragen"})  # the switch sent nothing: off
    assert not edit.open
    with Session(demo["engine"]) as db:
        team = db.get(Team, support)
        assert (team.name, team.description, team.allow_auto_assign) == ("Kundendienst", "Alle Fragen", False)


async def test_agents_see_their_own_teams_and_cannot_change_them(demo):
    with Session(demo["engine"]) as db:
        actor = factories.login(db, demo["admin"]).actor
        mine = teams.create_team(db, actor=actor, name="Mine")
        teams.create_team(db, actor=actor, name="Other")
        teams.add_team_member(db, actor=actor, team_id=mine, user_id=demo["ben"].id)
    listing = state_for(TeamsState, demo["tokens"]["ben"])
    await listing.load()
    assert [(t.name, t.candidates) for t in listing.teams] == [("Mine", [])]
    before = snapshot(demo["engine"])
    await listing.delete(str(mine))
    await listing.add_member({"team_id": str(mine), "user_id": str(demo["clara"].id)})
    assert listing.errors == {"": "Nur Administratoren dürfen das."}
    edit = state_for(TeamEditState, demo["tokens"]["ben"])
    await edit.start(str(mine))
    assert not edit.open
    assert snapshot(demo["engine"]) == before


def _inbox_page(page, inbox_ref: str) -> RouterData:
    """The router of `page`'s tab (its headers, the session cookie among them) once it shows
    the settings page of inbox `inbox_ref`."""
    address = f"/app/settings/inboxes/{inbox_ref}"
    headers = dict(page.router.headers.raw_headers)
    return RouterData.from_router_data({"pathname": routes.SETTINGS_INBOX, "asPath": address, "headers": headers})


async def test_a_web_inbox_is_created_and_its_settings_page_shows_the_snippet(demo):
    admin, ben = demo["tokens"]["admin"], demo["ben"]
    form = state_for(WebInboxFormState, admin)
    before = snapshot(demo["engine"])
    await form.create({"name": "Shop", "widget_color": "orange", "allowed_domains": ""})
    assert form.errors == {"widget_color": "Bitte eine Farbe wie #1f6feb angeben."}
    await form.create({"name": "Shop", "allowed_domains": "bad_domain"})
    assert form.errors == {"allowed_domains": "„bad_domain“ ist keine gültige Domain."}
    await form.create({"name": "Shop", f"agent_{ben.id}": "on", "agent_999999": "on"})
    assert form.errors == {"agent_ids": "Nicht gefunden."}
    assert snapshot(demo["engine"]) == before

    result = await form.create({"name": "Shop", "widget_color": "#FF6600", f"agent_{ben.id}": "on"})
    with Session(demo["engine"]) as db:
        inbox = db.exec(select(Inbox).where(Inbox.name == "Shop")).one()
    assert f"/app/settings/inboxes/{inbox.id}" in repr(result)

    page = state_for(InboxSettingsState, admin)
    page.router = _inbox_page(page, str(inbox.id))
    await page.load()
    assert (page.found, page.inbox_name, page.channel, page.widget_color) == (True, "Shop", "web_widget", "#ff6600")
    assert inbox.public_token in page.snippet and "/widget.js" in page.snippet
    assert [(a.id, a.selected) for a in page.agents if a.selected] == [(str(ben.id), True)]

    await page.save({"name": "Shop", "greeting": "Hallo", "allowed_domains": "shop.example.com, *.example.org"})
    assert page.notice == "Gespeichert."
    assert (page.greeting, page.allowed_domains, page.auto_assign) == (
        "Hallo",
        "shop.example.com\n*.example.org",
        False,
    )
    assert not any(a.selected for a in page.agents)  # no box ticked: nobody works it any more


async def test_an_api_inbox_token_is_shown_once_and_can_be_replaced(demo):
    admin = demo["tokens"]["admin"]
    form = state_for(ApiInboxFormState, admin)
    await form.create({"name": "Bot", "webhook_url": "ftp://x"})
    assert form.errors == {"webhook_url": "Bitte eine Adresse mit http:// oder https:// angeben."}
    await form.create({"name": "Bot", "webhook_url": "https://bot.example.com/hook"})
    first, created = form.bot_token, form.created_ref
    assert first and form.created_name == "Bot"
    listing = await form.get_state(InboxesState)
    assert [(i.name, i.channel) for i in listing.inboxes] == [("Bot", "api")]
    await listing.load()  # leaving or reloading the page: the token is gone for good
    assert (form.bot_token, form.created_ref) == ("", "")

    page = state_for(InboxSettingsState, admin)
    page.router = _inbox_page(page, created)
    await page.load()
    assert (page.channel, page.webhook_url, page.bot_token) == ("api", "https://bot.example.com/hook", "")
    await page.regenerate_token()
    assert page.bot_token not in ("", first)


async def test_inbox_pages_refuse_agents_and_unknown_inboxes(demo):
    listing = state_for(InboxesState, demo["tokens"]["ben"])
    await listing.load()
    assert (listing.allowed, listing.inboxes, listing.people) == (False, [], [])
    page = state_for(InboxSettingsState, demo["tokens"]["admin"])
    for ref in ("", "abc", "999999"):
        page.router = _inbox_page(page, ref)
        await page.load()
        assert (page.allowed, page.found, page.loaded) == (True, False, True)
    with Session(demo["engine"], expire_on_commit=False) as db:
        other = factories.account(db)
        foreign = factories.inbox(db, other.id)
    page.router = _inbox_page(page, str(foreign.id))
    await page.load()
    assert not page.found


async def test_the_delivery_log_shows_each_attempts_code_and_time_refusals_and_the_pause(demo):
    with Session(demo["engine"], expire_on_commit=False) as db:
        admin = factories.actor(db, demo["account"].id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url="https://bot.example.com/h")
        bot = api_access.resolve_api_token(db, token=created.api_token)
        # Times after the first retry's backoff: every delivery below is due then.
        later = utcnow() + timedelta(seconds=webhooks.BACKOFF_SECONDS[0] + 5)

        def event_and_attempt(name, at, **outcome):
            if name:
                contacts.create_contact(db, actor=bot, name=name, inbox_id=created.inbox.inbox_id)
            at = at or utcnow()
            (due,) = webhooks.claim_due(db, now=at)
            webhooks.record_result(db, delivery_id=due.delivery_id, now=at, **{"error": None, **outcome})

        event_and_attempt("A", None, status_code=500, duration_ms=12)  # fails once,
        event_and_attempt(None, later, status_code=200, duration_ms=8)  # then arrives
        event_and_attempt("B", later, status_code=None, refused="loopback", address="127.0.0.1", duration_ms=1)
        for n in range(webhook_targets.FAILURES_BEFORE_PAUSE):  # then the bot is down
            event_and_attempt(f"C{n}", later, status_code=None, error="ConnectError: refused", duration_ms=3)
    page = state_for(InboxSettingsState, demo["tokens"]["admin"])
    page.router = _inbox_page(page, str(created.inbox.inbox_id))
    await page.load()
    answers = [row["answer"] for row in reversed(page.deliveries)]
    assert answers[:3] == [
        "500, 12 ms · 200, 8 ms",
        "abgelehnt: 127.0.0.1 ist dieser Rechner (Loopback)",
        "keine Antwort, 3 ms",
    ]
    assert page.deliveries_paused.startswith("Zustellungen an diesen Webhook ruhen bis ")
    assert f"nach {webhook_targets.FAILURES_BEFORE_PAUSE} gescheiterten Versuchen" in page.deliveries_paused
