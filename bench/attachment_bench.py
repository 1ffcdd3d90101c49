"""Attachments against the real app (one worker, SQLite): what one large upload costs in memory,
and what uploads and downloads cost in time and CPU.

1. A 40 MB file (the default limit) is uploaded through the agents' upload route while the
   server's resident memory is sampled every 10 ms: the peak over the idle RSS before it is what
   the upload holds (streamed into the storage, it should be a few chunks, not the file).
2. Rounds of a 5 MB upload and its download, one at a time: p50/p99 and the server's CPU per
   round; the floor beside them is the same bytes sent and read back through a loopback socket
   pair, the least moving them costs on this machine with no app in the way.

Usage: python -m bench.attachment_bench [--rounds 20] [--big-mb 40]
"""

import argparse
import asyncio
import socket
import threading
import time

from sqlmodel import Session

from bench.file_transfers import client_for, pdf_payload, upload
from bench.load_clients import agents, cpu_seconds, rss_kib, serving
from bench.timing import percentiles
from kiko_livechat.db import make_engine
from kiko_livechat.models import Conversation
from kiko_livechat.services import visitor_chat


async def _peak_rss_during(pid: int, work) -> tuple[int, int, object]:
    """(RSS before, peak RSS while `work` runs, its result), in KiB."""
    before = rss_kib(pid)
    peak = before
    task = asyncio.ensure_future(work)
    while not task.done():
        peak = max(peak, await asyncio.to_thread(rss_kib, pid))
        await asyncio.sleep(0.01)
    return before, peak, task.result()


def _socket_floor(payload: bytes, rounds: int) -> list[float]:
    """Sending the bytes through a loopback socket pair and reading them back: the machine's own
    cost of moving that much, with no app in the way."""
    samples = []
    for _ in range(rounds):
        a, b = socket.socketpair()
        received = bytearray()

        def read(sock=b, into=received):
            while len(into) < len(payload):
                into += sock.recv(1 << 20)

        reader = threading.Thread(target=read)
        started = time.perf_counter()
        reader.start()
        a.sendall(payload)
        reader.join()
        samples.append(time.perf_counter() - started)
        a.close()
        b.close()
    return samples


def _conversation(db_url: str, inbox_token: str) -> str:
    """A visitor's conversation in the demo inbox, for the agent to attach files to: its number."""
    engine = make_engine(db_url)
    with Session(engine) as db:
        sent = visitor_chat.send_visitor_message(
            db, public_token=inbox_token, visitor_token=f"bench-files-{time.time()}-visitor", content="Hallo"
        )
        number = db.get(Conversation, sent.conversation_id).display_id
    engine.dispose()
    return str(number)


async def _run(app: dict, args) -> None:
    (token,) = agents(app["db_url"], 1)
    number = _conversation(app["db_url"], app["demo"]["web_inbox_token"])
    async with client_for(app["base"], token) as client:
        probe = await upload(client, number, pdf_payload(0.01))
        if probe.status_code != 201:
            raise SystemExit(f"upload refused: {probe.status_code} {probe.text}")
        big = pdf_payload(args.big_mb - 0.01)
        await asyncio.sleep(2)  # let the server settle after start-up
        before, peak, answer = await _peak_rss_during(app["pid"], upload(client, number, big))
        print(f"one {args.big_mb} MB upload: HTTP {answer.status_code}, server RSS {before / 1024:.0f} MB idle, "
              f"peak +{(peak - before) / 1024:.1f} MB while it streamed")  # fmt: skip

        payload = pdf_payload(5)
        ups, downs = [], []
        cpu_before = cpu_seconds(app["pid"])
        for _ in range(args.rounds):
            started = time.perf_counter()
            answer = await upload(client, number, payload)
            ups.append(time.perf_counter() - started)
            started = time.perf_counter()
            got = await client.get(f"/files/{answer.json()['id']}/bench.pdf")
            downs.append(time.perf_counter() - started)
            assert len(got.content) == len(payload)
        cpu = cpu_seconds(app["pid"]) - cpu_before
    floor = _socket_floor(payload, args.rounds)
    print(f"5 MB upload     {percentiles(ups)}")
    print(f"5 MB download   {percentiles(downs)}")
    print(f"server CPU      {cpu / args.rounds * 1000:.0f} ms per upload + download")
    print(f"floor (5 MB through a loopback socket pair) {percentiles(floor)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--big-mb", type=float, default=40)
    args = parser.parse_args()
    with serving(1, "kiko_bench_attachments") as app:
        asyncio.run(_run(app, args))


if __name__ == "__main__":
    main()
