"""An agent's tab hears a handoff: the tone plays (after the first click, as browsers demand),
the tab title counts the unread conversation, and the conversation on screen stays quiet."""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, url_of, wait_until

pytestmark = pytest.mark.e2e

# Every play() of an audio element, with its source and whether it was muted (the warm-up
# after the first click plays each tone muted; an alert plays one unmuted).
RECORD_PLAYS = """
window.__plays = [];
const play = HTMLMediaElement.prototype.play;
HTMLMediaElement.prototype.play = function () {
  window.__plays.push({src: this.currentSrc || this.src, muted: this.muted, at: location.pathname});
  return play.call(this);
};
"""


def _alerts_heard(page) -> list[dict]:
    return [p for p in page.evaluate("window.__plays") if not p["muted"]]


def _bot(live_app):
    demo = live_app["demo"]
    return httpx.Client(
        base_url=f"{live_app['base']}/api/v1/accounts/{demo['account_id']}",
        headers={"api_access_token": demo["api_token"]},
    )


def test_a_handoff_plays_the_tone_and_counts_in_the_title(live_app, page):
    base, demo = live_app["base"], live_app["demo"]
    agent = demo["logins"][1]
    page.add_init_script(RECORD_PLAYS)
    login(page, base, agent["email"], agent["password"])
    hint = page.locator("#sound-hint")
    expect(hint).to_be_visible()
    page.screenshot(path="test-artifacts/alert-sound-hint.png")
    page.locator("h1, h2").first.click()  # any first click lets the page make sound
    expect(hint).to_be_hidden()
    # The click started every bundled tone once, muted (Safari plays later only what a gesture started).
    wait_until(
        page,
        "['bell', 'chime', 'pop'].every(t => window.__plays.some(p => p.muted && p.src.endsWith(`/tones/${t}.wav`)))",
    )
    assert _alerts_heard(page) == []

    with _bot(live_app) as bot:
        handoff = {
            "inbox_id": demo["api_inbox_id"],
            "contact": {"name": "Tonia Test", "source_id": "tone-1"},
            "transcript": [{"content": "Ich möchte mit einem Menschen sprechen", "message_type": "incoming"}],
        }
        handed = bot.post("/handoffs", json=handoff)
        assert handed.status_code == 201, handed.text
        number = handed.json()["id"]
        wait_until(page, "window.__plays.some(p => !p.muted)")
        heard = _alerts_heard(page)
        assert len(heard) == 1 and heard[0]["src"].endswith("/tones/bell.wav")
        wait_until(page, "document.title.startsWith('(1) ')")

        # Opening the conversation (a new page load: the record starts afresh) reads it: the
        # count goes; the agent takes it.
        page.goto(f"{base}/app/conversations/{number}")
        expect(page.locator("#conversation-title")).to_be_visible()
        wait_until(page, "!/^\\(\\d+\\)/.test(document.title)")
        page.get_by_role("button", name="Mir zuweisen").click()
        expect(page.get_by_text(f"{agent['name']} zugewiesen")).to_be_visible()

        # The visitor writes in the conversation on screen: it shows, and stays quiet.
        said = bot.post(
            f"/conversations/{number}/messages", json={"content": "Sind Sie da?", "message_type": "incoming"}
        )
        assert said.status_code in (200, 201), said.text
        expect(page.locator(".message", has_text="Sind Sie da?")).to_be_visible()
        page.wait_for_timeout(1500)
        assert _alerts_heard(page) == []

        # Elsewhere in the dashboard the next message alerts again and counts.
        page.locator("a[href='/app/inbox']").first.click()
        page.wait_for_url(url_of(f"{base}/app/inbox"))
        # A server round trip of this tab after the inbox page's load: the conversation left
        # behind no longer listens (the list beside it showed the tabs before the click too).
        page.locator("#tab-pending").click()
        expect(page.locator("#tab-pending")).to_have_attribute("aria-selected", "true")
        bot.post(f"/conversations/{number}/messages", json={"content": "Hallo?", "message_type": "incoming"})
        wait_until(page, "window.__plays.some(p => !p.muted && p.at === '/app/inbox')")
        wait_until(page, "document.title.startsWith('(1) ')")
        page.screenshot(path="test-artifacts/alert-sound-inbox.png")


# The browser's Notification API, recorded; the tab pretends to be in the background (an agent
# working in another window), when a desktop notification is what reaches them.
RECORD_NOTIFICATIONS = """
window.__notes = [];
class RecordedNotification {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.__notes.push({title, body: options.body}); }
  close() {}
}
window.Notification = RecordedNotification;
document.hasFocus = () => false;
"""


def test_desktop_notifications_once_switched_on(live_app, page):
    base, demo = live_app["base"], live_app["demo"]
    agent = demo["logins"][2]
    page.add_init_script(RECORD_PLAYS + RECORD_NOTIFICATIONS)
    login(page, base, agent["email"], agent["password"])
    page.goto(f"{base}/app/settings")
    page.get_by_role("switch", name="Desktop-Benachrichtigungen").click()
    page.locator("#alerts-save").click()
    expect(page.get_by_text("Gespeichert.").first).to_be_visible()
    with _bot(live_app) as bot:
        handoff = {
            "inbox_id": demo["api_inbox_id"],
            "contact": {"name": "Desiree Desktop", "source_id": "desk-1"},
            "transcript": [{"content": "Hallo, ich brauche Hilfe beim Login", "message_type": "incoming"}],
        }
        assert bot.post("/handoffs", json=handoff).status_code == 201
    wait_until(page, "window.__notes.length > 0")
    (note,) = page.evaluate("window.__notes")
    assert note == {"title": "Neue Unterhaltung: Desiree Desktop", "body": "Hallo, ich brauche Hilfe beim Login"}


def test_two_tabs_of_one_agent_play_once_and_respect_the_conversation_on_screen(live_app, browser):
    base, demo = live_app["base"], live_app["demo"]
    agent = demo["logins"][0]
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    context.add_init_script(RECORD_PLAYS)
    first = context.new_page()
    login(first, base, agent["email"], agent["password"])
    second = context.new_page()  # the same browser: the same login
    second.goto(f"{base}/app/inbox")
    expect(second.locator("#tab-open")).to_be_visible()
    for tab in (first, second):
        tab.locator("h1, h2").first.click()

    def heard() -> int:
        return len(_alerts_heard(first)) + len(_alerts_heard(second))

    with _bot(live_app) as bot:
        handoff = {
            "inbox_id": demo["api_inbox_id"],
            "contact": {"name": "Zwei Tabs", "source_id": "two-tabs-1"},
            "transcript": [{"content": "Hallo zusammen", "message_type": "incoming"}],
        }
        handed = bot.post("/handoffs", json=handoff)
        number = handed.json()["id"]
        for tab in (first, second):
            wait_until(tab, "document.title.startsWith('(')")
        first.wait_for_timeout(1500)
        assert heard() == 1  # one sound for the agent, not one per tab

        # The first tab shows the conversation: a visitor message there stays quiet in both tabs.
        first.goto(f"{base}/app/conversations/{number}")
        expect(first.locator("#conversation-title")).to_be_visible()
        first.get_by_role("button", name="Mir zuweisen").click()
        expect(first.get_by_text(f"{agent['name']} zugewiesen")).to_be_visible()
        second.wait_for_timeout(2500)  # the tabs have shared what is on screen
        before = len(_alerts_heard(second))
        bot.post(f"/conversations/{number}/messages", json={"content": "Noch da?", "message_type": "incoming"})
        expect(first.locator(".message", has_text="Noch da?")).to_be_visible()
        second.wait_for_timeout(2000)
        assert len(_alerts_heard(second)) == before and _alerts_heard(first) == []
    context.close()
