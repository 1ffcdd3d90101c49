"""Nobody answers a visitor in the inbox's time: the agent's tab is reminded (the tone plays),
and the visitor is offered to leave an e-mail address for the answer and the transcript."""

import contextlib

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from kiko_livechat.db import make_engine
from kiko_livechat.models import Conversation, Inbox
from tests.e2e.helpers import login, wait_until
from tests.e2e.test_alert_sound import RECORD_PLAYS
from tests.e2e.test_live_chat import _send, _widget

pytestmark = pytest.mark.e2e


@contextlib.contextmanager
def _reminder_after(live_app, seconds: int):
    """The demo web inbox reminds after `seconds` (the settings page counts in minutes)."""
    engine = make_engine(live_app["db_url"])

    def set_to(value):
        with Session(engine) as db:
            inbox = db.exec(select(Inbox).where(Inbox.public_token == live_app["demo"]["web_inbox_token"])).one()
            before, inbox.unanswered_after_seconds = inbox.unanswered_after_seconds, value
            db.add(inbox)
            db.commit()
            return before

    before = set_to(seconds)
    try:
        yield engine
    finally:
        set_to(before)
        engine.dispose()


def test_the_team_is_reminded_and_the_visitor_offered_to_leave_an_address(live_app, browser, page):
    base, demo = live_app["base"], live_app["demo"]
    agent = demo["logins"][2]
    page.add_init_script(RECORD_PLAYS)
    login(page, base, agent["email"], agent["password"])
    page.locator("h1, h2").first.click()  # sound allowed from here on
    with _reminder_after(live_app, 1) as engine:
        visitor = _widget(browser, live_app)
        _send(visitor, "Hallo, ist jemand da? Ich warte auf Hilfe.")
        offer = visitor.locator("#widget-email-offer")
        # The worker looks every 10 s.
        expect(offer).to_contain_text("Leider antwortet gerade niemand", timeout=30000)
        # The agent's tab heard the new conversation and then the reminder.
        wait_until(page, "window.__plays.filter(p => !p.muted).length >= 2", timeout=10000)
        visitor.locator("#widget-email").fill("besucher@example.com")
        visitor.get_by_role("button", name="Senden").first.click()
        expect(visitor.get_by_text("Danke! Wir melden uns per E-Mail.")).to_be_visible()
        # The visitor opens the chat on another page of the shop: the address is not asked again.
        again = visitor.context.new_page()
        again.goto(visitor.url)
        expect(again.get_by_text("Hallo, ist jemand da? Ich warte auf Hilfe.")).to_be_visible()
        expect(again.locator("#widget-email-offer")).to_have_count(0)
        visitor.screenshot(path="test-artifacts/widget-unanswered.png")
        with Session(engine) as db:
            conversation = db.exec(select(Conversation).order_by(Conversation.id.desc())).first()
            assert conversation.unanswered_at is not None
        page.goto(f"{base}/app/conversations/{conversation.display_id}")
        expect(page.get_by_text("hat niemand geantwortet")).to_be_visible()
        page.screenshot(path="test-artifacts/conversation-unanswered.png")
        visitor.context.close()
