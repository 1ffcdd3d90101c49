"""Canned responses as people use them: an administrator sets one up in settings; an agent
types "/hal" in a live conversation, picks with the keyboard, and the visitor gets the text
with its variables filled in; Esc leaves what was typed."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, fits_the_screen, login

pytestmark = pytest.mark.e2e

SETTINGS = "/app/settings/canned-responses"
HALLO = "Hallo {{contact.name}}, hier ist {{agent.name}}. Wie kann ich Ihnen weiterhelfen?"


def _create(page, code: str, content: str) -> None:
    page.locator("#new-canned-short-code").fill(code)
    page.locator("#new-canned-content").fill(content)
    page.locator("#create-canned").click()


def test_an_administrator_sets_up_canned_responses(live_app, browser, page):
    base, admin = live_app["base"], live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.goto(base + SETTINGS)
    expect(page.locator("#create-canned")).to_be_visible()
    _create(page, "/hallo", HALLO)
    expect(page.locator(".canned-row", has_text="/hallo")).to_be_visible()
    expect(page.locator(".canned-row .canned-content", has_text="{{contact.name}}")).to_be_visible()
    _create(page, "hallo-abend", "Guten Abend!\nSchön, dass Sie schreiben.")
    expect(page.locator(".canned-row", has_text="/hallo-abend")).to_be_visible()
    # Bad input: a message next to the field, nothing created.
    _create(page, "Hallo", "Noch einmal")
    expect(page.get_by_text("Der Funktionscode „Hallo“ ist schon vergeben.")).to_be_visible()
    _create(page, "mit leerzeichen", "x")
    expect(page.get_by_text("Nur Buchstaben, Ziffern, - und _ (keine Leerzeichen).")).to_be_visible()
    _create(page, "html", "<b>fett</b>")
    expect(page.locator(".canned-row .canned-content", has_text="<b>fett</b>")).to_be_visible()
    expect(page.locator(".canned-row")).to_have_count(3)
    # Edit, then delete one.
    row = page.locator(".canned-row", has_text="/html")
    row.get_by_role("button", name="Bearbeiten").click()
    page.locator("#edit-canned-content").fill("Nur Text, kein <i>HTML</i>")
    page.locator("#save-canned").click()
    expect(page.locator(".canned-row .canned-content", has_text="Nur Text, kein <i>HTML</i>")).to_be_visible()
    page.locator(".canned-row", has_text="/html").get_by_role("button", name="Löschen").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Textbaustein löschen").click()
    expect(page.locator(".canned-row")).to_have_count(2)
    page.screenshot(path="test-artifacts/canned-settings-desktop.png", full_page=True)
    page.locator("#canned-search").fill("abend")
    page.locator("#canned-search").press("Enter")
    expect(page.locator(".canned-row")).to_have_count(1)
    page.locator("#canned-search").fill("")
    page.locator("#canned-search").press("Enter")
    expect(page.locator(".canned-row")).to_have_count(2)

    phone = browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    login(phone, base, admin["email"], admin["password"])
    phone.goto(base + SETTINGS)
    expect(phone.locator(".canned-row", has_text="/hallo-abend")).to_be_visible()
    assert fits_the_screen(phone)
    phone.screenshot(path="test-artifacts/canned-settings-phone.png", full_page=True)
    phone.context.close()


def _visitor(browser, live_app):
    context = browser.new_context(viewport={"width": 400, "height": 640}, locale="de-DE")
    visitor = context.new_page()
    visitor.set_default_timeout(20000)
    visitor.goto(f"{live_app['base']}/widget/{live_app['demo']['web_inbox_token']}")
    return visitor


def _open_conversation(page, visitor, text: str) -> None:
    visitor.locator("#widget-composer").fill(text)
    visitor.locator("#widget-composer").press("Enter")
    row = page.locator(".conversation-row", has_text=text)
    expect(row).to_be_visible()
    row.click()
    expect(page.locator(".message", has_text=text)).to_be_visible()


def test_an_agent_picks_a_canned_response_with_the_keyboard(live_app, browser, page):
    base, admin = live_app["base"], live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.goto(base + SETTINGS)
    if page.locator(".canned-row", has_text="/hallo-abend").count() == 0:  # run alone
        _create(page, "hallo", HALLO)
        _create(page, "hallo-abend", "Guten Abend!\nSchön, dass Sie schreiben.")
        expect(page.locator(".canned-row", has_text="/hallo-abend")).to_be_visible()
    page.goto(base + "/app/inbox")
    visitor = _visitor(browser, live_app)
    _open_conversation(page, visitor, "Ich brauche Hilfe mit meiner Rechnung")

    composer, picker = page.locator("#composer"), page.locator("#canned-picker")
    composer.press_sequentially("/hal")
    options = picker.get_by_role("option")
    expect(options).to_have_count(2)
    expect(options.nth(0)).to_contain_text("/hallo")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    page.screenshot(path="test-artifacts/canned-picker-desktop.png")
    composer.press("ArrowDown")
    expect(options.nth(1)).to_have_attribute("aria-selected", "true")
    composer.press("ArrowUp")
    expect(options.nth(0)).to_have_attribute("aria-selected", "true")
    composer.press("Enter")  # inserts; does not send
    expect(picker.get_by_role("option")).to_have_count(0)
    # The visitor gave no name: the variable leaves nothing behind, not even its space.
    filled = "Hallo, hier ist Anna Admin. Wie kann ich Ihnen weiterhelfen?"
    expect(composer).to_have_value(filled)
    expect(page.locator(".message", has_text=filled)).to_have_count(0)
    composer.press("Enter")
    expect(visitor.locator(".widget-message", has_text=filled)).to_be_visible()
    expect(composer).to_have_value("")

    # Tab inserts too, after other text; the mouse works as well.
    composer.press_sequentially("Zum Schluss: /abend")
    expect(picker.get_by_role("option")).to_have_count(1)
    composer.press("Tab")
    expect(composer).to_have_value("Zum Schluss: Guten Abend!\nSchön, dass Sie schreiben.")
    composer.fill("")
    composer.press_sequentially("/hallo-")
    picker.get_by_role("option").first.click()
    expect(composer).to_have_value("Guten Abend!\nSchön, dass Sie schreiben.")
    expect(composer).to_be_focused()
    composer.fill("")

    # Esc closes and leaves the typed text; Enter then sends it as typed.
    composer.press_sequentially("/hallo")
    expect(picker.get_by_role("option")).to_have_count(2)
    composer.press("Escape")
    expect(picker.get_by_role("option")).to_have_count(0)
    expect(composer).to_have_value("/hallo")
    composer.press("Enter")
    expect(visitor.locator(".widget-message", has_text="/hallo")).to_be_visible()

    # No match: the picker says so, and Enter sends what was typed (the picker goes with it).
    composer.press_sequentially("/zzzz")
    expect(picker.locator(".canned-empty")).to_have_text("Kein Textbaustein passt.")
    composer.press("Enter")
    expect(visitor.locator(".widget-message", has_text="/zzzz")).to_be_visible()
    expect(picker.locator(".canned-empty")).to_have_count(0)
    expect(composer).to_have_value("")

    # In a private note too; a "/" inside a word (an address) opens nothing.
    page.locator("#note-mode").click()
    composer.press_sequentially("siehe https://example.com/hal")
    page.wait_for_timeout(300)
    expect(picker.get_by_role("option")).to_have_count(0)
    composer.fill("")
    composer.press_sequentially("/hallo-a")
    expect(picker.get_by_role("option")).to_have_count(1)
    composer.press("Enter")
    composer.press("Enter")
    expect(page.locator(".private-note", has_text="Guten Abend!")).to_be_visible()
    assert visitor.get_by_text("Guten Abend!").count() == 0

    # On a phone the picker fits under the composer.
    page.set_viewport_size(PHONE)
    composer.press_sequentially("/hal")
    expect(picker.get_by_role("option")).to_have_count(2)
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/canned-picker-phone.png")
    visitor.context.close()


def test_an_agent_keeps_personal_ones_and_reads_the_accounts(live_app, browser):
    base, agent = live_app["base"], live_app["demo"]["logins"][1]
    page = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE").new_page()
    page.set_default_timeout(20000)
    login(page, base, agent["email"], agent["password"])
    page.goto(base + SETTINGS)
    expect(page.locator("#create-canned")).to_be_visible()
    expect(page.locator("#new-canned-personal")).to_have_count(0)  # theirs are personal anyway
    _create(page, "meins", "Mein eigener Gruß")
    mine = page.locator(".canned-row", has_text="/meins")
    expect(mine).to_contain_text("Persönlich")
    expect(mine.get_by_role("button", name="Bearbeiten")).to_be_visible()
    # The account's are there to use, not to change.
    shared = page.locator(".canned-row", has_text="Ganzes Konto")
    if shared.count():
        expect(shared.first.get_by_role("button", name="Bearbeiten")).to_have_count(0)
    page.screenshot(path="test-artifacts/canned-settings-agent.png")
    page.context.close()


# Records, in the page, the time from each key pressed in the composer to the picker's next
# change on screen (its rows replaced by the answer): what the agent waits for per keystroke.
_WATCH = """() => {
  window.__cannedTimes = [];
  window.__cannedKey = null;
  window.addEventListener("keydown", (e) => {
    if (e.target.id === "composer" && e.key.length === 1) window.__cannedKey = performance.now();
  }, true);
  new MutationObserver(() => {
    if (window.__cannedKey !== null) {
      window.__cannedTimes.push(performance.now() - window.__cannedKey);
      window.__cannedKey = null;
    }
  }).observe(document.getElementById("canned-picker"), { childList: true, subtree: true });
}"""


def test_the_picker_answers_each_keystroke_with_5000_canned_responses(live_app, browser, page):
    import statistics

    import sqlalchemy as sa

    from kiko_livechat.db import make_engine
    from kiko_livechat.models import CannedResponse

    base, demo = live_app["base"], live_app["demo"]
    engine = make_engine(live_app["db_url"])
    words = ("hallo", "danke", "termin", "lieferung", "rechnung")
    rows = [
        {"account_id": demo["account_id"], "short_code": f"last-{words[i % 5]}-{i}",
         "content": f"Textbaustein {i}: Vielen Dank für Ihre Geduld, wir melden uns bis morgen."}
        for i in range(5000)
    ]  # fmt: skip
    with engine.begin() as conn:
        conn.execute(sa.insert(CannedResponse), rows)
    try:
        login(page, base, demo["logins"][0]["email"], demo["logins"][0]["password"])
        visitor = _visitor(browser, live_app)
        _open_conversation(page, visitor, "Eine Frage zu vielen Textbausteinen")
        page.evaluate(_WATCH)
        composer, options = page.locator("#composer"), page.locator("#canned-picker").get_by_role("option")
        # Typed at a brisk pace (every 120 ms), each key answered before the next.
        composer.press_sequentially("/last-term", delay=120)
        expect(options.first).to_contain_text("/last-termin-")
        composer.fill("")
        composer.press_sequentially("/geduld", delay=120)  # found in the texts only
        expect(options).to_have_count(8)
        page.wait_for_timeout(300)
        times = page.evaluate("window.__cannedTimes")
        print(f"\nkeystroke -> picker rows on screen, 5000 canned responses, {len(times)} keys: "
              f"median {statistics.median(times):.0f} ms, max {max(times):.0f} ms")  # fmt: skip
        assert len(times) >= 12
        assert statistics.median(times) < 50
        visitor.context.close()
    finally:
        with engine.begin() as conn:
            conn.execute(sa.delete(CannedResponse).where(CannedResponse.short_code.like("last-%")))
        engine.dispose()
