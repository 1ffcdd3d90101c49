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
