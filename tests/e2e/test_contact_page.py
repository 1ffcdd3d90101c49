"""A contact's page as an agent uses it: from the directory to the contact, an edit with a German
phone number written as people write it, a refusal shown at its field, and blocking."""

import re

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PHONE, fits_the_screen, login

pytestmark = pytest.mark.e2e


def test_an_agent_edits_a_contact_and_blocks_it(live_app, page):
    base, demo = live_app["base"], live_app["demo"]
    api = f"{base}/api/v1/accounts/{demo['account_id']}/contacts"
    created = httpx.post(api, json={"name": "Erika Muster", "inbox_id": demo["api_inbox_id"], "source_id": "cp-1"},
                         headers={"api_access_token": demo["api_token"]}, timeout=20)  # fmt: skip
    created.raise_for_status()
    admin = next(p for p in live_app["demo"]["logins"] if p["role"] == "administrator")
    login(page, base, admin["email"], admin["password"])
    page.goto(f"{base}/app/contacts")
    page.locator("#contact-search").fill("erika mus")
    expect(page.locator(".contact-name")).to_have_count(1)
    page.locator("#contact-search").fill("niemand-heisst-so")
    expect(page.get_by_text("Kein Kontakt passt zu dieser Suche.")).to_be_visible()
    page.locator("#contact-search").fill("Erika")
    page.locator(".contact-name a", has_text="Erika Muster").click()
    page.wait_for_url(re.compile(r"/app/contacts/\d+$"))
    expect(page.locator("#contact-title")).to_be_visible()
    page.locator("#contact-name").fill("Jürgen Größe")
    page.locator("#contact-phone_number").fill("0171 1234567")
    page.locator("#contact-company").fill("Bäckerei Größe")
    page.locator("#save-contact").click()
    expect(page.locator("#contact-title")).to_have_text("Jürgen Größe")
    expect(page.locator("#contact-phone_number")).to_have_value("+491711234567")
    page.locator("#contact-phone_number").fill("12ab")
    page.locator("#save-contact").click()
    expect(page.get_by_text("Bitte geben Sie eine wählbare Telefonnummer an", exact=False)).to_be_visible()
    page.locator("#contact-blocked").click()
    page.locator("#save-blocked").click()
    expect(page.get_by_text("Dieser Kontakt ist gesperrt.")).to_be_visible()
    page.set_viewport_size(PHONE)
    assert fits_the_screen(page)
