"""Steps a person takes in the browser."""

import re
import time

from playwright.sync_api import Page, expect


def url_of(address: str) -> re.Pattern:
    """A page's address as the browser may show it: a login or logout is a form post whose
    answer redirects, and the static server adds a slash to a page's path."""
    return re.compile(re.escape(address) + "/?$")


def wait_until(page: Page, expression: str, timeout: float = 30000) -> None:
    """Wait until `expression` is true in the page. (Playwright's wait_for_function compiles its
    predicate with eval inside the page, which the app's CSP rightly refuses; evaluate is not
    subject to it.)"""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression):
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout:.0f} ms: {expression}")
        page.wait_for_timeout(100)


def login(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.locator("#login-submit").click()
    page.wait_for_url(url_of(f"{base}/app/inbox"))


def choose_language(page: Page, label: str) -> None:
    """Pick a language in the top bar's language select."""
    page.get_by_role("combobox", name=re.compile("Sprache|Language")).click()
    page.get_by_role("option", name=label).click()


def expect_heading(page: Page, text: str) -> None:
    expect(page.get_by_role("heading", name=text, exact=True)).to_be_visible()


PHONE = {"width": 390, "height": 844}


def fits_the_screen(page: Page) -> bool:
    """Nothing sticks out sideways (no horizontal scrolling of the whole page)."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def newest_conversation_number(db_url: str) -> int:
    """The display number of the conversation started last (e.g. by a visitor just now)."""
    from sqlmodel import Session, select

    from kiko_livechat.db import make_engine
    from kiko_livechat.models import Conversation

    engine = make_engine(db_url)
    try:
        with Session(engine) as db:
            return db.exec(select(Conversation.display_id).order_by(Conversation.id.desc())).first()
    finally:
        engine.dispose()
