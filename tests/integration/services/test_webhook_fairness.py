"""Webhook deliveries are fair per target: a slow or dead bot endpoint delays only its own
deliveries, a conversation's deliveries arrive in order (also with several workers), sends
run side by side up to a bound, and a failing endpoint is paused by a circuit breaker."""

import json
import threading
import time
from datetime import timedelta

from sqlmodel import Session, select

from kiko_livechat import workers
from kiko_livechat.models import Role, WebhookDelivery
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import api_access, api_chat, contacts, inboxes, webhook_targets, webhooks
from kiko_livechat.settings import get_settings
from tests import factories
from tests.delivery_workers import delivery_worker_processes, run_delivery_workers, wait_until


def _admin(db):
    acc = factories.active_account(db)
    return factories.actor(db, acc.id, role=Role.ADMINISTRATOR)


def _bot(db, admin, url, name="Bot"):
    """An API inbox whose webhook is `url`: the bot's actor and the inbox id."""
    created = inboxes.create_api_inbox(db, actor=admin, name=name, webhook_url=url)
    return api_access.resolve_api_token(db, token=created.api_token), created.inbox.inbox_id


def _conversation(db, bot, inbox_id, source):
    contacts.create_contact(db, actor=bot, name=source, inbox_id=inbox_id, source_id=source)
    return api_chat.create_conversation(db, actor=bot, inbox_id=inbox_id, source_id=source)


def _contacts(db, bot, inbox_id, prefix, count):
    for i in range(count):
        contacts.create_contact(db, actor=bot, name=f"{prefix}{i}", inbox_id=inbox_id, source_id=f"{prefix}{i}")


STREAM = 50  # deliveries per bot, one every 0.1 s


def test_a_hanging_bot_never_delays_another_bots_deliveries(app_db, receivers):
    """Bot B's endpoint never answers (each call waits for the send timeout); bot A's answers at
    once. Both get a steady stream of events; A's deliveries stay prompt (issue 13.1: they were
    94.7 s late behind a 4.8 s endpoint)."""
    fast, hanging = receivers(), receivers(hold_seconds=60)
    with Session(app_db, expire_on_commit=False) as db:
        admin = _admin(db)
        fast_bot, fast_inbox = _bot(db, admin, fast.url, "Fast")
        slow_bot, slow_inbox = _bot(db, admin, hanging.url, "Hanging")
    produced = threading.Event()

    def produce():
        with Session(app_db, expire_on_commit=False) as db:
            for i in range(STREAM):
                _contacts(db, slow_bot, slow_inbox, f"slow{i}-", 1)
                _contacts(db, fast_bot, fast_inbox, f"fast{i}-", 1)
                time.sleep(0.1)
        produced.set()

    producer = threading.Thread(target=produce)
    producer.start()
    run_delivery_workers(lambda: produced.is_set() and len(fast.calls) >= STREAM, limit=60)
    producer.join()
    with Session(app_db) as db:
        created = {
            row.id: row.created_at.timestamp()
            for row in db.exec(select(WebhookDelivery).where(WebhookDelivery.inbox_id == fast_inbox))
        }
    delays = sorted(arrived - created[i] for i, arrived in zip(fast.delivery_ids(), fast.arrivals, strict=True))
    assert len(delays) == STREAM
    p99 = delays[int(0.99 * (len(delays) - 1))]
    assert p99 < 1.0, f"fast bot's delivery delay p99 {p99:.2f} s, max {delays[-1]:.2f} s"
    assert hanging.calls  # the hanging bot was tried meanwhile, not skipped


def test_sends_run_side_by_side_up_to_the_configured_bound(app_db, receivers, monkeypatch):
    monkeypatch.setenv("KIKO_WEBHOOK_CONCURRENCY", "3")
    get_settings.cache_clear()
    hanging = receivers(hold_seconds=60)
    with Session(app_db, expire_on_commit=False) as db:
        admin = _admin(db)
        for n in range(5):  # five bots, all behind the same hanging endpoint
            bot, inbox_id = _bot(db, admin, f"{hanging.url}/{n}", f"Bot {n}")
            _contacts(db, bot, inbox_id, f"b{n}-", 2)
    full_since = []

    def a_while_after_all_slots_are_taken() -> bool:
        if hanging.most_open >= 3 and not full_since:
            full_since.append(time.monotonic())
        return bool(full_since) and time.monotonic() - full_since[0] > 1.0  # a fourth would have started

    run_delivery_workers(a_while_after_all_slots_are_taken, limit=15)
    assert hanging.most_open == 3


def test_a_conversations_deliveries_keep_their_order_through_retries(app_db, receivers):
    """A failed delivery holds back the later ones of its conversation (until it is delivered or
    given up); other conversations of the same bot go on meanwhile."""
    receiver = receivers()
    with Session(app_db, expire_on_commit=False) as db:
        bot, inbox_id = _bot(db, _admin(db), receiver.url)
        first = _conversation(db, bot, inbox_id, "one")
        for text in ("eins", "zwei"):
            api_chat.create_message(db, actor=bot, display_id=first.display_id, content=text, message_type="incoming")
        second = _conversation(db, bot, inbox_id, "two")
        api_chat.create_message(db, actor=bot, display_id=second.display_id, content="drei", message_type="incoming")
        ids = {r.id: r for r in db.exec(select(WebhookDelivery).order_by(WebhookDelivery.id))}
    failing = next(i for i, r in ids.items() if r.event == "conversation_created")  # the first conversation's
    sent, now = [], utcnow()

    def round_at(at):
        with Session(app_db) as db:
            due = webhooks.claim_due(db, now=at)
            assert len(due) <= 1  # one send at a time per target
            for d in due:
                sent.append(d.delivery_id)
                code = 500 if d.delivery_id == failing and sent.count(failing) == 1 else 200
                webhooks.record_result(db, delivery_id=d.delivery_id, status_code=code, error=None, now=at)
            return due

    while round_at(now):
        pass
    held_back = [i for i, r in ids.items() if r.order_key == ids[failing].order_key and i > failing]
    assert held_back and not set(held_back) & set(sent)  # the first conversation's messages wait
    assert set(sent) == set(ids) - set(held_back)  # everything else went
    later = now + timedelta(seconds=webhooks.BACKOFF_SECONDS[0] + 1)
    while round_at(later):
        pass
    assert sent[-3:] == [failing, *held_back]
    assert sorted(sent.count(i) for i in ids) == [1] * (len(ids) - 1) + [2]


def test_several_worker_processes_keep_each_conversations_order(app_db, receivers):
    """Three app processes' workers share one bot's deliveries: each conversation's events
    arrive in the order they happened, none twice, never two at once to the bot."""
    receiver = receivers(hold_seconds=0.02)
    with Session(app_db, expire_on_commit=False) as db:
        bot, inbox_id = _bot(db, _admin(db), receiver.url)
        for c in range(2):
            conv = _conversation(db, bot, inbox_id, f"c{c}")
            for n in range(12):
                api_chat.create_message(
                    db, actor=bot, display_id=conv.display_id, content=f"{c}:{n}", message_type="incoming"
                )
        total = len(db.exec(select(WebhookDelivery.id)).all())
    with delivery_worker_processes(3):
        wait_until(lambda: len(receiver.calls) >= total, limit=60)
        time.sleep(0.5)  # a duplicate would have arrived by now
    ids = receiver.delivery_ids()
    assert len(ids) == total == len(set(ids))
    contents = [c for c in (_content(body) for _, body in receiver.calls) if c]
    for c in range(2):
        assert [x for x in contents if x.startswith(f"{c}:")] == [f"{c}:{n}" for n in range(12)]
    assert receiver.most_open == 1


def _content(body: str) -> str | None:
    data = json.loads(body)
    return data.get("content") if data["event"] == "message_created" else None


def test_the_circuit_breaker_pauses_a_failing_bot_for_a_growing_time_shared_by_all_workers(app_db, receivers):
    healthy = receivers()
    with Session(app_db, expire_on_commit=False) as db:
        admin = _admin(db)
        dead_bot, dead_inbox = _bot(db, admin, "http://127.0.0.1:9/hook", "Dead")
        live_bot, live_inbox = _bot(db, admin, healthy.url, "Live")
        _contacts(db, dead_bot, dead_inbox, "d", webhook_targets.FAILURES_BEFORE_PAUSE + 4)
        _contacts(db, live_bot, live_inbox, "l", 3)
    t = utcnow()

    def claim_and_fail_the_dead_one(at, session=None):
        with session or Session(app_db) as db:
            due = webhooks.claim_due(db, now=at)
            for d in due:
                dead = d.url.startswith("http://127.0.0.1:9/")
                webhooks.record_result(db, delivery_id=d.delivery_id, status_code=None if dead else 200,
                                       error="ConnectError" if dead else None, now=at)  # fmt: skip
            return [d for d in due if d.url.startswith("http://127.0.0.1:9/")]

    for _ in range(webhook_targets.FAILURES_BEFORE_PAUSE):
        assert len(claim_and_fail_the_dead_one(t)) == 1
    with Session(app_db) as db:
        log = webhooks.recent_deliveries(db, actor=admin, inbox_id=dead_inbox)
        assert log.failures == webhook_targets.FAILURES_BEFORE_PAUSE
        assert log.paused_until == t + timedelta(seconds=webhook_targets.PAUSE_SECONDS[0])
        assert webhooks.recent_deliveries(db, actor=admin, inbox_id=live_inbox).paused_until is None
    # Paused: its further deliveries are due, yet no worker (another session = another process) sends them.
    with Session(app_db) as other_process:
        assert claim_and_fail_the_dead_one(t + timedelta(seconds=1), other_process) == []
    assert claim_and_fail_the_dead_one(t + timedelta(seconds=webhook_targets.PAUSE_SECONDS[0] - 1)) == []
    # After the pause one delivery tries; it fails again, so the next pause is longer.
    reopened = t + timedelta(seconds=webhook_targets.PAUSE_SECONDS[0] + 1)
    assert len(claim_and_fail_the_dead_one(reopened)) == 1
    assert claim_and_fail_the_dead_one(reopened) == []
    with Session(app_db) as db:
        log = webhooks.recent_deliveries(db, actor=admin, inbox_id=dead_inbox)
        assert log.paused_until == reopened + timedelta(seconds=webhook_targets.PAUSE_SECONDS[1])
    # The healthy bot got all of its deliveries meanwhile.
    with Session(app_db) as db:
        live = db.exec(select(WebhookDelivery).where(WebhookDelivery.inbox_id == live_inbox)).all()
        assert {r.status for r in live} == {"delivered"}
    # Once it answers again, the breaker closes.
    recovered = reopened + timedelta(seconds=webhook_targets.PAUSE_SECONDS[1] + 1)
    with Session(app_db) as db:
        (due,) = webhooks.claim_due(db, now=recovered)
        webhooks.record_result(db, delivery_id=due.delivery_id, status_code=200, error=None, now=recovered)
        log = webhooks.recent_deliveries(db, actor=admin, inbox_id=dead_inbox)
        assert (log.paused_until, log.failures) == (None, 0)
        assert len(webhooks.claim_due(db, now=recovered)) == 1


def test_a_dead_bot_costs_the_worker_nothing_while_paused(app_db, receivers):
    failing = receivers()
    failing.statuses = [500] * 100
    with Session(app_db, expire_on_commit=False) as db:
        admin = _admin(db)
        bot, inbox_id = _bot(db, admin, failing.url)
        _contacts(db, bot, inbox_id, "x", 15)
    run_delivery_workers(lambda: len(failing.calls) >= webhook_targets.FAILURES_BEFORE_PAUSE, limit=15)
    run_delivery_workers(lambda: False, limit=1.5)  # a while longer: nothing more is sent
    assert len(failing.calls) == webhook_targets.FAILURES_BEFORE_PAUSE
    with Session(app_db) as db:
        log = webhooks.recent_deliveries(db, actor=admin, inbox_id=inbox_id)
        assert log.paused_until is not None and log.paused_until > utcnow()


def test_a_paused_bots_deliveries_wait_for_the_pause_and_are_given_up_after_a_day(app_db, receivers):
    with Session(app_db, expire_on_commit=False) as db:
        bot, inbox_id = _bot(db, _admin(db), "http://127.0.0.1:9/hook")
        _contacts(db, bot, inbox_id, "d", webhook_targets.FAILURES_BEFORE_PAUSE + 3)
    t = utcnow()

    def fail_one(at):
        with Session(app_db) as db:
            (due,) = webhooks.claim_due(db, now=at)
            webhooks.record_result(db, delivery_id=due.delivery_id, status_code=503, error=None, now=at)

    for _ in range(webhook_targets.FAILURES_BEFORE_PAUSE):
        fail_one(t)
    pause_end = t + timedelta(seconds=webhook_targets.PAUSE_SECONDS[0])
    with Session(app_db) as db:
        rows = db.exec(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
        untried = [r for r in rows if not r.attempts]
        assert len(untried) == 3 and all(r.next_attempt_at == pause_end for r in untried)  # no retry used up
    a_day_later = t + timedelta(days=1, seconds=1)
    fail_one(a_day_later)  # still down: paused again, and what waited a day is given up
    with Session(app_db) as db:
        rows = db.exec(select(WebhookDelivery)).all()
        assert {(r.status, r.last_error) for r in rows} == {("failed", "given up: the endpoint kept failing")}


def test_a_delivery_queued_in_this_process_wakes_its_worker_at_once(app_db, receivers, monkeypatch):
    """The worker polls seldom (the poll costs CPU on an idle app); what this process queues
    wakes it the moment it is committed."""
    monkeypatch.setattr(workers, "WEBHOOK_POLL_SECONDS", 30.0)
    bot_url = receivers()
    with Session(app_db, expire_on_commit=False) as db:
        admin = _admin(db)
        bot, inbox = _bot(db, admin, bot_url.url, "Prompt")
    queued_at: list[float] = []

    def produce():
        time.sleep(1.0)  # the worker has claimed nothing and waits
        with Session(app_db, expire_on_commit=False) as db:
            queued_at.append(time.monotonic())
            _contacts(db, bot, inbox, "prompt-", 1)

    producer = threading.Thread(target=produce)
    producer.start()
    run_delivery_workers(lambda: bool(bot_url.calls), limit=20)
    producer.join()
    assert bot_url.calls, "nothing was delivered within 20 s"
    assert time.monotonic() - queued_at[0] < 10  # not the 30 s poll
