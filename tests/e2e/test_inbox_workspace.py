"""The agents' inbox as they expect it: the list beside the open conversation and the contact
(one pane at a time on a phone), previews of what people wrote, what the bot still holds, and
one name per visitor everywhere."""

import itertools

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, fits_the_screen, login, url_of

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


def _bot_conversation(bot, name: str, lines: list[tuple[str, str]], hand_over: bool = True) -> int:
    """A conversation the bot had with `name`; handed to the humans unless `hand_over` is False."""
    client, inbox_id = bot
    source = f"ws-{next(_numbers)}-{name}"
    client.post("/contacts", json={"name": name, "inbox_id": inbox_id, "source_id": source}).raise_for_status()
    number = client.post("/conversations", json={"source_id": source, "inbox_id": inbox_id}).json()["id"]
    for kind, text in lines:
        client.post(f"/conversations/{number}/messages", json={"content": text, "message_type": kind})
    if hand_over:
        client.post(f"/conversations/{number}/toggle_status", json={"status": "open"}).raise_for_status()
    return number


def _admin(live_app, page):
    admin = live_app["demo"]["logins"][0]
    login(page, live_app["base"], admin["email"], admin["password"])


def _row(page, text: str):
    return page.locator(".conversation-row", has_text=text)


def test_the_list_stays_beside_the_conversation_with_its_filters_and_scroll(live_app, page, bot):
    names = [f"Kundin {i:02d}" for i in range(16)]
    for name in names:
        _bot_conversation(bot, name, [("incoming", f"Frage von {name}")])
    _admin(live_app, page)
    base = live_app["base"]
    expect(page.locator("#nothing-open")).to_be_visible()
    page.evaluate("window.__noReload = true")
    # A filter the agent chose is kept while they move between conversations.
    page.locator("#tab-all").click()
    expect(_row(page, "Kundin 00")).to_be_visible()
    # The row to open is scrolled into view (as the click would); the list is scrolled.
    _row(page, "Kundin 00").scroll_into_view_if_needed()
    scrolled = page.locator("#conversation-list").evaluate("el => el.scrollTop")
    assert scrolled > 0

    _row(page, "Kundin 00").click()
    expect(page.locator("#conversation-title")).to_have_text("Kundin 00")
    assert page.url.startswith(f"{base}/app/conversations/")
    expect(page.locator("#list-pane")).to_be_visible()
    expect(page.locator("#contact-pane")).to_be_visible()
    expect(_row(page, "Kundin 00")).to_have_attribute("aria-current", "page")
    expect(page.locator("#back-to-list")).to_be_hidden()  # the list is right there
    expect(page.locator("#details-button")).to_be_hidden()  # and so is the contact
    # The list came along with its scroll position (the page under it changed).
    expect(page.locator("#conversation-list")).to_have_js_property("scrollTop", scrolled)
    page.locator("#conversation-list").evaluate("el => { el.dataset.mark = 'same'; }")

    _row(page, "Kundin 01").click()
    expect(page.locator("#conversation-title")).to_have_text("Kundin 01")
    expect(_row(page, "Kundin 01")).to_have_attribute("aria-current", "page")
    expect(_row(page, "Kundin 00")).to_have_attribute("aria-current", "false")
    assert page.locator("#conversation-list").evaluate("el => el.dataset.mark") == "same"  # not built anew
    assert page.locator("#conversation-list").evaluate("el => el.scrollTop") == scrolled
    expect(page.locator("#tab-all")).to_have_attribute("aria-selected", "true")
    # The keyboard moves through the list too (Alt+J next, Alt+K previous; newest first).
    page.keyboard.press("Alt+KeyK")
    expect(page.locator("#conversation-title")).to_have_text("Kundin 02")
    page.keyboard.press("Alt+KeyJ")
    expect(page.locator("#conversation-title")).to_have_text("Kundin 01")
    # An address to share opens the same conversation in a new tab.
    shared = page.context.new_page()
    shared.goto(page.url)
    expect(shared.locator("#conversation-title")).to_have_text("Kundin 01")
    shared.close()
    page.screenshot(path="test-artifacts/inbox-three-panes.png")
    assert page.evaluate("window.__noReload") is True


def test_on_a_phone_one_pane_at_a_time_with_a_way_back(live_app, browser, bot):
    _bot_conversation(bot, "Pia Phone", [("incoming", "Hallo vom Handy")])
    page = browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    page.set_default_timeout(20000)
    _admin(live_app, page)
    expect(_row(page, "Pia Phone")).to_be_visible()
    expect(page.locator("#nothing-open")).to_be_hidden()
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/inbox-list-phone.png")
    _row(page, "Pia Phone").click()
    expect(page.locator("#conversation-title")).to_have_text("Pia Phone")
    expect(page.locator("#list-pane")).to_be_hidden()
    expect(page.locator("#contact-pane")).to_be_hidden()
    assert fits_the_screen(page)
    # Contact and assignment open in a dialog.
    page.locator("#details-button").click()
    expect(page.get_by_role("dialog").locator("#assignee")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.screenshot(path="test-artifacts/inbox-conversation-phone.png")
    page.locator("#back-to-list").click()
    page.wait_for_url(url_of(f"{live_app['base']}/app/inbox"))
    expect(_row(page, "Pia Phone")).to_be_visible()
    page.context.close()


def test_the_preview_shows_what_people_wrote_unclipped_with_the_sender(live_app, page, bot):
    number = _bot_conversation(
        bot, "Gregor Preview", [("incoming", "Wo ist mein Paket?"), ("outgoing", "Paket_gg liegt in Tür gypsy")]
    )
    _admin(live_app, page)
    row = _row(page, "Gregor Preview")
    preview = row.locator(".preview")
    expect(preview).to_have_text("Bot: Paket_gg liegt in Tür gypsy")
    # Assigning writes an activity line; the row still shows the last thing someone wrote.
    page.goto(f"{live_app['base']}/app/conversations/{number}")
    page.locator("#composer").fill("Ich kümmere mich, Gregor")
    page.locator("#send-reply").click()
    expect(page.locator(".message", has_text="Ich kümmere mich, Gregor")).to_be_visible()
    page.locator("#assignee").click()
    page.get_by_role("option", name="Ben Berger").click()
    expect(page.locator(".activity-line", has_text="Ben Berger")).to_be_visible()
    expect(preview).to_have_text("Anna Admin: Ich kümmere mich, Gregor")
    # Descenders (g, y, p, _) are inside the line, not cut off at its bottom.
    overflow = preview.evaluate("el => el.scrollHeight - el.clientHeight")
    assert overflow <= 0, f"the preview line is clipped by {overflow}px"
    box, text_box = (
        preview.bounding_box(),
        preview.evaluate(
            "el => { const r = document.createRange(); r.selectNodeContents(el); const b = r.getBoundingClientRect();"
            " return {top: b.top, bottom: b.bottom}; }"
        ),
    )
    assert text_box["bottom"] <= box["y"] + box["height"] + 0.5
    row.screenshot(path="test-artifacts/inbox-preview-row.png")


def test_what_the_bot_still_holds_shows_live_under_pending(live_app, page, bot):
    _admin(live_app, page)
    expect(page.locator("#tab-open")).to_be_visible()
    before = int(page.locator(".tab-count-pending").first.inner_text())
    number = _bot_conversation(
        bot, "Bruno Wartend", [("incoming", "Ich habe eine Frage"), ("outgoing", "Ich helfe gern")], hand_over=False
    )
    # Seen live from the "open" tab: the pending count goes up.
    expect(page.locator(".tab-count-pending").first).to_have_text(str(before + 1))
    page.locator("#tab-pending").click()
    row = _row(page, "Bruno Wartend")
    expect(row.locator(".with-bot")).to_be_visible()
    # The name stays on one line (an ellipsis when long), as in every row.
    name = row.locator(".conversation-name")
    assert name.evaluate("el => getComputedStyle(el).whiteSpace === 'nowrap' && el.getClientRects().length === 1")
    expect(row.locator(".preview")).to_have_text("Bot: Ich helfe gern")
    client, _ = bot
    client.post(f"/conversations/{number}/messages", json={"content": "Sonst noch etwas?", "message_type": "outgoing"})
    expect(row.locator(".preview")).to_have_text("Bot: Sonst noch etwas?")
    page.screenshot(path="test-artifacts/inbox-pending-bot.png")
    client.post(f"/conversations/{number}/toggle_status", json={"status": "open"}).raise_for_status()
    expect(row).to_have_count(0)  # handed over: it left the bot's tab by itself
    expect(page.locator(".tab-count-pending").first).to_have_text(str(before))
    page.locator("#tab-open").click()
    expect(_row(page, "Bruno Wartend")).to_be_visible()
    expect(_row(page, "Bruno Wartend").locator(".with-bot")).to_have_count(0)


def test_an_anonymous_visitor_has_one_name_everywhere(live_app, browser, page):
    visitor = browser.new_context(viewport={"width": 400, "height": 640}, locale="de-DE").new_page()
    visitor.goto(f"{live_app['base']}/widget/{live_app['demo']['web_inbox_token']}")
    visitor.locator("#widget-composer").fill("Ich bin namenlos 8812")
    visitor.locator("#widget-composer").press("Enter")
    expect(visitor.locator(".widget-message")).to_have_count(1)
    visitor.context.close()
    _admin(live_app, page)
    row = _row(page, "Ich bin namenlos 8812")
    expect(row).to_be_visible()
    name = row.locator(".conversation-name").inner_text()
    assert name and "Anonym" not in name
    row.click()
    expect(page.locator("#conversation-title")).to_have_text(name)
    page.goto(f"{live_app['base']}/app/contacts")
    expect(page.locator(".contact-name", has_text=name)).to_have_count(1)
    expect(page.get_by_text("Anonymer Besucher")).to_have_count(0)
