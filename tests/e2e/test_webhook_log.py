"""An administrator points the bot inbox's webhook at the bot, a handoff happens over the API,
and the delivery log on the inbox page shows what was delivered."""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login
from tests.receivers import Receiver

pytestmark = pytest.mark.e2e


def test_the_delivery_log_shows_the_handoff_webhooks(live_app, page):
    receiver = Receiver()
    base, demo = live_app["base"], live_app["demo"]
    admin = demo["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/settings/inboxes/{demo['api_inbox_id']}")
    page.locator("#inbox-webhook").fill(receiver.url)
    page.locator("#save-inbox").click()
    expect(page.get_by_text("Gespeichert.")).to_be_visible()
    expect(page.locator("#webhook-secret")).not_to_be_empty()

    api = httpx.Client(
        base_url=f"{base}/api/v1/accounts/{demo['account_id']}", headers={"api_access_token": demo["api_token"]}
    )
    handoff = {
        "inbox_id": demo["api_inbox_id"],
        "contact": {"name": "Hook", "source_id": "hook-1"},
        "transcript": [{"content": "Hallo Bot", "message_type": "incoming"}],
    }
    handed = api.post("/handoffs", json=handoff)
    assert handed.status_code == 201, handed.text
    api.close()
    log = page.locator("#delivery-log")
    for _ in range(20):
        page.get_by_role("button", name="Aktualisieren").click()
        text = log.inner_text() if log.count() else ""
        if "conversation_status_changed" in text and "ausstehend" not in text:  # all delivered
            break
        page.wait_for_timeout(500)
    expect(log).to_contain_text("conversation_status_changed")
    expect(log).to_contain_text("zugestellt")
    assert "conversation_status_changed" in receiver.events()
    page.screenshot(path="test-artifacts/webhook-delivery-log.png", full_page=True)
    receiver.server.shutdown()
