"""Login, wrong password, language switch, logout and account isolation in a real browser."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import choose_language, expect_heading, login

pytestmark = pytest.mark.e2e


def _user(live_app, role_index: int) -> dict:
    return live_app["demo"]["logins"][role_index]


def test_protected_pages_send_anonymous_visitors_to_the_login(live_app, page):
    page.goto(f"{live_app['base']}/app/settings")
    page.wait_for_url(re.compile(r".*/login/?$"))
    expect_heading(page, "Anmelden")


def test_wrong_password_gets_a_translated_message_and_no_session(live_app, page):
    admin = _user(live_app, 0)
    page.goto(f"{live_app['base']}/login")
    page.locator("#email").fill(admin["email"])
    page.locator("#password").fill("definitely wrong")
    page.locator("#login-submit").click()
    expect(page.get_by_role("alert")).to_have_text("E-Mail oder Passwort ist falsch.")
    assert "kiko_session" not in {c["name"] for c in page.context.cookies()}
    choose_language(page, "English")
    expect(page.get_by_role("alert")).to_have_text("E-mail or password is wrong.")


def test_empty_fields_are_named(live_app, page):
    page.goto(f"{live_app['base']}/login")
    page.locator("#login-submit").click()
    # The browser's own required check does not apply (fields are not marked required): the server answers.
    expect(page.get_by_text("Dieses Feld ist erforderlich.")).to_be_visible()


def test_admin_logs_in_switches_language_live_and_logs_out(live_app, page):
    base = live_app["base"]
    admin = _user(live_app, 0)
    login(page, base, admin["email"], admin["password"])
    expect_heading(page, "Konversationen")
    expect(page.get_by_text("Kiko Demo GmbH").first).to_be_visible()
    page.evaluate("window.__noReload = true")
    choose_language(page, "English")
    expect_heading(page, "Conversations")
    expect(page.get_by_role("link", name="Contacts")).to_be_visible()
    assert page.evaluate("window.__noReload") is True  # switched without a page load
    page.reload()
    expect_heading(page, "Conversations")  # the choice is stored in the profile
    choose_language(page, "Deutsch")
    expect_heading(page, "Konversationen")
    page.locator("#user-menu").click()
    page.locator("#logout").click()
    page.wait_for_url(re.compile(r".*/login/?$"))
    page.goto(f"{base}/app/inbox")
    page.wait_for_url(re.compile(r".*/login/?$"))


def test_a_second_account_sees_nothing_of_the_first(live_app, page):
    base = live_app["base"]
    second = live_app["second"]
    login(page, base, second["email"], second["password"])
    expect(page.get_by_text("Beta Handel AG")).to_be_visible()
    expect(page.get_by_text("Website", exact=True)).to_have_count(0)
    expect(page.get_by_text("Kiko Bot", exact=True)).to_have_count(0)
    expect(page.get_by_text("Kiko Demo GmbH")).to_have_count(0)
    page.get_by_role("link", name="Einstellungen").click()
    expect(page.locator("#account-name")).to_have_value(second["account"])


def test_a_forged_session_token_is_refused(live_app, page):
    base = live_app["base"]
    page.goto(f"{base}/login")
    page.context.add_cookies([{"name": "kiko_session", "value": "forged-token-123", "url": base}])
    page.goto(f"{base}/app/settings")
    page.wait_for_url(re.compile(r".*/login/?$"))
    expect(page.locator("#profile-name")).to_have_count(0)


def test_agent_changes_password_and_other_sessions_end(live_app, browser, page):
    base = live_app["base"]
    agent = _user(live_app, 2)
    other = browser.new_context().new_page()
    login(other, base, agent["email"], agent["password"])
    login(page, base, agent["email"], agent["password"])
    page.get_by_role("link", name="Einstellungen").click()
    expect(page.get_by_text("Nur Administratoren können das Konto ändern.")).to_be_visible()
    page.locator("#current_password").fill(agent["password"])
    page.locator("#new_password").fill("kurz")
    page.locator("#confirm_password").fill("kurz")
    page.locator("#password-save").click()
    expect(page.get_by_text("Mindestens 10 Zeichen.").last).to_be_visible()
    page.locator("#new_password").fill("ein ganz neues Passwort")
    page.locator("#confirm_password").fill("ein ganz neues Passwort")
    page.locator("#password-save").click()
    expect(page.get_by_text("Passwort geändert. Ihre anderen Sitzungen wurden abgemeldet.")).to_be_visible()
    agent["password"] = "ein ganz neues Passwort"  # the app is shared: later tests sign in with it
    page.reload()
    expect(page.locator("#profile-name")).to_be_visible()  # this tab continues on its new session
    other.goto(f"{base}/app/settings")
    other.wait_for_url(re.compile(r".*/login/?$"))
    other.context.close()


def test_the_session_cookie_is_out_of_every_scripts_reach(live_app, page):
    """Issue 13.8: the session is an HttpOnly, SameSite=Lax cookie; no script of the page can
    read it, and nothing the page stores holds it."""
    base = live_app["base"]
    admin = _user(live_app, 0)
    login(page, base, admin["email"], admin["password"])
    expect_heading(page, "Konversationen")
    (cookie,) = [c for c in page.context.cookies() if c["name"] == "kiko_session"]
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/"
    token = cookie["value"]
    assert len(token) > 20
    assert "kiko_session" not in page.evaluate("document.cookie")
    stored = page.evaluate("JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage)])")
    assert token not in stored
    page.reload()  # the cookie alone carries the session across a reload
    expect_heading(page, "Konversationen")
    page.locator("#user-menu").click()
    page.locator("#logout").click()
    page.wait_for_url(re.compile(r".*/login/?$"))
    assert "kiko_session" not in {c["name"] for c in page.context.cookies()}
    # The session ended on the server too: the old cookie, put back, opens nothing.
    page.context.add_cookies([{"name": "kiko_session", "value": token, "url": base}])
    page.goto(f"{base}/app/settings")
    page.wait_for_url(re.compile(r".*/login/?$"))
