"""File transfers against the running app, as agents' tabs make them: each loop uploads a file
into a conversation (the dashboard's upload route, behind the login cookie) and downloads it
back from the file route, again and again. Used beside the chat load (bench/chat_load.py
--file-transfers N) and alone (bench/attachment_bench.py)."""

import asyncio
import multiprocessing
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


# Pieces a paced transfer sends or reads at a time.
PIECE = 64 * 1024


async def _paced(payload: bytes, bytes_per_second: float):
    """The payload in pieces no faster than `bytes_per_second` (a client's own line)."""
    started = time.monotonic()
    for at in range(0, len(payload), PIECE):
        yield payload[at : at + PIECE]
        ahead = (at + PIECE) / bytes_per_second - (time.monotonic() - started)
        if ahead > 0:
            await asyncio.sleep(ahead)


async def upload(client: httpx.AsyncClient, number: str, payload: bytes, name: str = "bench.pdf",
                 bytes_per_second: float = 0) -> httpx.Response:  # fmt: skip
    """An agent's upload, at full loopback speed or paced like a client on a real line."""
    content = _paced(payload, bytes_per_second) if bytes_per_second else payload
    headers = {"x-file-name": name}
    if bytes_per_second:
        headers["content-length"] = str(len(payload))
    return await client.post(UPLOADS, params={"conversation": number}, content=content, headers=headers)


async def download(client: httpx.AsyncClient, path: str, bytes_per_second: float = 0) -> tuple[int, int]:
    """(status, bytes read) of a download, read at full speed or paced."""
    got, started = 0, time.monotonic()
    async with client.stream("GET", path) as answer:
        async for piece in answer.aiter_bytes(PIECE):
            got += len(piece)
            ahead = got / bytes_per_second - (time.monotonic() - started) if bytes_per_second else 0
            if ahead > 0:
                await asyncio.sleep(ahead)
        return answer.status_code, got


async def transfer_loop(base: str, session_token: str, number: str, payload: bytes, duration: float,
                        results: Transfers, mbit: float = 0) -> None:  # fmt: skip
    """Upload and download `payload` until `duration` has passed; with `mbit`, each direction
    at most that many Mbit/s (0: as fast as loopback goes)."""
    rate = mbit * 1_000_000 / 8
    deadline = time.monotonic() + duration
    async with client_for(base, session_token) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            answer = await upload(client, number, payload, bytes_per_second=rate)
            if answer.status_code != 201:
                results.failed += 1
                await asyncio.sleep(1)
                continue
            results.uploads.append(time.perf_counter() - started)
            started = time.perf_counter()
            status, size = await download(client, f"/files/{answer.json()['id']}/bench.pdf", rate)
            if status != 200 or size != len(payload):
                results.failed += 1
                continue
            results.downloads.append(time.perf_counter() - started)
            results.moved_bytes += 2 * len(payload)


def _loops_in_process(base: str, jobs: list[tuple[str, str]], mb: float, duration: float, mbit: float, out) -> None:
    payload = pdf_payload(mb)
    results = Transfers()

    async def run_all() -> None:
        await asyncio.gather(*(transfer_loop(base, token, number, payload, duration, results, mbit)
                               for token, number in jobs))  # fmt: skip

    asyncio.run(run_all())
    out.put(results)


def start_transfers(base: str, jobs: list[tuple[str, str]], mb: float, duration: float, mbit: float):
    """The transfer loops in a process of their own, so that moving the files does not delay the
    chat clients' own event loop (which times the messages). (process, queue with its Transfers)."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_loops_in_process, args=(base, jobs, mb, duration, mbit, out), daemon=True)
    process.start()
    return process, out
