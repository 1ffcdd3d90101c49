"""File transfers against the running app, as agents' tabs make them: each loop uploads a file
into a conversation (the dashboard's upload route, behind the login cookie) and downloads it
back from the file route, again and again. Used beside the chat load (bench/chat_load.py
--file-transfers N) and alone (bench/attachment_bench.py)."""

import asyncio
import os
import time
from dataclasses import dataclass, field

import httpx

from kiko_livechat.models import SessionKind
from kiko_livechat.routes import UPLOADS
from kiko_livechat.services.session_handover import COOKIE_NAMES


def pdf_payload(megabytes: float) -> bytes:
    """A PDF-looking file of this size: random bytes (nothing compresses or repeats)."""
    head = b"%PDF-1.4\n"
    return head + os.urandom(int(megabytes * 1024 * 1024) - len(head))


@dataclass
class Transfers:
    uploads: list[float] = field(default_factory=list)
    downloads: list[float] = field(default_factory=list)
    failed: int = 0
    moved_bytes: int = 0


def client_for(base: str, session_token: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base,
        cookies={COOKIE_NAMES[SessionKind.AGENT]: session_token},
        headers={"origin": base},
        timeout=120,
    )


async def upload(client: httpx.AsyncClient, number: str, payload: bytes, name: str = "bench.pdf") -> httpx.Response:
    return await client.post(UPLOADS, params={"conversation": number}, content=payload, headers={"x-file-name": name})


async def transfer_loop(base: str, session_token: str, number: str, payload: bytes, duration: float,
                        results: Transfers) -> None:  # fmt: skip
    """Upload and download `payload` until `duration` has passed."""
    deadline = time.monotonic() + duration
    async with client_for(base, session_token) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            answer = await upload(client, number, payload)
            if answer.status_code != 201:
                results.failed += 1
                await asyncio.sleep(1)
                continue
            results.uploads.append(time.perf_counter() - started)
            started = time.perf_counter()
            got = await client.get(f"/files/{answer.json()['id']}/bench.pdf")
            if got.status_code != 200 or len(got.content) != len(payload):
                results.failed += 1
                continue
            results.downloads.append(time.perf_counter() - started)
            results.moved_bytes += 2 * len(payload)
