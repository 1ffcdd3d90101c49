"""Issue 11, item 1: the chat opened from the embed script can be closed again, on a phone too
(where it covers the whole screen, launcher included), and tells the launcher what came in
while it was closed."""

import pytest
from playwright.sync_api import expect

from kiko_livechat.services.inboxes import embed_snippet
from tests.e2e.helpers import PHONE, login, newest_conversation_number

pytestmark = pytest.mark.e2e

# A long page whose author set an overflow of their own: it must come back as it was.
TALL = '<div style="height:3000px">Produkte</div><script>document.body.style.overflow = "auto"</script>'


def _host_page(browser, live_app, host_site, viewport):  # noqa: F811
    url = host_site("shop.html", embed_snippet(live_app["demo"]["web_inbox_token"], live_app["base"]), before=TALL)
    context = browser.new_context(viewport=viewport, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(url)
    expect(page.locator("#kiko-launcher")).to_be_visible()
    return page


def _top_element_at_launcher(page) -> str:
    return page.evaluate(
        """() => { const r = document.getElementById("kiko-launcher").getBoundingClientRect();
                   return document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2).closest("[id]").id; }"""
    )


def _overflow(page) -> list[str]:
    return page.evaluate("[document.documentElement.style.overflow, document.body.style.overflow]")


def test_on_a_phone_the_chat_closes_and_gives_the_page_back(live_app, browser, host_site):  # noqa: F811
    page = _host_page(browser, live_app, host_site, PHONE)
    before = _overflow(page)
    page.locator("#kiko-launcher").click()
    chat = page.frame_locator("#kiko-chat")
    expect(chat.locator("#widget-composer")).to_be_visible()
    close = chat.locator("#widget-close")
    expect(close).to_be_visible()
    assert _top_element_at_launcher(page) == "kiko-chat"  # full screen, over its launcher
    assert _overflow(page) == ["hidden", "hidden"]  # the shop page does not scroll behind the chat
    page.screenshot(path="test-artifacts/widget-phone-open.png")

    close.click()
    expect(page.locator("#kiko-chat")).to_be_hidden()
    assert _top_element_at_launcher(page) == "kiko-launcher"
    assert _overflow(page) == before
    assert page.evaluate("document.activeElement.id") == "kiko-launcher"
    page.screenshot(path="test-artifacts/widget-phone-closed.png")

    # Esc inside the chat closes it too; the page's own script can open, close and toggle it.
    page.locator("#kiko-launcher").click()
    chat.locator("#widget-composer").press("Escape")
    expect(page.locator("#kiko-chat")).to_be_hidden()
    page.evaluate("window.kiko.open()")
    expect(page.locator("#kiko-chat")).to_be_visible()
    page.evaluate("window.kiko.toggle()")
    expect(page.locator("#kiko-chat")).to_be_hidden()
    assert _overflow(page) == before
    page.context.close()


def test_on_a_desktop_esc_closes_and_the_launcher_counts_what_came_in(live_app, browser, host_site, page):  # noqa: F811
    shop = _host_page(browser, live_app, host_site, {"width": 1280, "height": 800})
    launcher = shop.locator("#kiko-launcher")
    launcher.click()
    chat = shop.frame_locator("#kiko-chat")
    composer = chat.locator("#widget-composer")
    expect(chat.locator("#widget-close")).to_be_visible()
    # Opening moves the focus into the chat.
    expect(composer).to_be_focused()
    composer.fill("Haben Sie das Modell in Blau?")
    composer.press("Enter")
    expect(chat.locator(".widget-message", has_text="Haben Sie das Modell in Blau?")).to_be_visible()
    assert _overflow(shop)[1] == "auto"  # a desktop page keeps scrolling next to the chat
    shop.screenshot(path="test-artifacts/widget-desktop-open.png")

    # Esc on the shop page itself closes the chat; the focus goes back to the launcher.
    shop.locator("h1").click()
    shop.keyboard.press("Escape")
    expect(shop.locator("#kiko-chat")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(shop.locator("#kiko-unread")).to_be_hidden()

    # Answers that arrive while the chat is closed are counted on the launcher.
    base, agent = live_app["base"], live_app["demo"]["logins"][1]
    login(page, base, agent["email"], agent["password"])
    page.goto(f"{base}/app/conversations/{newest_conversation_number(live_app['db_url'])}")
    for text in ("Ja, in Blau haben wir es.", "Soll ich es reservieren?"):
        page.locator("#composer").fill(text)
        page.locator("#send-reply").click()
        expect(page.locator(".message", has_text=text)).to_be_visible()
    expect(shop.locator("#kiko-unread")).to_have_text("2")
    expect(launcher).to_have_attribute("aria-label", "Chat öffnen (2 neue Nachrichten)")
    shop.screenshot(path="test-artifacts/widget-desktop-closed-unread.png")
    launcher.click()
    expect(chat.locator(".widget-message", has_text="Soll ich es reservieren?")).to_be_visible()
    expect(shop.locator("#kiko-unread")).to_be_hidden()
    shop.context.close()
