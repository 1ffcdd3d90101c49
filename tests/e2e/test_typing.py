"""Issue 11, item 3: "is typing" ends when the message is sent (by the button too), when the
writer leaves the field, and by itself a few seconds after the last keystroke; both ways."""

import pytest
from playwright.sync_api import expect

from kiko_livechat.state.typing import REPEAT_SECONDS
from tests.e2e.helpers import login, newest_conversation_number
from tests.e2e.test_live_chat import _send, _widget

pytestmark = pytest.mark.e2e

# Faster than the indicator's own expiry (~6 s): the end was signalled, not waited out.
AT_ONCE_MS = 3000


def _agent_and_visitor(live_app, browser, page, first_words: str):
    base, demo = live_app["base"], live_app["demo"]
    visitor = _widget(browser, live_app)
    _send(visitor, first_words)
    expect(visitor.locator(".widget-message", has_text=first_words)).to_be_visible()
    agent = demo["logins"][1]
    login(page, base, agent["email"], agent["password"])
    page.goto(f"{base}/app/conversations/{newest_conversation_number(live_app['db_url'])}")
    expect(page.locator(".message", has_text=first_words)).to_be_visible()
    return visitor


def test_the_agents_typing_ends_on_send_on_blur_and_by_itself(live_app, browser, page):
    visitor = _agent_and_visitor(live_app, browser, page, "Kann ich die Lieferadresse ändern?")
    typing = visitor.locator("#widget-typing")
    composer = page.locator("#composer")

    # Sent with the button ("Senden"), not Enter.
    composer.press_sequentially("Ja, das geht", delay=60)
    expect(typing).to_be_visible()
    expect(typing).to_contain_text("Ben Berger")
    # Still typing when the click comes: no late "is typing" may follow the message.
    composer.press_sequentially(", gerne", delay=60)
    page.locator("#send-reply").click()
    expect(visitor.locator(".widget-message", has_text="Ja, das geht, gerne")).to_be_visible()
    expect(typing).to_be_hidden(timeout=AT_ONCE_MS)
    visitor.wait_for_timeout(7000)
    expect(typing).to_be_hidden()

    # The agent leaves the field without sending.
    composer.press_sequentially("Einen Moment", delay=60)
    expect(typing).to_be_visible()
    page.locator("#conversation-title").click()
    expect(typing).to_be_hidden(timeout=AT_ONCE_MS)

    # The agent stops typing but stays in the field (or the "off" got lost): it ends by itself.
    # (Keys within REPEAT_SECONDS of the last report are not reported: wait for a fresh window.)
    page.wait_for_timeout(REPEAT_SECONDS * 1000)
    composer.focus()
    composer.press_sequentially(" noch", delay=60)
    expect(typing).to_be_visible()
    expect(typing).to_be_hidden(timeout=10000)
    visitor.screenshot(path="test-artifacts/typing-visitor.png")
    visitor.context.close()


def test_the_visitors_typing_ends_on_send(live_app, browser, page):
    visitor = _agent_and_visitor(live_app, browser, page, "Hallo, eine Frage zur Rechnung")
    typing = page.locator("#visitor-typing")
    visitor.locator("#widget-composer").press_sequentially("Die Nummer ist 12345", delay=60)
    expect(typing).to_be_visible()
    visitor.locator("#widget-composer").press_sequentially(" und 678", delay=60)
    visitor.locator("#widget-send").click()
    expect(page.locator(".message", has_text="Die Nummer ist 12345 und 678")).to_be_visible()
    expect(typing).to_be_hidden(timeout=AT_ONCE_MS)
    page.wait_for_timeout(7000)
    expect(typing).to_be_hidden()

    # Typing that simply stops ends by itself on the agent's side as well.
    visitor.wait_for_timeout(REPEAT_SECONDS * 1000)
    visitor.locator("#widget-composer").press_sequentially("Und noch", delay=60)
    expect(typing).to_be_visible()
    expect(typing).to_be_hidden(timeout=10000)
    page.screenshot(path="test-artifacts/typing-agent.png")
    visitor.context.close()
