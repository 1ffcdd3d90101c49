"""A visitor page and an agent dashboard side by side, in real time."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _widget(browser, live_app, locale="de-DE"):
    context = browser.new_context(viewport={"width": 400, "height": 640}, locale=locale)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(f"{live_app['base']}/widget/{live_app['demo']['web_inbox_token']}")
    return page


def _send(page, text: str) -> None:
    page.locator("#widget-composer").fill(text)
    page.locator("#widget-composer").press("Enter")


def test_the_visitor_keeps_the_conversation_across_page_loads(live_app, browser):
    visitor = _widget(browser, live_app)
    expect(visitor.get_by_text("Hallo! Wie können wir helfen?")).to_be_visible()
    _send(visitor, "Ich habe eine Frage zur Lieferung")
    expect(visitor.locator(".widget-message")).to_have_count(1)
    expect(visitor.locator("#widget-composer")).to_have_value("")
    visitor.reload()
    expect(visitor.locator(".widget-message")).to_have_count(1)
    expect(visitor.get_by_text("Ich habe eine Frage zur Lieferung")).to_be_visible()
    visitor.screenshot(path="test-artifacts/widget-visitor.png")
    visitor.context.close()


def test_visitor_and_agent_side_by_side(live_app, browser, page):
    from tests.e2e.helpers import login

    base = live_app["base"]
    admin = live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])
    expect(page.locator("#tab-open")).to_be_visible()
    page.evaluate("window.__noReload = true")

    visitor = _widget(browser, live_app)
    _send(visitor, "Wo bleibt meine Bestellung 4711?")
    # The new conversation appears in the agent's list without a reload.
    row = page.locator(".conversation-row", has_text="Wo bleibt meine Bestellung 4711?")
    expect(row).to_be_visible()
    assert page.evaluate("window.__noReload") is True
    row.click()
    expect(page.locator("#conversation-title")).to_be_visible()
    expect(page.locator(".message", has_text="Wo bleibt meine Bestellung 4711?")).to_be_visible()

    # Visitor writes again: it arrives live in the open conversation.
    _send(visitor, "Ich warte seit Montag.")
    expect(page.locator(".message", has_text="Ich warte seit Montag.")).to_be_visible()

    # The agent answers: the visitor sees it with the agent's name.
    page.locator("#composer").fill("Ich schaue sofort nach!")
    page.locator("#send-reply").click()
    expect(visitor.locator(".widget-message", has_text="Ich schaue sofort nach!")).to_be_visible()
    # (The header shows the agent too since issue 11: the name on the message is meant here.)
    expect(visitor.locator("#widget-messages").get_by_text("Anna Admin")).to_be_visible()
    # The visitor's page has shown it: the agent sees the read marker.
    expect(page.locator(".seen-marker").first).to_be_visible()

    # A private note stays among agents.
    page.locator("#note-mode").click()
    page.locator("#composer").fill("Kunde ist ungeduldig")
    page.locator("#send-reply").click()
    expect(page.locator(".private-note", has_text="Kunde ist ungeduldig")).to_be_visible()

    # Resolve; the visitor writes again; the conversation reopens.
    page.locator("#resolve").click()
    expect(page.locator("#conversation-status")).to_have_text("Gelöst")
    _send(visitor, "Noch eine Frage")
    expect(page.locator("#conversation-status")).to_have_text("Offen")
    expect(page.locator(".message", has_text="Noch eine Frage")).to_be_visible()
    page.screenshot(path="test-artifacts/live-agent-conversation.png")
    visitor.screenshot(path="test-artifacts/live-visitor.png")
    assert visitor.get_by_text("Kunde ist ungeduldig").count() == 0
    assert page.evaluate("window.__noReload") is True
    visitor.context.close()


def test_a_bot_handoff_over_the_api_appears_live_in_the_dashboard(live_app, page):
    import httpx

    from tests.e2e.helpers import login

    base, demo = live_app["base"], live_app["demo"]
    admin = demo["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.locator("#tab-pending").click()
    api = httpx.Client(
        base_url=f"{base}/api/v1/accounts/{demo['account_id']}", headers={"api_access_token": demo["api_token"]}
    )
    api.post("/contacts", json={"name": "Bruno Bot-Kunde", "inbox_id": demo["api_inbox_id"], "source_id": "tg-4711"})
    number = api.post("/conversations", json={"source_id": "tg-4711", "inbox_id": demo["api_inbox_id"]}).json()["id"]
    api.post(
        f"/conversations/{number}/messages", json={"content": "Ich will einen Menschen!", "message_type": "incoming"}
    )
    api.post(
        f"/conversations/{number}/messages", json={"content": "Einen Moment, ich verbinde.", "message_type": "outgoing"}
    )
    row = page.locator(".conversation-row", has_text="Bruno Bot-Kunde")
    expect(row).to_be_visible()  # pending while the bot talks
    api.post(f"/conversations/{number}/toggle_status", json={"status": "open"})
    page.locator("#tab-open").click()
    expect(page.locator(".conversation-row", has_text="Bruno Bot-Kunde")).to_be_visible()
    page.locator(".conversation-row", has_text="Bruno Bot-Kunde").click()
    expect(page.locator(".message", has_text="Einen Moment, ich verbinde.")).to_contain_text("Bot")
    expect(page.locator(".activity-line", has_text="übergeben")).to_be_visible()
    page.screenshot(path="test-artifacts/bot-handoff-dashboard.png")
    api.close()


def test_the_conversation_list_fits_a_phone(live_app, browser):
    from tests.e2e.helpers import PHONE, fits_the_screen, login

    page = browser.new_context(viewport=PHONE, locale="de-DE").new_page()
    agent = live_app["demo"]["logins"][1]
    login(page, live_app["base"], agent["email"], agent["password"])
    expect(page.get_by_role("radio", name="Nicht zugewiesen")).to_be_visible()
    assert fits_the_screen(page)
    page.screenshot(path="test-artifacts/conversation-list-phone.png")
    page.context.close()
