"""The operator's console in a real browser: its own login, activating a trial account, creating
an account with its first administrator, and the phone layout."""

import re

import pytest
from playwright.sync_api import Page, expect

from kiko_livechat.settings import PROJECT_ROOT
from tests.e2e.helpers import choose_language, expect_heading, login, url_of

pytestmark = pytest.mark.e2e

OPERATOR_SESSION_KEY = "kiko_operator_session"
LOGIN_URL = re.compile(r".*/admin/login/?$")


def operator_login(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/admin/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#operator-login-submit").click()
    page.wait_for_url(url_of(f"{base}/admin"))


def _row(page: Page, account: str):
    return page.locator("#accounts-table tbody tr", has=page.get_by_role("rowheader", name=account, exact=True))


def _operator(live_app) -> dict:
    return live_app["demo"]["operator"]


def test_operator_activates_a_trial_account(live_app, browser, page):
    base, second = live_app["base"], live_app["second"]
    boss = browser.new_context(locale="de-DE").new_page()
    login(boss, base, second["email"], second["password"])
    expect(boss.locator("#account-notice")).to_contain_text("nicht freigeschaltet")

    operator_login(page, base, **_operator(live_app))
    expect_heading(page, "Kundenkonten")
    row = _row(page, second["account"])
    expect(row.get_by_text("Inaktiv", exact=True)).to_be_visible()
    expect(_row(page, "Kiko Demo GmbH").get_by_text("Aktiv", exact=True)).to_be_visible()
    switch = row.get_by_role("switch", name="Live-Chat")
    expect(switch).not_to_be_checked()
    switch.click()
    expect(row.get_by_text("Aktiv", exact=True)).to_be_visible()
    expect(switch).to_be_checked()

    boss.reload()
    expect_heading(boss, "Konversationen")
    expect(boss.locator("#account-notice")).to_have_count(0)

    # Back off again: the account is shared with the other browser tests, which expect it as seeded.
    switch.click()
    expect(row.get_by_text("Inaktiv", exact=True)).to_be_visible()
    boss.reload()
    expect(boss.locator("#account-notice")).to_be_visible()
    boss.context.close()


def test_operator_creates_an_account_with_its_first_administrator(live_app, page):
    base = live_app["base"]
    operator_login(page, base, **_operator(live_app))
    page.locator("#create-account-submit").click()
    expect(page.get_by_text("Dieses Feld ist erforderlich.")).to_be_visible()
    page.locator("#account-name").fill("Gamma Getränke GmbH")
    page.locator("#admin-name").fill("Gina Gamma")
    page.locator("#admin-email").fill("kein-mail")
    page.locator("#create-account-submit").click()
    expect(page.get_by_text("Das ist keine gültige E-Mail-Adresse.")).to_be_visible()
    expect(_row(page, "Gamma Getränke GmbH")).to_have_count(0)

    page.locator("#admin-email").fill("gina@gamma.example.com")
    page.locator("#account-plan").click()
    page.get_by_role("option", name="Starter").click()
    page.locator("#create-account-submit").click()
    expect(page.locator("#created-link")).to_have_value(re.compile(r"^http.*/invite/\S+$"))
    expect(page.get_by_text("Einladungslink für gina@gamma.example.com")).to_be_visible()
    expect(page.locator("#account-name")).to_have_value("")  # ready for the next account
    row = _row(page, "Gamma Getränke GmbH")
    expect(row.get_by_text("Inaktiv", exact=True)).to_be_visible()
    expect(row.get_by_role("combobox")).to_have_text("Starter")

    # A further administrator, e.g. because the first link got lost.
    row.get_by_role("button", name="Administrator einladen").click()
    dialog = page.get_by_role("dialog")
    expect(dialog.get_by_text("Gamma Getränke GmbH")).to_be_visible()
    dialog.locator("#invite-name").fill("Gina Gamma")
    dialog.locator("#invite-email").fill("gina@gamma.example.com")
    dialog.locator("#invite-submit").click()
    expect(dialog.locator("#invite-link")).to_have_value(re.compile(r"/invite/"))
    dialog.evaluate("dialog => Promise.all(dialog.getAnimations().map(a => a.finished))")
    _screenshot(page, "operator_invite_dialog")
    first_link = page.locator("#created-link").input_value()
    assert dialog.locator("#invite-link").input_value() != first_link
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    dialog.locator("#invite-link-copy").click()
    expect(page.get_by_text("Link kopiert.")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == dialog.locator("#invite-link").input_value()
    dialog.get_by_role("button", name="Schließen").click()
    expect(page.get_by_role("dialog")).to_have_count(0)

    # A plan change gives the account a fresh trial with an end date.
    row.get_by_role("combobox").click()
    page.get_by_role("option", name="Testphase").click()
    expect(row.get_by_text(re.compile(r"\d{2}\.\d{2}\.\d{4}")).first).to_be_visible()


def test_the_operator_login_refuses_agents_and_wrong_passwords(live_app, page):
    base = live_app["base"]
    agent = live_app["demo"]["logins"][2]
    page.goto(f"{base}/admin/login")
    expect_heading(page, "Betreiberkonsole")
    page.locator("#email").fill(agent["email"])
    page.locator("#password").fill(agent["password"])
    page.locator("#operator-login-submit").click()
    expect(page.get_by_role("alert")).to_have_text("E-Mail oder Passwort ist falsch.")
    page.locator("#email").fill(_operator(live_app)["email"])
    page.locator("#password").fill("definitely wrong")
    page.locator("#operator-login-submit").click()
    expect(page.get_by_role("alert")).to_have_text("E-Mail oder Passwort ist falsch.")
    choose_language(page, "English")
    expect(page.get_by_role("alert")).to_have_text("E-mail or password is wrong.")
    expect_heading(page, "Operator console")
    assert LOGIN_URL.match(page.url)
    assert OPERATOR_SESSION_KEY not in {c["name"] for c in page.context.cookies()}


def test_the_console_needs_an_operator_session(live_app, page):
    base = live_app["base"]
    page.goto(f"{base}/admin")
    page.wait_for_url(LOGIN_URL)
    page.context.add_cookies([{"name": OPERATOR_SESSION_KEY, "value": "forged-token-123", "url": base}])
    page.goto(f"{base}/admin")
    page.wait_for_url(LOGIN_URL)
    expect(page.get_by_role("heading", name="Kundenkonten")).to_have_count(0)

    operator_login(page, base, **_operator(live_app))
    page.goto(f"{base}/app/inbox")  # the operator session opens no dashboard
    page.wait_for_url(url_of(f"{base}/login"))
    page.goto(f"{base}/admin")
    expect_heading(page, "Kundenkonten")
    page.locator("#operator-logout").click()
    page.wait_for_url(LOGIN_URL)
    page.goto(f"{base}/admin")
    page.wait_for_url(LOGIN_URL)

    admin = live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])  # nor does a dashboard session open the console
    page.goto(f"{base}/admin")
    page.wait_for_url(LOGIN_URL)
    expect(page.get_by_role("heading", name="Kundenkonten")).to_have_count(0)


def test_the_console_on_a_phone(live_app, page):
    base = live_app["base"]
    page.set_viewport_size({"width": 390, "height": 844})
    operator_login(page, base, **_operator(live_app))
    expect(_row(page, "Kiko Demo GmbH")).to_be_visible()
    choose_language(page, "English")
    expect_heading(page, "Customer accounts")
    expect(_row(page, "Kiko Demo GmbH").get_by_text("Active", exact=True)).to_be_attached()
    # The page itself does not scroll sideways; the table does, inside its box.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator("#accounts-table").evaluate(
        """box => [box, ...box.querySelectorAll("*")].some(
            el => el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible")"""
    )
    _screenshot(page, "operator_console_phone_full", full_page=True)
    _row(page, "Kiko Demo GmbH").get_by_role("button", name="Invite administrator").click()
    expect(page.get_by_role("dialog").get_by_text("Kiko Demo GmbH")).to_be_visible()
    page.get_by_role("dialog").evaluate("dialog => Promise.all(dialog.getAnimations().map(a => a.finished))")
    _screenshot(page, "operator_invite_dialog_phone")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_have_count(0)


def _screenshot(page: Page, name: str, **options) -> None:
    folder = PROJECT_ROOT / "test-artifacts"
    folder.mkdir(exist_ok=True)
    page.screenshot(path=str(folder / f"{name}.png"), **options)


def test_after_login_the_address_bar_shows_the_console_and_back_leaves_it(live_app, page):
    base = live_app["base"]
    page.goto(f"{base}/login")  # wherever the operator came from
    expect(page.locator("#login-submit")).to_be_visible()
    page.goto(f"{base}/admin")
    page.wait_for_url(LOGIN_URL)
    page.locator("#email").fill(_operator(live_app)["email"])
    page.locator("#password").fill(_operator(live_app)["password"])
    page.locator("#operator-login-submit").click()
    expect_heading(page, "Kundenkonten")
    assert page.evaluate("location.pathname").rstrip("/") == "/admin"
    # A reload of the console's own address keeps the console (and the session).
    page.reload()
    expect_heading(page, "Kundenkonten")
    assert page.evaluate("location.pathname").rstrip("/") == "/admin"
    # The login form (and the signed-out console that sent the tab there) left the history with
    # the login: Back goes where the operator came from instead of bouncing into the console.
    page.go_back()
    page.wait_for_url(re.compile(r".*/login/?$"))
    expect(page.locator("#login-submit")).to_be_visible()
    page.wait_for_timeout(1000)
    assert page.evaluate("location.pathname").rstrip("/") == "/login"
