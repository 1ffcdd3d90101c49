"""Issue 13.6: the API refuses what it will not take before reading it (a missing token, a body
declared too large), reads a body of unknown length only up to the cap, and limits the requests
of clients without a valid token per address.

Bodies come from a generator that counts what the app pulled: the same 64 KiB chunk over and
over, so 50 MB cost the test no memory and the app's reading is what the numbers show."""

import asyncio
import itertools
import json
import tracemalloc

import pytest
from starlette.testclient import TestClient

from kiko_livechat.api import rate_limit
from kiko_livechat.api.body import BODY_MAX_BYTES
from kiko_livechat.settings import get_settings
from tests.integration.api.bot_conversation import bot_conversation

CHUNK = b" " * 65536
HUGE = 50 * 1024 * 1024


@pytest.fixture
def bot(app_db):
    acc, created, conv = bot_conversation(app_db)
    return created.api_token, f"/api/v1/accounts/{acc.id}/conversations/{conv.display_id}/messages"


def _post(app, path: str, headers: dict, size: int, *, declared: bool, client=("203.0.113.7", 4711)):
    """POST `size` bytes to the app as an ASGI server would (with Content-Length, or chunked
    without it): (status, answer, bytes the app pulled)."""
    chunks = itertools.repeat(CHUNK, size // len(CHUNK))
    pulled = 0
    sent: list[dict] = []

    async def receive():
        nonlocal pulled
        chunk = next(chunks, None)
        if chunk is None:
            return {"type": "http.request", "body": b"", "more_body": False}
        pulled += len(chunk)
        return {"type": "http.request", "body": chunk, "more_body": True}

    async def send(message):
        sent.append(message)

    raw = [(name.lower().encode(), value.encode()) for name, value in headers.items()]
    if declared:
        raw.append((b"content-length", str(size).encode()))
    else:
        raw.append((b"transfer-encoding", b"chunked"))
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "", "headers": raw,
             "client": client, "server": ("testserver", 80)}  # fmt: skip
    asyncio.run(app(scope, receive, send))
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, json.loads(body), pulled


JSON = {"content-type": "application/json"}


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "chunked"])
def test_a_50_mb_post_without_a_token_is_refused_unread(bot, real_app, declared):
    _, path = bot
    status, answer, pulled = _post(real_app, path, JSON, HUGE, declared=declared)
    assert (status, answer["error"], pulled) == (401, "api.unauthorized", 0)


@pytest.mark.parametrize("token", ["valid", "bogus"])
def test_a_body_declared_too_large_is_refused_unread(bot, real_app, token):
    valid, path = bot
    headers = {**JSON, "api_access_token": valid if token == "valid" else "bogus-token"}
    status, answer, pulled = _post(real_app, path, headers, HUGE, declared=True)
    assert (status, answer["error"], pulled) == (413, "api.error.too_large", 0)


@pytest.mark.parametrize("token", ["valid", "bogus"])
def test_a_chunked_body_is_cut_off_at_the_cap(bot, real_app, token):
    valid, path = bot
    headers = {**JSON, "api_access_token": valid if token == "valid" else "bogus-token"}
    status, answer, pulled = _post(real_app, path, headers, HUGE, declared=False)
    assert (status, answer["error"]) == (413, "api.error.too_large")
    assert pulled <= BODY_MAX_BYTES + len(CHUNK)  # the cap, and the one chunk that crossed it


def test_refusing_a_huge_body_keeps_the_memory_flat(bot, real_app):
    valid, path = bot
    tracemalloc.start()
    try:
        status, _, _ = _post(real_app, path, {**JSON, "api_access_token": valid}, HUGE, declared=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert status == 413
    assert peak < 8 * 1024 * 1024, f"peak {peak / 2**20:.1f} MiB while refusing a 50 MiB body"


def test_a_body_within_the_cap_still_arrives_in_pieces(bot, real_app):
    valid, path = bot
    content = json.dumps({"content": "x" * 9000}).encode()
    client = TestClient(real_app)
    sent = client.post(path, content=iter([content[:100], content[100:]]), headers={**JSON, "api_access_token": valid})
    assert sent.status_code == 200, sent.text
    assert sent.json()["content"] == "x" * 9000


@pytest.fixture
def tight_address_limit(monkeypatch):
    monkeypatch.setenv("KIKO_API_RATE_PER_ADDRESS_BURST", "5")
    monkeypatch.setenv("KIKO_API_RATE_PER_ADDRESS_PER_SECOND", "0.001")
    get_settings.cache_clear()
    rate_limit.reset()
    yield
    rate_limit.reset()


def test_an_unauthenticated_flood_answers_429(bot, real_app, tight_address_limit):
    valid, path = bot
    listing = path.rsplit("/conversations/", 1)[0] + "/inboxes"
    flooder = TestClient(real_app, client=("203.0.113.9", 5000))
    missing = [flooder.get(listing).status_code for _ in range(7)]
    assert missing == [401] * 5 + [429] * 2
    # Guessing tokens from another address: each failed attempt counts there.
    guesser = TestClient(real_app, client=("198.51.100.3", 5000))
    guessed = [guesser.get(listing, headers={"api_access_token": f"guess-{i}"}).status_code for i in range(7)]
    assert guessed == [401] * 5 + [429] * 2
    assert guesser.get(listing, headers={"api_access_token": valid}).status_code == 429  # not one more lookup
    # The bot, from its own address, is not affected; nor is it counted per address.
    bot_client = TestClient(real_app, client=("192.0.2.1", 5000), headers={"api_access_token": valid})
    assert [bot_client.get(listing).status_code for _ in range(8)] == [200] * 8
    # A 429 is refused before the body is read.
    status, answer, pulled = _post(real_app, path, JSON, HUGE, declared=False, client=("203.0.113.9", 5000))
    assert (status, answer["error"], pulled) == (429, "api.error.rate_limited", 0)
