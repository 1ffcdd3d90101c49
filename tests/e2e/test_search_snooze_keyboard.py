"""Search over the list (Ctrl+K, a word of a message, the match marked as text), snoozing
with a preset in the browser's time zone, and the keyboard shortcuts, as an agent uses them."""

import itertools

import httpx
import pytest
from playwright.sync_api import expect

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


def _handed_over(bot, name: str, text: str) -> int:
    client, inbox_id = bot
    source = f"ssk-{next(_numbers)}-{name}"
    client.post("/contacts", json={"name": name, "inbox_id": inbox_id, "source_id": source}).raise_for_status()
    number = client.post("/conversations", json={"source_id": source, "inbox_id": inbox_id}).json()["id"]
    client.post(f"/conversations/{number}/messages", json={"content": text, "message_type": "incoming"})
    client.post(f"/conversations/{number}/toggle_status", json={"status": "open"}).raise_for_status()
    return number


def _admin(live_app, page):
    admin = live_app["demo"]["logins"][0]
    login(page, live_app["base"], admin["email"], admin["password"])


def _search(page, text: str) -> None:
    page.keyboard.press("Control+KeyK")
    assert page.evaluate("document.activeElement.id") == "conversation-search"
    page.keyboard.type(text)


def test_search_finds_a_word_of_a_message_and_marks_it_as_text(live_app, page, bot):
    number = _handed_over(bot, "Svenja Suche", "Mein <b>Regenschirm</b> ist beim Versand kaputt gegangen")
    for i in range(3):
        _handed_over(bot, f"Anderer Kunde {i}", "Eine ganz andere Frage")
    _admin(live_app, page)
    expect(page.locator(".conversation-row").first).to_be_visible()
    _search(page, "regensch")
    result = page.locator(".search-result", has_text="Svenja Suche")
    expect(result).to_have_count(1)
    expect(page.locator(".search-result")).to_have_count(1)
    hit = result.locator(".search-hit")
    expect(hit).to_have_text("Regensch")
    # The message's markup is shown as the characters it is, never as HTML.
    expect(result.locator(".search-snippet")).to_contain_text("<b>Regenschirm</b>")
    assert result.locator(".search-snippet b").count() == 0
    page.screenshot(path="test-artifacts/search-results-desktop.png")
    result.click()
    expect(page.locator("#conversation-title")).to_have_text("Svenja Suche")
    expect(page.locator(".search-result")).to_have_count(1)  # the results stay beside it
    assert page.url.endswith(f"/app/conversations/{number}")

    # Input that is query syntax elsewhere is text here; an empty search says so.
    box = page.locator("#conversation-search")
    box.fill('"*:&(')
    expect(page.locator("#search-error")).to_have_count(0)
    box.fill("")
    expect(page.locator(".conversation-row").first).to_be_visible()  # emptied: the list is back
    box.press("Enter")
    expect(page.locator("#search-error")).to_have_text("Bitte einen Suchbegriff eingeben.")


def test_search_on_a_phone(live_app, browser, bot):
    _handed_over(bot, "Paul Telefon", "Die Lieferadresse stimmt nicht")
    page = browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    page.set_default_timeout(20000)
    _admin(live_app, page)
    expect(page.locator(".conversation-row").first).to_be_visible()
    page.locator("#conversation-search").fill("lieferadr")
    expect(page.locator(".search-result", has_text="Paul Telefon").locator(".search-hit")).to_have_text("Lieferadr")
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/search-results-phone.png")
    page.context.close()


def _open(live_app, page, number: int) -> None:
    page.goto(f"{live_app['base']}/app/conversations/{number}")
    expect(page.locator("#conversation-title")).to_be_visible()


def test_snooze_for_an_hour_in_the_browsers_time_zone(live_app, browser, bot):
    number = _handed_over(bot, "Sina Schlummer", "Bitte melden Sie sich morgen")
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE", timezone_id="Asia/Tokyo")
    page = context.new_page()
    page.set_default_timeout(20000)
    _admin(live_app, page)
    _open(live_app, page, number)
    page.locator("#snooze-button").click()
    expect(page.locator("#snooze-menu")).to_be_visible()
    expect(page.locator("#snooze-zone")).to_contain_text("Asia/Tokyo")
    page.screenshot(path="test-artifacts/snooze-menu-desktop.png")
    # A time in the past is refused in the menu, which stays open; nothing changed.
    page.locator("#snooze-until").fill("2020-01-01T09:00")
    page.locator("#snooze-custom").click()
    expect(page.locator("#snooze-error")).to_have_text("Bitte einen Zeitpunkt in der Zukunft wählen.")
    expect(page.locator("#conversation-status")).to_have_text("Offen")
    page.locator("#snooze-in-one-hour").click()
    expect(page.locator("#snooze-menu")).to_have_count(0)
    expect(page.locator("#conversation-status")).to_have_text("Zurückgestellt")
    page.locator("#tab-snoozed").click()
    row = page.locator(".conversation-row", has_text="Sina Schlummer")
    expect(row.locator(".wakes")).to_contain_text("bis")
    # The wake-up time is Tokyo's: one hour from now there.
    hour = page.evaluate(
        "new Date(Date.now() + 3600e3).toLocaleTimeString('de-DE', {timeZone: 'Asia/Tokyo', hour: '2-digit'})"
    )
    expect(row.locator(".wakes")).to_contain_text(f"{int(hour.split()[0]):02d}:")
    page.screenshot(path="test-artifacts/snooze-wakeup-in-list.png")
    context.close()


def test_snooze_menu_on_a_phone(live_app, browser, bot):
    number = _handed_over(bot, "Pia Pause", "Später")
    page = browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    page.set_default_timeout(20000)
    _admin(live_app, page)
    _open(live_app, page, number)
    page.locator("#snooze-button").click()
    expect(page.locator("#snooze-menu")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/snooze-menu-phone.png")
    page.context.close()


def test_keyboard_shortcuts(live_app, page, bot):
    number = _handed_over(bot, "Karl Kürzel", "Tastatur bitte")
    _admin(live_app, page)
    _open(live_app, page, number)
    composer = page.locator("#composer")
    composer.click()
    # `?` in a text field is a question mark, not the shortcut list.
    page.keyboard.type("Geht das?")
    expect(composer).to_have_value("Geht das?")
    expect(page.locator("#shortcuts-dialog")).to_have_count(0)
    # Alt+N switches to a private note and back, from the composer too.
    page.keyboard.press("Alt+KeyN")
    expect(page.locator("#note-mode")).to_have_attribute("aria-checked", "true")
    page.keyboard.press("Alt+KeyN")
    expect(page.locator("#note-mode")).to_have_attribute("aria-checked", "false")
    # Alt+N in the search box would surprise: nothing happens.
    page.locator("#conversation-search").focus()
    page.keyboard.press("Alt+KeyN")
    page.wait_for_timeout(300)
    expect(page.locator("#note-mode")).to_have_attribute("aria-checked", "false")
    # Outside a field, `?` lists the shortcuts.
    page.locator("#conversation-title").click()
    page.keyboard.press("?")
    dialog = page.locator("#shortcuts-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".shortcut")).to_have_count(8)
    expect(dialog).to_contain_text("Strg/⌘ + K")
    page.screenshot(path="test-artifacts/shortcuts-dialog.png")
    page.keyboard.press("Escape")
    expect(dialog).to_have_count(0)
    # Enter sends what the composer holds (Shift+Enter is a new line).
    composer.click()
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("Ja.")
    page.keyboard.press("Enter")
    expect(page.locator(".message", has_text="Geht das?")).to_have_count(1)
    expect(composer).to_have_value("")
    # Alt+R resolves.
    page.keyboard.press("Alt+KeyR")
    expect(page.locator("#conversation-status")).to_have_text("Gelöst")
