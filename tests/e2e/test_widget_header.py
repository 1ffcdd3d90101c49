"""Issue 11, item 2: the widget's header is live. It follows the inbox's availability and, once
an agent has answered, shows that agent; the e-mail prompt goes once a human has answered."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, newest_conversation_number
from tests.e2e.test_live_chat import _send, _widget

pytestmark = pytest.mark.e2e

# Pages resync every 20 s; what is live must show well before that.
LIVE_MS = 8000


def _choose_availability(page, label: str) -> None:
    page.get_by_role("combobox", name="Verfügbarkeit").click()
    page.get_by_role("option", name=label).click()


def test_the_header_shows_the_agent_who_answered_and_drops_the_email_prompt(live_app, browser, page):
    base, demo = live_app["base"], live_app["demo"]
    visitor = _widget(browser, live_app)
    header = visitor.locator("#widget-header")
    # The demo's agents have not chosen "online": nobody is there, the visitor may leave an address.
    expect(header).to_contain_text("Gerade ist niemand online")
    _send(visitor, "Ist mein Paket schon unterwegs?")
    expect(visitor.locator("#widget-email-offer")).to_be_visible()

    admin = demo["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/conversations/{newest_conversation_number(live_app['db_url'])}")
    page.locator("#composer").fill("Ja, es kommt morgen.")
    page.locator("#send-reply").click()
    expect(visitor.locator(".widget-message", has_text="Ja, es kommt morgen.")).to_be_visible()

    expect(header).to_contain_text("Anna Admin", timeout=LIVE_MS)
    expect(header).to_contain_text("Online")
    expect(header).not_to_contain_text("niemand")
    expect(visitor.locator("#widget-agent-avatar")).to_contain_text("A")
    expect(visitor.locator("#widget-email-offer")).to_have_count(0)
    visitor.screenshot(path="test-artifacts/widget-header-agent.png")
    visitor.context.close()


def test_the_header_follows_the_agents_availability(live_app, browser, page):
    base, demo = live_app["base"], live_app["demo"]
    agent = demo["logins"][1]
    login(page, base, agent["email"], agent["password"])
    visitor = _widget(browser, live_app)
    header = visitor.locator("#widget-header")
    expect(header).to_contain_text("Gerade ist niemand online")
    try:
        _choose_availability(page, "Online")
        expect(header).to_contain_text("Wir sind online", timeout=LIVE_MS)
        _choose_availability(page, "Offline")
        expect(header).to_contain_text(re.compile("niemand online"), timeout=LIVE_MS)
    finally:
        _choose_availability(page, "Offline")
    visitor.context.close()
