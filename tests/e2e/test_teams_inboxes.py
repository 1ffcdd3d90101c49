"""Settings > Teams and Settings > Inboxes in a real browser: administrators set them up,
agents see their own teams only and no inbox administration."""

import re

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import Session, select

from kiko_livechat.db import make_engine
from kiko_livechat.models import ApiAccessToken, Inbox
from kiko_livechat.services.tokens import hash_token
from kiko_livechat.settings import PROJECT_ROOT
from tests.e2e.helpers import PHONE, choose_language, expect_heading, fits_the_screen, login, url_of

pytestmark = pytest.mark.e2e

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _login(page: Page, live_app, index: int) -> None:
    person = live_app["demo"]["logins"][index]
    login(page, live_app["base"], person["email"], person["password"])


def _logout(page: Page) -> None:
    page.locator("#user-menu").click()
    page.locator("#logout").click()
    page.wait_for_url(re.compile(r".*/login/?$"))


def _add_member(page: Page, team: str, name: str) -> None:
    card = page.get_by_role("region", name=team)
    card.get_by_role("combobox", name=f"Agent für „{team}“ wählen").click()
    page.get_by_role("option", name=name).click()
    card.get_by_role("button", name="Hinzufügen").click()
    expect(_members(card).get_by_text(name, exact=True)).to_be_visible()


def _members(card):
    return card.get_by_role("list", name="Mitglieder")


def _create_team(page: Page, name: str, description: str = "") -> None:
    page.locator("#new-team-name").fill(name)
    page.locator("#new-team-description").fill(description)
    page.locator("#create-team").click()
    expect(page.get_by_role("region", name=name)).to_be_visible()


def _db(live_app) -> Session:
    return Session(make_engine(live_app["db_url"]))


def test_admin_sets_up_a_team_and_an_agent_sees_only_his_teams(live_app, page):
    base = live_app["base"]
    _login(page, live_app, 0)
    page.goto(f"{base}/app/settings/teams")
    expect_heading(page, "Einstellungen")
    support = page.get_by_role("region", name="Support")
    expect(_members(support)).to_have_text(re.compile("Ben Berger.*Clara Chen"))

    _create_team(page, "Vertrieb", "Angebote und Preise")
    expect(page.get_by_text("Team angelegt.")).to_be_visible()
    vertrieb = page.get_by_role("region", name="Vertrieb")
    expect(vertrieb.get_by_text("Angebote und Preise")).to_be_visible()
    expect(vertrieb.get_by_text("Automatische Zuweisung an")).to_be_visible()
    expect(vertrieb.get_by_text("Noch keine Mitglieder.")).to_be_visible()
    _add_member(page, "Vertrieb", "Ben Berger")
    _add_member(page, "Vertrieb", "Clara Chen")
    vertrieb.get_by_role("button", name="Clara Chen aus dem Team entfernen").click()
    expect(_members(vertrieb).get_by_text("Clara Chen")).to_have_count(0)
    expect(_members(vertrieb).get_by_text("Ben Berger")).to_be_visible()

    # The same name again (case does not count) is refused next to the field.
    page.locator("#new-team-name").fill("vertrieb")
    page.locator("#create-team").click()
    expect(page.get_by_text("Dieser Name ist schon vergeben.")).to_be_visible()
    expect(page.get_by_role("region", name="vertrieb", exact=True)).to_have_count(0)

    # Rename it and switch auto-assignment off in the edit dialog.
    vertrieb.get_by_role("button", name="Bearbeiten").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("#edit-team-name").fill("Vertrieb Nord")
    dialog.get_by_role("switch", name="Automatische Zuweisung erlauben").click()
    page.screenshot(path=str(ARTIFACTS / "team-edit-dialog.png"))
    dialog.get_by_role("button", name="Speichern").click()
    expect(dialog).to_have_count(0)
    renamed = page.get_by_role("region", name="Vertrieb Nord")
    expect(renamed.get_by_text("Automatische Zuweisung aus")).to_be_visible()

    # A team Ben is not in, and one that is deleted after a confirmation.
    _create_team(page, "Marketing")
    _add_member(page, "Marketing", "Clara Chen")
    _create_team(page, "Vorübergehend")
    page.get_by_role("region", name="Vorübergehend").get_by_role("button", name="Löschen").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Team löschen").click()
    expect(page.get_by_role("region", name="Vorübergehend")).to_have_count(0)

    page.set_viewport_size(PHONE)
    expect(renamed).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "teams-admin-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "teams-admin.png"), full_page=True)

    _logout(page)
    _login(page, live_app, 1)  # Ben Berger, an agent
    page.goto(f"{base}/app/settings/teams")
    expect_heading(page, "Ihre Teams")
    expect(page.get_by_role("region", name="Support")).to_be_visible()
    expect(page.get_by_role("region", name="Vertrieb Nord")).to_be_visible()
    expect(page.get_by_role("region", name="Marketing")).to_have_count(0)
    # Read-only: nothing to create, edit, delete or remove.
    expect(page.locator("#create-team")).to_have_count(0)
    expect(page.get_by_role("button", name="Bearbeiten")).to_have_count(0)
    expect(page.get_by_role("button", name=re.compile("entfernen"))).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "teams-agent.png"), full_page=True)

    page.goto(f"{base}/app/settings/inboxes")
    expect(page.get_by_text("Nur Administratoren können Posteingänge einrichten.")).to_be_visible()
    expect(page.locator("#create-web-inbox")).to_have_count(0)


def test_admin_creates_a_web_widget_inbox_and_gets_its_snippet(live_app, page):
    base = live_app["base"]
    _login(page, live_app, 0)
    page.goto(f"{base}/app/settings/inboxes")
    expect(page.get_by_role("region", name="Website").get_by_text("Website-Widget")).to_be_visible()
    expect(page.get_by_role("region", name="Kiko Bot").get_by_text("API (Bot)")).to_be_visible()
    expect(page.get_by_role("region", name="Website").get_by_text("Anna Admin, Ben Berger, Clara Chen")).to_be_visible()

    page.locator("#web-inbox-name").fill("Onlineshop")
    page.locator("#web-inbox-greeting").fill("Willkommen im Shop!")
    page.locator("#web-inbox-color").fill("#ff6600")
    page.locator("#web-inbox-domains").fill("shop.example.com\nbad_domain")
    page.get_by_role("checkbox", name="Ben Berger").click()
    page.locator("#create-web-inbox").click()
    expect(page.get_by_text("„bad_domain“ ist keine gültige Domain.")).to_be_visible()

    page.locator("#web-inbox-domains").fill("shop.example.com\n*.example.org")
    page.locator("#create-web-inbox").click()
    page.wait_for_url(re.compile(r".*/app/settings/inboxes/\d+$"))
    expect(page.locator("#inbox-heading")).to_have_text("Onlineshop")
    with _db(live_app) as db:
        inbox = db.exec(select(Inbox).where(Inbox.name == "Onlineshop")).one()
    assert (inbox.widget_color, inbox.allowed_domains) == ("#ff6600", ["shop.example.com", "*.example.org"])
    snippet = page.locator("#embed-snippet")
    expect(snippet).to_contain_text(inbox.public_token)
    expect(snippet).to_contain_text("/widget.js")
    expect(page.get_by_text("direkt vor </body>")).to_be_visible()
    expect(page.get_by_role("checkbox", name="Ben Berger")).to_be_checked()
    expect(page.get_by_role("checkbox", name="Clara Chen")).not_to_be_checked()

    # Change it: another greeting, Clara too, no auto-assignment, a reminder after 5 minutes.
    expect(page.locator("#inbox-unanswered")).to_have_value("2")
    page.locator("#inbox-unanswered").fill("5")
    page.locator("#inbox-greeting").fill("Hallo aus dem Shop")
    page.get_by_role("checkbox", name="Clara Chen").click()
    page.get_by_role("switch", name="Automatische Zuweisung").click()
    page.locator("#save-inbox").click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()
    page.reload()
    expect(page.locator("#inbox-greeting")).to_have_value("Hallo aus dem Shop")
    expect(page.locator("#inbox-unanswered")).to_have_value("5")
    expect(page.get_by_role("checkbox", name="Clara Chen")).to_be_checked()
    expect(page.get_by_role("switch", name="Automatische Zuweisung")).not_to_be_checked()
    expect(page.locator("#inbox-domains")).to_have_value("shop.example.com\n*.example.org")
    page.screenshot(path=str(ARTIFACTS / "inbox-web-settings.png"), full_page=True)
    page.set_viewport_size(PHONE)
    expect(snippet).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "inbox-web-settings-phone.png"), full_page=True)


def test_admin_creates_an_api_inbox_sees_its_token_once_and_regenerates_it(live_app, page):
    base = live_app["base"]
    _login(page, live_app, 0)
    page.goto(f"{base}/app/settings/inboxes")
    page.get_by_role("tab", name="API (Bot)").click()
    page.locator("#api-inbox-name").fill("Bot Zwei")
    page.locator("#api-inbox-webhook").fill("ftp://bot.example.com")
    page.locator("#create-api-inbox").click()
    expect(page.get_by_text("Bitte eine Adresse mit http:// oder https:// angeben.")).to_be_visible()

    page.locator("#api-inbox-webhook").fill("https://bot.example.com/hook")
    page.get_by_role("checkbox", name="Clara Chen").click()
    page.locator("#create-api-inbox").click()
    first = page.locator("#new-bot-token")
    expect(first).to_be_visible()
    expect(page.get_by_text("Es wird nicht noch einmal angezeigt.")).to_be_visible()
    first_token = first.inner_text().strip()
    expect(page.get_by_role("region", name="Bot Zwei").get_by_text("Clara Chen")).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "inbox-api-created.png"), full_page=True)
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    page.screenshot(path=str(ARTIFACTS / "inboxes-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})

    with _db(live_app) as db:
        inbox = db.exec(select(Inbox).where(Inbox.name == "Bot Zwei")).one()
        stored = db.exec(
            select(ApiAccessToken).where(ApiAccessToken.owner_type == "inbox", ApiAccessToken.owner_id == inbox.id)
        ).one()
    assert stored.token_hash == hash_token(first_token) and stored.revoked_at is None

    page.get_by_role("link", name="Zu den Einstellungen des Posteingangs").click()
    page.wait_for_url(url_of(f"{base}/app/settings/inboxes/{inbox.id}"))
    expect(page.locator("#api-inbox-id")).to_have_text(str(inbox.id))
    expect(page.locator("#api-account-id")).to_have_text(str(live_app["demo"]["account_id"]))
    expect(page.locator("#inbox-webhook")).to_have_value("https://bot.example.com/hook")
    expect(page.get_by_text(first_token)).to_have_count(0)  # the token is not shown again

    page.locator("#regenerate-token").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Neues Token erzeugen").click()
    second = page.locator("#regenerated-bot-token")
    expect(second).to_be_visible()
    expect(page.get_by_text("Das alte Token funktioniert nicht mehr.", exact=False)).to_be_visible()
    second_token = second.inner_text().strip()
    assert second_token and second_token != first_token
    with _db(live_app) as db:
        tokens = db.exec(
            select(ApiAccessToken).where(ApiAccessToken.owner_type == "inbox", ApiAccessToken.owner_id == inbox.id)
        ).all()
    active = [t.token_hash for t in tokens if t.revoked_at is None]
    assert active == [hash_token(second_token)]
    page.screenshot(path=str(ARTIFACTS / "inbox-api-settings.png"), full_page=True)

    # The page in English, live; back to German for the other tests of this app.
    choose_language(page, "English")
    expect(page.get_by_role("heading", name="Access for the bot")).to_be_visible()
    expect(page.get_by_text("The old token no longer works.", exact=False)).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "inbox-api-settings-en.png"), full_page=True)
    choose_language(page, "Deutsch")
    expect(page.get_by_role("heading", name="Zugang für den Bot")).to_be_visible()


# Where the rendered text of `el` moves on to a new line: the characters on both sides and around.
LINE_BREAKS_JS = """el => {
    const text = el.firstChild.nodeType === Node.TEXT_NODE ? el.firstChild : el.querySelector("*").firstChild;
    const range = document.createRange();
    const breaks = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
        if (text.data[i] === "\\n") { top = null; continue; }
        range.setStart(text, i);
        range.setEnd(text, i + 1);
        const rect = range.getClientRects()[0];
        if (!rect) continue;
        if (top !== null && rect.top > top + 2) {
            breaks.push([text.data[i - 1], text.data[i], text.data.slice(i - 8, i + 8)]);
        }
        top = rect.top;
    }
    return breaks;
}"""


def test_the_embed_snippet_wraps_only_between_words_and_copies(live_app, page):
    base = live_app["base"]
    _login(page, live_app, 0)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{base}/app/settings/inboxes")
    page.get_by_role("region", name="Website").get_by_role("link", name="Website").click()
    snippet = page.locator("#embed-snippet")
    expect(snippet).to_contain_text("/widget.js")
    for size, name in (({"width": 1280, "height": 800}, "embed-snippet"), (PHONE, "embed-snippet-phone")):
        page.set_viewport_size(size)
        snippet.scroll_into_view_if_needed()
        # Lines wrap at spaces (or after a hyphen, as text does), never inside a word ("ht tp://").
        for before, after, around in snippet.evaluate(LINE_BREAKS_JS):
            assert before.isspace() or after.isspace() or before == "-", f"the snippet breaks inside a word: {around!r}"
        assert fits_the_screen(page)
        snippet.screenshot(path=str(ARTIFACTS / f"{name}.png"))
        page.screenshot(path=str(ARTIFACTS / f"{name}-page.png"))
    page.locator("#embed-snippet-copy").click()
    assert page.evaluate("navigator.clipboard.readText()") == snippet.inner_text()
