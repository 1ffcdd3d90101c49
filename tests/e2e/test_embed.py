"""The embed script on a website of another origin, and who may frame the chat page."""

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from kiko_livechat.db import make_engine
from kiko_livechat.models import Inbox
from kiko_livechat.services.inboxes import embed_snippet

pytestmark = pytest.mark.e2e


def _inbox_token(live_app, name: str, domains: list[str] | None = None) -> str:
    engine = make_engine(live_app["db_url"])
    with Session(engine) as db:
        inbox = db.exec(select(Inbox).where(Inbox.name == name)).one()
        if domains is not None:
            inbox.allowed_domains = domains
            db.add(inbox)
            db.commit()
        token = inbox.public_token
    engine.dispose()
    return token


def test_the_bubble_opens_the_chat_on_another_website(live_app, page, host_site):
    token = live_app["demo"]["web_inbox_token"]
    url = host_site(
        "shop.html",
        embed_snippet(token, live_app["base"]),
        before='<script>window.kikoSettings = {locale: "en", position: "left"};</script>',
    )
    page.goto(url)
    launcher = page.locator("#kiko-launcher")
    expect(launcher).to_be_visible()
    expect(page.locator("#kiko-chat")).to_have_count(0)  # nothing heavy loads before the first click
    launcher.click()
    chat = page.frame_locator("#kiko-chat")
    composer = chat.locator("#widget-composer")
    expect(composer).to_have_attribute("placeholder", "Write a message …")
    composer.fill("Hello from the shop page")
    composer.press("Enter")
    expect(chat.locator(".widget-message", has_text="Hello from the shop page")).to_be_visible()
    page.screenshot(path="test-artifacts/embed-on-shop-page.png")
    launcher.click()
    expect(page.locator("#kiko-chat")).to_be_hidden()


def _frame_ancestors(answer) -> str:
    """The frame-ancestors directive of a page's Content-Security-Policy."""
    directives = [d.strip() for d in answer.headers["content-security-policy"].split(";")]
    return next(d for d in directives if d.startswith("frame-ancestors"))


def test_only_allowed_websites_may_frame_the_chat(live_app, page, host_site):
    base = live_app["base"]
    assert _frame_ancestors(page.request.get(f"{base}/login")) == "frame-ancestors 'self'"
    token = _inbox_token(live_app, "Beta Shop", ["shop.example.com"])
    widget = page.request.get(f"{base}/widget/{token}")
    assert _frame_ancestors(widget) == "frame-ancestors 'self' shop.example.com"
    page.goto(
        host_site(
            "elsewhere.html", embed_snippet(token, base), before="<script>window.kikoSettings={open:true}</script>"
        )
    )
    expect(page.locator("#kiko-chat")).to_be_visible()
    page.wait_for_timeout(1500)
    assert page.frame_locator("#kiko-chat").locator("#widget-composer").count() == 0  # the browser refused
