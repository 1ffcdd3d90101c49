"""Administrators invite, see and deactivate agents; the invited person joins and logs in."""

import re
import time

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, fits_the_screen, login, url_of

pytestmark = pytest.mark.e2e

NEW_AGENT = {"name": "Dora Demo", "email": "dora.demo@example.org", "password": "dora's long password"}


def _admin(live_app) -> dict:
    return live_app["demo"]["logins"][0]


def _agent_row(page, email: str):
    return page.locator(f'tr[data-agent="{email}"]')


def test_invite_accept_log_in_presence_and_deactivate(live_app, browser, page):
    base = live_app["base"]
    admin = _admin(live_app)
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/settings/agents")
    expect(_agent_row(page, admin["email"])).to_be_visible()

    page.locator("#invite-name").fill(NEW_AGENT["name"])
    page.locator("#invite-email").fill(NEW_AGENT["email"])
    page.locator("#invite-submit").click()
    link = page.locator("#invite-link")
    expect(link).to_contain_text("/invite/")
    invite_url = link.inner_text()
    expect(page.get_by_text("Offene Einladungen")).to_be_visible()

    # The invited person opens the link in their own browser, sets a password and is in.
    dora_context = browser.new_context(viewport={"width": 390, "height": 844}, locale="de-DE")
    dora = dora_context.new_page()
    dora.set_default_timeout(20000)
    dora.goto(invite_url)
    expect(dora.get_by_role("heading", name=re.compile("Kiko Demo GmbH"))).to_be_visible()
    dora.screenshot(path="test-artifacts/invitation-form-phone.png")
    dora.locator("#invite-password").fill(NEW_AGENT["password"])
    dora.locator("#invite-confirm-password").fill("something else entirely")
    dora.locator("#invite-accept").click()
    expect(dora.get_by_text(re.compile("stimmen nicht überein"))).to_be_visible()
    dora.locator("#invite-confirm-password").fill(NEW_AGENT["password"])
    dora.locator("#invite-accept").click()
    dora.wait_for_url(url_of(f"{base}/app/inbox"))
    dora.screenshot(path="test-artifacts/invitation-accepted-phone.png")

    # The link was single use.
    dora.goto(invite_url)
    expect(dora.get_by_role("alert")).to_contain_text("ungültig")

    # After logging out, logging in with the new password works; she goes online.
    dora.goto(f"{base}/app/inbox")
    dora.locator("#user-menu").click()
    dora.locator("#logout").click()
    dora.wait_for_url(url_of(f"{base}/login"))
    login(dora, base, NEW_AGENT["email"], NEW_AGENT["password"])
    dora.get_by_role("combobox", name=re.compile("Verfügbarkeit")).click()
    dora.get_by_role("option", name="Online").click()

    page.reload()
    row = _agent_row(page, NEW_AGENT["email"])
    expect(row).to_contain_text("Online")
    expect(row).to_contain_text("Agent")

    # Closing every tab of hers shows her offline once the grace period is over.
    dora_context.close()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        page.reload()
        if "Offline" in _agent_row(page, NEW_AGENT["email"]).inner_text():
            break
        time.sleep(2)
    expect(_agent_row(page, NEW_AGENT["email"])).to_contain_text("Offline")

    # Deactivation: a dialog first, then the row shows it and her login is refused.
    _agent_row(page, NEW_AGENT["email"]).get_by_role("button", name="Deaktivieren").click()
    expect(page.get_by_role("dialog")).to_contain_text("keine offenen Unterhaltungen")
    page.locator("#deactivate-confirm").click()
    expect(_agent_row(page, NEW_AGENT["email"])).to_contain_text("deaktiviert")
    page.screenshot(path="test-artifacts/agents-after-deactivation.png")

    other = browser.new_context(locale="de-DE").new_page()
    other.goto(f"{base}/login")
    other.locator("#email").fill(NEW_AGENT["email"])
    other.locator("#password").fill(NEW_AGENT["password"])
    other.locator("#login-submit").click()
    expect(other.get_by_role("alert")).to_have_text("E-Mail oder Passwort ist falsch.")
    other.context.close()


def test_the_last_administrator_cannot_demote_themselves_and_agents_are_kept_out(live_app, browser, page):
    base = live_app["base"]
    admin = _admin(live_app)
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/settings/agents")
    row = _agent_row(page, admin["email"])
    row.get_by_role("combobox").click()
    page.get_by_role("option", name="Agent").click()
    expect(page.get_by_role("alert")).to_have_text("Das Konto braucht mindestens einen aktiven Administrator.")
    expect(row.get_by_role("combobox")).to_have_text("Administrator")

    agent = live_app["demo"]["logins"][1]
    agent_page = browser.new_context(locale="de-DE").new_page()
    login(agent_page, base, agent["email"], agent["password"])
    agent_page.goto(f"{base}/app/settings/agents")
    expect(agent_page.get_by_text("Nur Administratoren dürfen das.")).to_be_visible()
    expect(agent_page.locator("#invite-submit")).to_have_count(0)
    agent_page.context.close()


def test_without_smtp_the_page_promises_no_e_mail(live_app, page):
    base = live_app["base"]
    admin = _admin(live_app)
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/settings/agents")
    expect(page.locator("#invite-email-off")).to_contain_text("kein E-Mail-Versand eingerichtet")
    page.locator("#invite-name").fill("Otto Ohne")
    page.locator("#invite-email").fill("otto.ohne@example.org")
    page.locator("#invite-submit").click()
    expect(page.locator("#invite-link-hint")).to_have_text(
        "E-Mail-Versand ist nicht eingerichtet. Bitte geben Sie diesen Link selbst an die eingeladene Person weiter:"
    )
    expect(page.locator("#invite-link")).to_contain_text("/invite/")
    row = page.locator('tr[data-invitation="otto.ohne@example.org"]')
    expect(row.get_by_text("nicht gesendet")).to_be_visible()
    expect(row.get_by_role("button", name="Erneut senden")).to_have_count(0)
    expect(page.get_by_text("folgt", exact=False)).to_have_count(0)
    page.screenshot(path="test-artifacts/agents-invited-without-smtp.png", full_page=True)
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    # The link wraps inside its card, its copy button beside it on the screen.
    copy = page.locator("#invite-link + button")
    copy.scroll_into_view_if_needed()
    expect(copy).to_be_in_viewport()
    box = copy.bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]
    expect(row).to_be_visible()
    page.screenshot(path="test-artifacts/agents-invited-without-smtp-phone.png", full_page=True)
    row.get_by_role("button", name="Zurückziehen").click()
    expect(row).to_have_count(0)
