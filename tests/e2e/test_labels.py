"""Labels as people use them: an administrator sets them up in settings, an agent puts them on a
conversation (chips in the header and the list row) and resolves with a label, and another
agent's sidebar folder counts the change without a reload."""

import itertools

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import Session

from kiko_livechat.db import make_engine
from kiko_livechat.models import Label
from tests.e2e.helpers import PHONE, fits_the_screen, login

pytestmark = pytest.mark.e2e

_numbers = itertools.count(1)


@pytest.fixture
def bot(live_app):
    demo = live_app["demo"]
    client = httpx.Client(
        base_url=f"{live_app['base']}/api/v1/accounts/{demo['account_id']}",
        headers={"api_access_token": demo["api_token"]},
        timeout=20,
    )
    yield client, demo["api_inbox_id"]
    client.close()


def _handed_over(bot, name: str) -> int:
    """An open conversation the bot handed to the humans."""
    client, inbox_id = bot
    source = f"lb-{next(_numbers)}-{name}"
    client.post("/contacts", json={"name": name, "inbox_id": inbox_id, "source_id": source}).raise_for_status()
    number = client.post("/conversations", json={"source_id": source, "inbox_id": inbox_id}).json()["id"]
    client.post(f"/conversations/{number}/messages", json={"content": "Hallo", "message_type": "incoming"})
    client.post(f"/conversations/{number}/toggle_status", json={"status": "open"}).raise_for_status()
    return number


def _labels(live_app, *titles: str, sidebar: bool = True) -> None:
    """Labels an administrator set up earlier (settings are tested on their own below)."""
    engine = make_engine(live_app["db_url"])
    try:
        with Session(engine) as db:
            for title in titles:
                db.add(Label(account_id=live_app["demo"]["account_id"], title=title, show_on_sidebar=sidebar))
            db.commit()
    finally:
        engine.dispose()


def _person(live_app, index: int) -> dict:
    return live_app["demo"]["logins"][index]


def _sign_in(live_app, page, index: int) -> None:
    person = _person(live_app, index)
    login(page, live_app["base"], person["email"], person["password"])


def test_an_administrator_creates_and_edits_labels_in_settings(live_app, page):
    _sign_in(live_app, page, 0)
    page.goto(f"{live_app['base']}/app/settings/labels")
    page.locator("#new-label").click()
    page.locator("#label-title").fill("rückruf")
    page.locator("#label-description").fill("Kunde möchte <b>angerufen</b> werden")
    page.locator(".color-preset[aria-label='#dc2626']").click()
    expect(page.locator("#label-color")).to_have_value("#dc2626")
    page.screenshot(path="test-artifacts/labels-dialog-1280.png")
    page.locator("#save-label").click()
    row = page.locator(".label-row[data-label='rückruf']")
    expect(row).to_be_visible()
    # Text, never HTML: the tags show as typed.
    expect(row).to_contain_text("Kunde möchte <b>angerufen</b> werden")
    expect(row.locator(".label-count")).to_have_text("0")
    chip_color = row.locator(".label-chip").evaluate("el => getComputedStyle(el).backgroundColor")
    assert chip_color == "rgb(220, 38, 38)"

    # The same title again, and a title with a space: a message next to the field, nothing saved.
    page.locator("#new-label").click()
    page.locator("#label-title").fill("Rückruf")
    page.locator("#save-label").click()
    expect(page.get_by_role("dialog").get_by_role("alert")).to_contain_text("Das Label „rückruf“ gibt es schon.")
    page.locator("#label-title").fill("zwei worte")
    page.locator("#save-label").click()
    expect(page.get_by_role("dialog").get_by_role("alert")).to_contain_text("Nur Kleinbuchstaben")
    page.keyboard.press("Escape")
    assert page.locator(".label-row[data-label='zwei worte']").count() == 0

    # Edit: the dialog opens with the stored values.
    row.get_by_role("button", name="Bearbeiten").click()
    expect(page.locator("#label-title")).to_have_value("rückruf")
    page.locator("#label-title").fill("rueckruf")
    page.locator("#save-label").click()
    expect(page.locator(".label-row[data-label='rueckruf']")).to_be_visible()
    expect(page.locator(".label-row[data-label='rückruf']")).to_have_count(0)
    page.screenshot(path="test-artifacts/labels-settings-1280.png")
    page.set_viewport_size(PHONE)
    # On a phone each label is a card with its actions in reach (the table would run off the screen).
    card = page.locator(".label-card[data-label='rueckruf']")
    expect(card).to_be_visible()
    expect(card.get_by_role("button", name="Bearbeiten")).to_be_in_viewport()
    expect(card.get_by_role("button", name="Löschen")).to_be_in_viewport()
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/labels-settings-390.png", full_page=True)

    # Delete asks first.
    page.set_viewport_size({"width": 1280, "height": 800})
    page.locator(".label-row[data-label='rueckruf']").get_by_role("button", name="Löschen").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Label löschen").click()
    expect(page.locator(".label-row[data-label='rueckruf']")).to_have_count(0)


def test_an_agent_labels_a_conversation_and_resolves_with_a_label(live_app, page, bot):
    _labels(live_app, "vip", "erledigt")
    number = _handed_over(bot, "Lena Label")
    _sign_in(live_app, page, 1)  # Ben, an agent
    page.goto(f"{live_app['base']}/app/conversations/{number}")
    expect(page.locator("#conversation-title")).to_have_text("Lena Label")
    page.evaluate("window.__noReload = true")

    page.locator("#add-label").click()
    page.locator("#label-search").fill("vi")
    expect(page.locator(".label-option[data-label='erledigt']")).to_have_count(0)
    page.locator(".label-option[data-label='vip']").click()
    header = page.locator("#conversation-labels")
    expect(header.locator(".label-chip[data-label='vip']")).to_be_visible()
    # Agents apply labels; creating one is for administrators.
    page.locator("#label-search").fill("neu_hier")
    expect(page.locator("#create-label-here")).to_have_count(0)
    page.keyboard.press("Escape")
    row = page.locator(f".conversation-row[data-number='{number}']")
    expect(row.locator(".label-chip[data-label='vip']")).to_be_visible()
    page.screenshot(path="test-artifacts/labels-conversation-1280.png")

    page.locator("#resolve-options").click()
    page.get_by_role("menuitem", name="Mit Labels lösen …").click()
    dialog = page.get_by_role("dialog")
    dialog.locator(".resolve-label", has_text="erledigt").get_by_role("checkbox").click()
    dialog.locator("#confirm-resolve").click()
    expect(page.locator("#conversation-status")).to_have_text("Gelöst")
    # A resolved conversation shows its labels, old and new.
    expect(header.locator(".label-chip[data-label='erledigt']")).to_be_visible()
    expect(header.locator(".label-chip[data-label='vip']")).to_be_visible()
    assert page.evaluate("window.__noReload === true")

    page.set_viewport_size(PHONE)
    expect(header.locator(".label-chip[data-label='erledigt']")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/labels-conversation-390.png")


def test_the_sidebar_folder_counts_live_in_another_agents_tab(live_app, page, browser, bot):
    _labels(live_app, "rechnung")
    first, second = _handed_over(bot, "Rita Rechnung"), _handed_over(bot, "Rolf Rechnung")
    _sign_in(live_app, page, 2)  # Clara watches her inbox
    folder = page.locator("#label-folders .label-folder[data-label='rechnung']")
    expect(folder).to_be_visible()
    expect(folder.locator(".folder-count")).to_have_count(0)  # none yet
    page.evaluate("window.__noReload = true")

    other = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    try:
        ben = other.new_page()
        ben.set_default_timeout(20000)
        _sign_in(live_app, ben, 1)
        for number, count in ((first, "1"), (second, "2")):
            ben.goto(f"{live_app['base']}/app/conversations/{number}")
            ben.locator("#add-label").click()
            ben.locator(".label-option[data-label='rechnung']").click()
            expect(ben.locator("#conversation-labels .label-chip[data-label='rechnung']")).to_be_visible()
            ben.keyboard.press("Escape")
            expect(folder.locator(".folder-count")).to_have_text(count)
            # Clara's list shows the chip on the row, live too.
            expect(page.locator(f".conversation-row[data-number='{number}'] .label-chip")).to_have_text("rechnung")
    finally:
        other.close()
    assert page.evaluate("window.__noReload === true")

    # A click on the folder filters the list by the label.
    folder.click()
    expect(page.locator(".conversation-row")).to_have_count(2)
    expect(page.locator(".active-label-filter", has_text="rechnung")).to_be_visible()
    expect(folder).to_have_attribute("aria-current", "page")


def test_the_filter_bar_combines_labels_with_and(live_app, page, bot):
    _labels(live_app, "mahnung", "eilig", sidebar=False)
    both, one = _handed_over(bot, "Bea Beides"), _handed_over(bot, "Olaf Eines")
    client, _ = bot
    client.post(f"/conversations/{both}/labels", json={"labels": ["mahnung", "eilig"]}).raise_for_status()
    client.post(f"/conversations/{one}/labels", json={"labels": ["mahnung"]}).raise_for_status()
    _sign_in(live_app, page, 0)
    page.locator("#label-filter").click()
    page.locator(".label-filter-item[data-label='mahnung']").get_by_role("checkbox").click()
    expect(page.locator(".conversation-row")).to_have_count(2)
    page.locator(".label-filter-item[data-label='eilig']").get_by_role("checkbox").click()
    expect(page.locator(".conversation-row")).to_have_count(1)
    expect(page.locator(f".conversation-row[data-number='{both}']")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#label-filter")).to_have_text("2")
    # Dropping one label widens the list again; combined with the status tab it still holds.
    page.locator(".active-label-filter", has_text="eilig").get_by_role("button").click()
    expect(page.locator(".conversation-row")).to_have_count(2)
    page.locator("#tab-resolved").click()
    expect(page.locator(".conversation-row")).to_have_count(0)
