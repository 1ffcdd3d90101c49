"""Issue 13.8: every page says nosniff and strict-origin-when-cross-origin and carries a CSP
whose script-src allows our files and the page's own inline scripts only (no 'unsafe-eval',
no 'unsafe-inline'); walking the app in a real browser breaks none of it; CORS reflects no
foreign origin."""

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import expect_heading, login

pytestmark = pytest.mark.e2e

COLLECT = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " e => window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`));"
)


def _script_src(answer) -> str:
    directives = [d.strip() for d in answer.headers["content-security-policy"].split(";")]
    return next(d for d in directives if d.startswith("script-src "))


def test_pages_carry_the_headers_and_a_tight_script_policy(live_app, page):
    base = live_app["base"]
    token = live_app["demo"]["web_inbox_token"]
    for path in ("/login", "/app/inbox", f"/widget/{token}", "/admin/login"):
        answer = page.request.get(base + path)
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["referrer-policy"] == "strict-origin-when-cross-origin"
        script_src = _script_src(answer)
        assert "'self'" in script_src and "'sha256-" in script_src
        assert "unsafe" not in script_src and "*" not in script_src
    assert page.request.get(f"{base}/api/health").headers["x-content-type-options"] == "nosniff"


def test_walking_the_app_violates_no_policy(live_app, browser):
    base = live_app["base"]
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(COLLECT)
    page = context.new_page()
    seen: list[str] = []

    def collect() -> None:
        seen.extend(page.evaluate("window.__csp || []"))

    admin = live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])
    expect_heading(page, "Konversationen")
    collect()
    for path, heading in (
        ("/app/contacts", "Kontakte"),
        ("/app/reports", "Berichte"),
        ("/app/settings/inboxes", "Posteingänge"),
        ("/app/settings", "Einstellungen"),
    ):
        page.goto(base + path)
        expect_heading(page, heading)
        collect()
    page.locator("[id^=preview-]").first.click()  # a tone preview: a function compiled into the page
    page.goto(f"{base}/widget/{live_app['demo']['web_inbox_token']}")
    expect(page.locator("#widget-composer")).to_be_visible()
    collect()
    page.goto(f"{base}/app/inbox")
    expect_heading(page, "Konversationen")
    page.locator("#user-menu").click()
    page.locator("#logout").click()
    page.wait_for_url(lambda url: "/login" in url)
    collect()
    context.close()
    assert seen == []


def test_cors_reflects_no_foreign_origin(live_app, page):
    base = live_app["base"]
    answer = page.request.get(
        f"{base}/api/health", headers={"Origin": "https://evil.example", "Cookie": "kiko_session=x"}
    )
    assert answer.headers.get("access-control-allow-origin") in (None, "")
    own = page.request.get(f"{base}/api/health", headers={"Origin": base})
    assert own.headers.get("access-control-allow-origin") == base
