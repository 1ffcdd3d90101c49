"""With SMTP set up, the administrator's invitation goes out by e-mail (the page says so and still
shows the link), and "send again" mails a new link, refused while the last e-mail is too recent."""

import re
import time

import pytest
from playwright.sync_api import Page, expect

from kiko_livechat.settings import PROJECT_ROOT
from tests.e2e.helpers import PHONE, fits_the_screen, login, url_of
from tests.e2e.mail.conftest import RESEND_SECONDS

pytestmark = pytest.mark.e2e

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
ERIKA = "erika.mail@example.org"


def _mail_to(mailbox, address: str, count: int, timeout: float = 20):
    """The e-mails to `address` once there are `count` of them (the worker polls every second)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        mails = [mail for mail in mailbox.messages if mail["To"] == address]
        if len(mails) >= count:
            return mails
        time.sleep(0.3)
    raise AssertionError(f"{count} e-mail(s) to {address} expected, got {len(mails)}")


def _text(mail) -> str:
    return mail.get_body(("plain",)).get_content()


def test_the_invitation_is_e_mailed_and_can_be_sent_again(live_app, page: Page):
    base, mailbox = live_app["base"], live_app["mailbox"]
    admin = live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/settings/agents")
    expect(page.locator("#invite-name")).to_be_visible()
    expect(page.locator("#invite-email-off")).to_have_count(0)

    page.locator("#invite-name").fill("Erika Mail")
    page.locator("#invite-email").fill(ERIKA)
    page.locator("#invite-locale").click()
    page.get_by_role("option", name="English").click()
    page.locator("#invite-submit").click()
    expect(page.locator("#invite-link-hint")).to_have_text(
        f"Die Einladung ist per E-Mail an {ERIKA} unterwegs. Sie können den Link auch selbst weitergeben:"
    )
    link = page.locator("#invite-link").inner_text()
    assert "/invite/" in link
    page.screenshot(path=str(ARTIFACTS / "agents-invited-by-mail.png"), full_page=True)

    (mail,) = _mail_to(mailbox, ERIKA, 1)
    assert mail["Subject"] == "Invitation to Kiko Demo GmbH on Kiko Livechat"  # the language chosen
    assert link in _text(mail) and "Anna Admin invites you" in _text(mail)

    row = page.locator(f'tr[data-invitation="{ERIKA}"]')
    page.reload()
    expect(row.get_by_text("gesendet", exact=True)).to_be_visible()
    # Too soon after the first e-mail: refused, nothing sent.
    row.get_by_role("button", name="Erneut senden").click()
    expect(page.get_by_role("alert")).to_contain_text("Bitte warten Sie noch")
    time.sleep(RESEND_SECONDS)
    row.get_by_role("button", name="Erneut senden").click()
    expect(page.locator("#resent-link-hint")).to_contain_text(f"erneut an {ERIKA} gesendet, mit einem neuen Link")
    new_link = page.locator("#resent-link").inner_text()
    assert "/invite/" in new_link and new_link != link
    _, again = _mail_to(mailbox, ERIKA, 2)
    assert new_link in _text(again)
    page.screenshot(path=str(ARTIFACTS / "agents-invitation-sent-again.png"), full_page=True)

    page.set_viewport_size(PHONE)
    expect(page.locator("#resent-link")).to_be_visible()
    expect(row).to_be_visible()
    assert fits_the_screen(page)
    box = page.locator("#resent-link + button").bounding_box()
    assert box["x"] + box["width"] <= PHONE["width"]  # the copy button is not pushed off the card
    page.screenshot(path=str(ARTIFACTS / "agents-invitation-sent-again-phone.png"), full_page=True)

    # The newest link works (the earlier one was replaced).
    erika = page.context.browser.new_context(locale="en-US").new_page()
    erika.goto(link)
    expect(erika.get_by_role("alert")).to_contain_text(re.compile("invalid|ungültig"))
    erika.goto(new_link)
    expect(erika.get_by_role("heading", name=re.compile("Kiko Demo GmbH"))).to_be_visible()
    erika.context.close()


def test_the_operators_first_administrator_is_e_mailed(live_app, page: Page):
    base, mailbox = live_app["base"], live_app["mailbox"]
    operator = live_app["demo"]["operator"]
    page.goto(f"{base}/admin/login")
    page.locator("#email").fill(operator["email"])
    page.locator("#password").fill(operator["password"])
    page.locator("#operator-login-submit").click()
    page.wait_for_url(url_of(f"{base}/admin"))
    page.locator("#account-name").fill("Delta Mail AG")
    page.locator("#admin-name").fill("Dana Delta")
    page.locator("#admin-email").fill("dana@delta.example.com")
    page.locator("#create-account-submit").click()
    expect(page.get_by_text("Die Einladung ist per E-Mail an dana@delta.example.com unterwegs")).to_be_visible()
    link = page.locator("#created-link").input_value()
    (mail,) = _mail_to(mailbox, "dana@delta.example.com", 1)
    assert mail["Subject"] == "Einladung zu Delta Mail AG bei Kiko Livechat"
    assert link in _text(mail)
