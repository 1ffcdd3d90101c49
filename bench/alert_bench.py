"""Alerts: how fast a handoff reaches the agents' dashboard tabs, and how fast alert e-mails go.

1. Tabs: N agents of the bot's inbox each hold a dashboard tab (raw Socket.IO clients of
   --page, default /app/inbox, that start their alert listener, as the page does on mount). The bot hands over
   conversations with POST /handoffs, one every --interval seconds; for each, the time from
   sending the request to each tab receiving the update that carries the new alert (the browser
   plays the tone on it). p50/p99 over all (tab, handoff) pairs, and how many never arrived.
2. E-mails: --emails alert e-mails queued by assignments, then composed and sent by the
   worker's own code to a local SMTP server (aiosmtpd): e-mails per second.

Usage: python -m bench.alert_bench [--agents 50] [--handoffs 40] [--interval 0.5] [--emails 500]
       [--page /app/inbox|/app/settings] [--workers 1|3]
The load generator shares the machine's two cores with the server: figures are upper bounds.
"""

import argparse
import asyncio
import os
import re
import socket
import tempfile
import time
from pathlib import Path

import httpx
from aiosmtpd.controller import Controller
from sqlmodel import Session, select

from bench.load_clients import agents, connect, cpu_seconds, echo_floor, gather_limited, serving
from bench.reflex_socket import ALERTS, ReflexSocket
from bench.timing import percentiles

_SEQ = re.compile(r'"alert_seq_rx_state_":(\d+)')


async def _tab_run(app: dict, args) -> None:
    demo = app["demo"]
    tokens = agents(app["db_url"], args.agents, inbox_names=("Kiko Bot",))
    tabs = [ReflexSocket(app["base"], args.page, {}, session=t) for t in tokens]
    await gather_limited(connect(tab) for tab in tabs)
    await gather_limited(tab.emit(f"{ALERTS}.start", {}) for tab in tabs)
    await asyncio.sleep(2)

    sent_at: dict[int, float] = {}
    samples: list[float] = []
    heard: set[tuple[int, int]] = set()

    def listen(index: int):
        def on_frame(frame: str, at: float) -> None:
            for match in _SEQ.finditer(frame):
                seq = int(match.group(1))
                if seq in sent_at and (index, seq) not in heard:
                    heard.add((index, seq))
                    samples.append(at - sent_at[seq])

        return on_frame

    for index, tab in enumerate(tabs):
        tab.on_frame = listen(index)
    api = f"{app['base']}/api/v1/accounts/{demo['account_id']}"
    started, cpu_before = time.monotonic(), cpu_seconds(app["pid"])
    async with httpx.AsyncClient(base_url=api, headers={"api_access_token": demo["api_token"]}) as bot:
        for n in range(1, args.handoffs + 1):
            sent_at[n] = time.perf_counter()
            body = {
                "inbox_id": demo["api_inbox_id"],
                "contact": {"name": f"Kunde {n}", "source_id": f"alert-{n}-{time.monotonic_ns()}"},
                "transcript": [{"message_type": "incoming", "content": "Bitte einen Menschen"}],
            }
            (await bot.post("/handoffs", json=body)).raise_for_status()
            await asyncio.sleep(args.interval)
    await asyncio.sleep(3)
    elapsed, cpu = time.monotonic() - started, cpu_seconds(app["pid"]) - cpu_before
    floor = await echo_floor()
    expected = len(tabs) * args.handoffs
    print(f"workers={args.workers} tabs={len(tabs)} on {args.page} handoffs={args.handoffs} every {args.interval}s")
    print(f"  handoff -> tab alert    {percentiles(samples)}  (n={len(samples)})")
    print(f"  not delivered           {expected - len(samples)} of {expected}")
    print(f"  server CPU              {cpu / args.handoffs * 1000:.1f} ms per handoff, "
          f"{cpu / elapsed * 100:.0f} % of a core")  # fmt: skip
    print(f"  bare websocket echo     {percentiles(floor)}")
    await asyncio.gather(*(tab.close() for tab in tabs))


def _email_run(count: int) -> None:
    from kiko_livechat import workers
    from kiko_livechat.db import make_engine, session_scope
    from kiko_livechat.models import AlertEmail, DeliveryStatus, Role
    from kiko_livechat.services import alert_mail, api_access, api_chat, contacts, conversations, inboxes
    from kiko_livechat.settings import get_settings
    from tests import factories
    from tests.databases import migrate

    class Sink:
        received = 0

        async def handle_DATA(self, server, session, envelope):
            Sink.received += 1
            return "250 OK"

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='kiko-alert-mail-')) / 'bench.db'}"
    os.environ.update(KIKO_DATABASE_URL=url, KIKO_SMTP_HOST="127.0.0.1", KIKO_SMTP_PORT=str(port),
                      KIKO_SMTP_SECURITY="none", KIKO_ALERT_DIGEST_SECONDS="0")  # fmt: skip
    get_settings.cache_clear()
    migrate(url)
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        admin = factories.actor(db, acc.id, role=Role.ADMINISTRATOR)
        agents = [factories.login(db, factories.user(db, acc.id)).actor for _ in range(10)]
        created = inboxes.create_api_inbox(db, actor=admin, name="Bot", agent_ids=[a.user_id for a in agents])
        bot = api_access.resolve_api_token(db, token=created.api_token)
        inbox_id = created.inbox.inbox_id
        for n in range(count):
            contacts.create_contact(db, actor=bot, name=f"Kunde {n}", inbox_id=inbox_id, source_id=f"s{n}")
            conv = api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id=f"s{n}", status="pending")
            api_chat.create_message(db, actor=bot, display_id=conv.display_id, content="Wo ist mein Paket?",
                                    message_type="incoming")  # fmt: skip
            conversations.assign(db, actor=admin, conversation_id=conv.id, assignee_id=agents[n % 10].user_id)
        queued = len(db.exec(select(AlertEmail)).all())
    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()

    def claim():
        with session_scope() as db:
            return alert_mail.claim_due(db)

    async def drain() -> None:
        while due := await asyncio.to_thread(claim):
            await asyncio.gather(*(workers._send_email(email) for email in due))

    started = time.perf_counter()
    asyncio.run(drain())
    elapsed = time.perf_counter() - started
    controller.stop()
    with Session(engine) as db:
        sent = len(db.exec(select(AlertEmail).where(AlertEmail.status == DeliveryStatus.SENT)).all())
    print(f"alert e-mails queued={queued} sent={sent} received={Sink.received}")
    print(f"  composed and sent       {sent / elapsed:.0f} e-mails/s ({elapsed:.2f} s)")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agents", type=int, default=50)
    parser.add_argument("--handoffs", type=int, default=40)
    parser.add_argument("--interval", type=float, default=0.5)
    parser.add_argument("--emails", type=int, default=500)
    # /app/inbox: each tab also reloads its conversation list on every event (what agents see
    # most of the day); /app/settings: a page with the alert listener only.
    parser.add_argument("--page", default="/app/inbox")
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args()
    with serving(args.workers, "kiko_bench_alerts", prefix="kiko-alerts-") as app:
        asyncio.run(_tab_run(app, args))
    if args.emails:
        _email_run(args.emails)


if __name__ == "__main__":
    main()
