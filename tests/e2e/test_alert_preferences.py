"""An agent sets how they want to be alerted; without SMTP the page says e-mail is off."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login, wait_until
from tests.e2e.test_alert_sound import RECORD_PLAYS

pytestmark = pytest.mark.e2e


def test_alert_preferences_are_saved_and_email_off_is_shown(live_app, page):
    base, agent = live_app["base"], live_app["demo"]["logins"][2]
    login(page, base, agent["email"], agent["password"])
    page.add_init_script(RECORD_PLAYS)
    page.goto(f"{base}/app/settings")
    page.locator("#preview-chime").click()  # listen before choosing
    wait_until(page, "window.__plays.some(p => p.src.endsWith('/tones/chime.wav') && !p.muted)")
    expect(page.locator("#email-off")).to_contain_text("E-Mail-Benachrichtigungen sind aus")
    expect(page.locator("#alert-email-handoff")).to_be_checked()  # sensible defaults
    expect(page.locator("#alert-email-team")).not_to_be_checked()
    page.locator("#alert-email-team").click()
    page.locator("#alert-sound-message").click()
    page.locator("#alerts-save").click()
    expect(page.get_by_text("Gespeichert.").last).to_be_visible()
    page.reload()
    expect(page.locator("#alert-email-team")).to_be_checked()
    expect(page.locator("#alert-sound-message")).not_to_be_checked()
    page.locator("#alerts-save").scroll_into_view_if_needed()
    page.screenshot(path="test-artifacts/alert-preferences.png", full_page=True)
