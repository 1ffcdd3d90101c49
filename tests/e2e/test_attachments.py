"""Files in a live conversation: the agent attaches (picker, drag and drop, paste), the visitor
sees and downloads them and sends a photo back; active content is refused or only downloaded."""

import base64
import re
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect

from tests import sample_files
from tests.e2e.helpers import PHONE, fits_the_screen, login, newest_conversation_number

pytestmark = pytest.mark.e2e

LOOK = Path("/tmp/look-ui")
# An MP3 as the type check knows it: an ID3 tag, then a frame header.
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400)
DESKTOP = {"width": 1280, "height": 800}


def _shot(page, name: str) -> None:
    LOOK.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(LOOK / f"{name}.png"))


def _files(page, *files: tuple[str, bytes, str]):
    """A DataTransfer in the page holding these files (what a drop or a paste carries)."""
    return page.evaluate_handle(
        """(files) => {
            const transfer = new DataTransfer();
            for (const [name, b64, type] of files) {
                const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
                transfer.items.add(new File([bytes], name, { type }));
            }
            return transfer;
        }""",
        [[name, base64.b64encode(data).decode(), kind] for name, data, kind in files],
    )


def _loaded(image, timeout: float = 10) -> None:
    """The image arrived and decoded (its link worked). Polled: the pages' CSP refuses
    Playwright's wait_for_function."""
    deadline = time.monotonic() + timeout
    while not image.evaluate("(img) => img.complete && img.naturalWidth > 0"):
        assert time.monotonic() < deadline, "the image did not load"
        time.sleep(0.1)


def _widget(browser, live_app, viewport=PHONE):
    context = browser.new_context(viewport=viewport, locale="de-DE")
    visitor = context.new_page()
    visitor.set_default_timeout(20000)
    visitor.goto(f"{live_app['base']}/widget/{live_app['demo']['web_inbox_token']}")
    return visitor


def test_files_travel_both_ways_live(live_app, browser, page):
    base = live_app["base"]
    admin = live_app["demo"]["logins"][0]
    login(page, base, admin["email"], admin["password"])

    visitor = _widget(browser, live_app)
    visitor.locator("#widget-composer").fill("Ich schicke Ihnen gleich ein Foto")
    visitor.locator("#widget-composer").press("Enter")
    expect(visitor.locator(".widget-message")).to_have_count(1)
    number = newest_conversation_number(live_app["db_url"])
    page.goto(f"{base}/app/conversations/{number}")
    expect(page.locator(".message", has_text="Ich schicke Ihnen gleich ein Foto")).to_be_visible()
    page.evaluate("window.__noReload = true")

    # Three ways to attach: the picker, a drop on the conversation, a paste into the text field.
    page.locator("#attach-box input.attach-picker").set_input_files(
        files=[{"name": "Anleitung.pdf", "mimeType": "application/pdf", "buffer": sample_files.PDF}]
    )
    pane = page.locator("#conversation-pane")
    dropped = _files(page, ("Rechnung.pdf", sample_files.PDF, "application/pdf"))
    pane.dispatch_event("dragenter", {"dataTransfer": dropped})
    pane.dispatch_event("dragover", {"dataTransfer": dropped})
    expect(pane).to_have_attribute("data-kiko-drag", "on")
    pane.dispatch_event("drop", {"dataTransfer": dropped})
    expect(pane).not_to_have_attribute("data-kiko-drag", "on")
    pasted = _files(page, ("image.png", sample_files.png(320, 200), "image/png"))
    page.locator("#composer").evaluate(
        "(field, data) => field.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,"
        " cancelable: true}))",
        pasted,
    )
    expect(page.locator("#attach-box .attach-item.is-done")).to_have_count(3)
    expect(page.locator("#attach-box .attach-item img.attach-thumb")).to_have_count(1)
    expect(page.locator("#attach-box .attach-item", has_text="Anleitung.pdf")).to_contain_text("Bytes")
    assert re.fullmatch(r"\d+,\d+,\d+", page.locator("#attach-box input[name=attachments]").input_value())
    expect(page.locator("#send-reply")).to_be_enabled()
    _shot(page, "agent-tray-1280")

    # Active content is refused, whatever its name says; the row says why and can be removed.
    page.locator("#attach-box input.attach-picker").set_input_files(
        files=[{"name": "harmlos.pdf", "mimeType": "application/pdf", "buffer": sample_files.SVG_WITH_SCRIPT}]
    )
    refused = page.locator("#attach-box .attach-item.is-error")
    expect(refused).to_contain_text("Dateien dieser Art können hier nicht gesendet werden")
    refused.locator(".attach-x").click()
    expect(refused).to_have_count(0)

    page.locator("#composer").fill("Hier die Unterlagen")
    page.locator("#send-reply").click()
    sent = page.locator(".message", has_text="Hier die Unterlagen")
    expect(sent.locator(".message-file")).to_have_count(3)
    expect(page.locator("#attach-box .attach-item")).to_have_count(0)
    expect(page.locator("#attach-box input[name=attachments]")).to_have_value("")
    expect(sent.locator(".file-card")).to_have_count(2)
    expect(sent.locator(".file-thumb-button img")).to_be_visible()

    # The visitor sees the picture and the cards, and both download.
    answer = visitor.locator(".widget-message", has_text="Hier die Unterlagen")
    thumb = answer.locator(".file-thumb-button img")
    expect(thumb).to_be_visible()
    _loaded(thumb)
    card = answer.locator(".file-card", has_text="Anleitung.pdf")
    expect(card).to_be_visible()
    with visitor.expect_download() as download:
        card.locator("a.file-download").click()
    assert Path(download.value.path()).read_bytes() == sample_files.PDF
    assert download.value.suggested_filename == "Anleitung.pdf"
    full = answer.locator(".file-thumb-button").first
    full.click()
    lightbox = visitor.locator(".file-lightbox img")
    expect(lightbox).to_be_visible()
    big = visitor.request.get(base + lightbox.get_attribute("src"))
    assert big.status == 200 and big.headers["content-type"] == "image/png"
    _shot(visitor, "widget-lightbox-390")
    visitor.keyboard.press("Escape")
    expect(lightbox).to_have_count(0)
    _shot(visitor, "widget-files-390")
    assert fits_the_screen(visitor)

    # The visitor sends a photo back, without text; the agent sees it live. While the upload is
    # still on its way (held here), the send waits: the button is off, Enter holds the message.
    held = []
    visitor.route("**/widget-data/*/uploads", lambda route: held.append(route))
    visitor.locator("#attach-box input.attach-picker").set_input_files(
        files=[{"name": "Schaden.jpg", "mimeType": "image/jpeg", "buffer": sample_files.jpeg()}]
    )
    expect(visitor.locator("#attach-box .attach-item.is-busy")).to_contain_text("Hochladen")
    expect(visitor.locator("#widget-send")).to_be_disabled()
    visitor.locator("#widget-composer").press("Enter")
    expect(visitor.locator("#attach-box .attach-waiting")).to_contain_text("sobald alle Dateien hochgeladen sind")
    _shot(visitor, "widget-uploading-390")
    assert len(held) == 1 and visitor.locator(".widget-message").count() == 2
    held[0].continue_()
    visitor.unroute("**/widget-data/*/uploads")
    expect(visitor.locator("#attach-box .attach-item")).to_have_count(0)
    mine = visitor.locator(".widget-message").last
    expect(mine.locator(".file-thumb-button img")).to_be_visible()
    photo = page.locator(".message").last
    expect(photo.locator(".file-thumb-button img")).to_be_visible()
    _loaded(photo.locator(".file-thumb-button img"))
    assert page.evaluate("window.__noReload") is True
    _shot(page, "agent-files-1280")
    visitor.set_viewport_size(DESKTOP)
    _shot(visitor, "widget-files-1280")
    page.set_viewport_size(PHONE)
    page.wait_for_timeout(300)
    _shot(page, "agent-files-390")
    assert fits_the_screen(page)
    page.set_viewport_size(DESKTOP)

    # A voice message plays in the browser's own player, on both sides, without a text.
    page.locator("#attach-box input.attach-picker").set_input_files(
        files=[{"name": "Sprachnachricht.mp3", "mimeType": "audio/mpeg", "buffer": MP3}]
    )
    expect(page.locator("#attach-box .attach-item.is-done")).to_have_count(1)
    page.locator("#composer").press("Enter")
    expect(page.locator(".message").last.locator("audio[controls]")).to_have_attribute(
        "src", re.compile(r"^/files/\d+/Sprachnachricht\.mp3$")
    )
    player = visitor.locator(".widget-message").last.locator("audio[controls]")
    expect(player).to_have_attribute("src", re.compile(r"signature="))
    assert visitor.request.get(base + player.get_attribute("src")).headers["content-type"] == "audio/mpeg"
    _shot(page, "agent-audio-1280")
    _shot(visitor, "widget-audio-1280")

    # A file the browser must not show is only ever a download: nothing of it runs.
    link = sent.locator(".file-card a.file-download").first.get_attribute("href")
    served = page.request.get(base + link)
    assert served.status == 200 and served.body() == sample_files.PDF
    assert served.headers["content-disposition"].startswith("attachment")
    assert served.headers["content-type"] == "application/octet-stream"
    title = page.title()
    page.evaluate("window.name = 'kiko-check'")
    with page.expect_download() as download:
        page.evaluate("(href) => { const a = document.createElement('a'); a.href = href; a.click(); }", link)
    assert Path(download.value.path()).read_bytes() == sample_files.PDF
    assert page.title() == title and page.evaluate("window.name") == "kiko-check"
    visitor.context.close()


def test_a_bot_cannot_send_an_svg_with_a_script(live_app):
    demo = live_app["demo"]
    api = httpx.Client(
        base_url=f"{live_app['base']}/api/v1/accounts/{demo['account_id']}",
        headers={"api_access_token": demo["api_token"]},
    )
    api.post("/contacts", json={"name": "Svea SVG", "inbox_id": demo["api_inbox_id"], "source_id": "svg-1"})
    number = api.post("/conversations", json={"source_id": "svg-1", "inbox_id": demo["api_inbox_id"]}).json()["id"]
    for name in ("bild.svg", "bild.pdf"):
        answer = api.post(
            f"/conversations/{number}/messages",
            data={"content": "Schau mal", "message_type": "outgoing"},
            files=[("attachments[]", (name, sample_files.SVG_WITH_SCRIPT, "image/svg+xml"))],
        )
        assert answer.status_code == 422, answer.text
        assert answer.json()["error"] == "attachments.error.type"
    listed = api.get(f"/conversations/{number}/messages").json()["payload"]
    assert not any(m.get("content") == "Schau mal" for m in listed)
    api.close()


def test_the_visitor_attaches_a_file_inside_the_iframe_of_another_website(live_app, browser, host_site):
    from kiko_livechat.services.inboxes import embed_snippet

    context = browser.new_context(viewport=PHONE, locale="de-DE")
    shop = context.new_page()
    shop.set_default_timeout(20000)
    shop.goto(host_site("files.html", embed_snippet(live_app["demo"]["web_inbox_token"], live_app["base"])))
    shop.locator("#kiko-launcher").click()
    chat = shop.frame_locator("#kiko-chat")
    expect(chat.locator("#widget-composer")).to_be_visible()
    # Ten files per message: the eleventh is refused in the tray, and can be taken away.
    picker = chat.locator("#attach-box input.attach-picker")
    picker.set_input_files(
        files=[{"name": f"Seite {i}.png", "mimeType": "image/png", "buffer": sample_files.png()} for i in range(11)]
    )
    expect(chat.locator("#attach-box .attach-item.is-done")).to_have_count(10)
    extra = chat.locator("#attach-box .attach-item.is-error")
    expect(extra).to_have_text(re.compile("Höchstens 10 Dateien pro Nachricht: „Seite 10.png“"))
    extra.locator(".attach-x").click()
    while chat.locator("#attach-box .attach-x").count():
        chat.locator("#attach-box .attach-x").first.click()
    expect(chat.locator("#attach-box input[name=attachments]")).to_have_value("")
    picker.set_input_files(
        files=[{"name": "Kassenbon.png", "mimeType": "image/png", "buffer": sample_files.png(200, 300)}]
    )
    expect(chat.locator("#attach-box .attach-item.is-done img.attach-thumb")).to_be_visible()
    chat.locator("#widget-composer").fill("Mein Kassenbon")
    chat.locator("#widget-send").click()
    sent = chat.locator(".widget-message", has_text="Mein Kassenbon")
    image = sent.locator(".file-thumb-button img")
    expect(image).to_be_visible()
    _loaded(image)  # the signed link works inside the third-party iframe
    assert "signature=" in image.get_attribute("src")
    _shot(shop, "embed-files-390")
    context.close()
