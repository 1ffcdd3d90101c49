"""A user creates a personal API token on the settings page and the API knows them by it."""

import httpx
import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import login

pytestmark = pytest.mark.e2e


def test_a_personal_token_is_shown_once_and_works(live_app, page):
    base, agent = live_app["base"], live_app["demo"]["logins"][1]
    login(page, base, agent["email"], agent["password"])
    page.goto(f"{base}/app/settings")
    page.locator("#generate-personal-token").click()
    page.get_by_role("alertdialog").get_by_role("button", name="Neues Token erzeugen").click()
    token = page.locator("#personal-token")
    expect(token).not_to_be_empty()
    profile = httpx.get(f"{base}/api/v1/profile", headers={"api_access_token": token.inner_text().strip()})
    assert profile.status_code == 200 and profile.json()["email"] == agent["email"]
    page.reload()
    # Once the page shows the signed-in user's data (not the first, empty render), the token is gone.
    expect(page.locator("#generate-personal-token")).to_be_visible()
    expect(page.locator("#profile-name")).to_have_value(agent["name"])
    expect(page.locator("#personal-token")).to_have_count(0)  # not shown again
