"""An unknown address: a page in the app's style with a way back (the inbox when signed in, else
the login), translated, at desktop and phone size."""

import re

import pytest
from playwright.sync_api import Page, expect

from kiko_livechat.settings import PROJECT_ROOT
from tests.e2e.helpers import PHONE, choose_language, expect_heading, fits_the_screen, login, url_of

pytestmark = pytest.mark.e2e

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


def _screenshot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_signed_out_an_unknown_address_leads_to_the_login(live_app, page):
    base = live_app["base"]
    page.goto(f"{base}/no/such/page")
    expect_heading(page, "Seite nicht gefunden")
    expect(page.get_by_text("404: Page not found")).to_have_count(0)
    back = page.get_by_role("link", name="Zur Anmeldung")
    expect(back).to_be_visible()
    _screenshot(page, "not_found_signed_out")

    choose_language(page, "English")
    expect_heading(page, "Page not found")
    expect(page.get_by_role("link", name="Go to sign-in")).to_be_visible()

    page.set_viewport_size(PHONE)
    expect_heading(page, "Page not found")
    assert fits_the_screen(page)
    _screenshot(page, "not_found_signed_out_phone")
    page.get_by_role("link", name="Go to sign-in").click()
    page.wait_for_url(re.compile(r".*/login/?$"))


def test_signed_in_an_unknown_address_leads_back_to_the_inbox(live_app, page):
    base = live_app["base"]
    admin = live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/settings/nowhere")
    expect_heading(page, "Seite nicht gefunden")
    back = page.get_by_role("link", name="Zum Posteingang")
    expect(back).to_be_visible()
    _screenshot(page, "not_found_signed_in")
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
    _screenshot(page, "not_found_signed_in_phone")
    back.click()
    page.wait_for_url(url_of(f"{base}/app/inbox"))
