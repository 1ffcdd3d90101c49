"""Webhooks never reach the app's own network: loopback, private, link-local, CGNAT, multicast,
reserved and cloud metadata addresses are refused when a webhook is saved and again, after
resolving the name, when it is sent (unless KIKO_WEBHOOK_ALLOW_PRIVATE). The delivery log keeps
the status code and the time of each attempt, never the answer's body."""

from datetime import timedelta

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from kiko_livechat.api import build_api
from kiko_livechat.models import Role, WebhookDelivery
from kiko_livechat.models.base import utcnow
from kiko_livechat.services import api_access, contacts, inboxes, webhooks
from kiko_livechat.services.errors import ValidationFailed
from kiko_livechat.settings import get_settings
from tests import factories
from tests.delivery_workers import run_delivery_workers

REFUSED = (
    "http://127.0.0.1:3000/api",  # the app's own port
    "http://127.9.9.9/hook",
    "http://localhost:3000/hook",  # a name that resolves only to loopback
    "http://2130706433/hook",  # 127.0.0.1 written as a number
    "http://10.1.2.3/hook",
    "http://172.16.0.5/hook",
    "http://192.168.178.1/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://metadata.google.internal/computeMetadata/v1/",
    "http://100.64.0.1/hook",  # carrier-grade NAT
    "http://0.0.0.0:3000/hook",
    "http://224.0.0.1/hook",
    "http://240.0.0.1/hook",
    "http://[::1]:3000/hook",
    "http://[::]/hook",
    "http://[fe80::1]/hook",
    "http://[fc00::1]/hook",
    "http://[fd00:ec2::254]/latest/meta-data/",
    "http://[ff02::1]/hook",
    "http://[::ffff:127.0.0.1]/hook",  # IPv4-mapped IPv6
    "http://[::ffff:a9fe:a9fe]/hook",  # 169.254.169.254, mapped
)
ACCEPTED = (
    "https://hooks.example.org/kiko",  # does not resolve here: checked again when sending
    "http://93.184.216.34/hook",
    "https://[2606:4700:4700::1111]/hook",
)


@pytest.fixture
def refusing(monkeypatch):
    """The product's default: no private targets."""
    monkeypatch.setenv("KIKO_WEBHOOK_ALLOW_PRIVATE", "false")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def admin(db):
    return factories.actor(db, factories.active_account(db).id, role=Role.ADMINISTRATOR)


@pytest.mark.parametrize("url", REFUSED)
def test_private_addresses_are_refused_when_a_webhook_is_saved(db, admin, refusing, url):
    with pytest.raises(ValidationFailed) as refused:
        webhooks.create_webhook(db, actor=admin, url=url)
    assert (refused.value.code, refused.value.field) == ("webhooks.error.private_address", "url")
    with pytest.raises(ValidationFailed) as refused:
        inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url=url)
    assert (refused.value.code, refused.value.field) == ("webhooks.error.private_address", "webhook_url")


def test_public_addresses_and_unresolved_names_are_accepted(db, admin, refusing):
    for url in ACCEPTED:
        assert webhooks.create_webhook(db, actor=admin, url=url).url == url
    bot = inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url=ACCEPTED[0])
    with pytest.raises(ValidationFailed):
        inboxes.update_inbox(db, actor=admin, inbox_id=bot.inbox.inbox_id, name="Bot", webhook_url=REFUSED[0])


def test_the_setting_allows_private_targets_but_never_cloud_metadata(db, admin, monkeypatch):
    monkeypatch.setenv("KIKO_WEBHOOK_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    assert webhooks.create_webhook(db, actor=admin, url="http://127.0.0.1:8080/hook").url
    assert webhooks.create_webhook(db, actor=admin, url="http://10.1.2.3/hook").url
    for url in ("http://169.254.169.254/", "http://metadata.google.internal/", "http://[fd00:ec2::254]/"):
        with pytest.raises(ValidationFailed):
            webhooks.create_webhook(db, actor=admin, url=url)
    get_settings.cache_clear()


def test_the_api_answers_a_translated_422_naming_the_field(app_db, refusing):
    with Session(app_db, expire_on_commit=False) as db:
        admin = factories.actor(db, factories.active_account(db).id, role=Role.ADMINISTRATOR)
        token = api_access.issue_personal_token(db, actor=admin)
    client = TestClient(build_api())
    for language, words in (("en", "private"), ("de", "privat")):
        answer = client.post(
            f"/api/v1/accounts/{admin.account_id}/webhooks",
            json={"url": "http://127.0.0.1:3000/api/v1/accounts/1/agents"},
            headers={"api_access_token": token, "Accept-Language": language},
        )
        assert answer.status_code == 422
        body = answer.json()
        assert (body["error"], body["field"]) == ("webhooks.error.private_address", "url")
        assert words in body["message"] and "127.0.0.1" in body["message"]


def _bot_with_webhook(app_db, url):
    with Session(app_db, expire_on_commit=False) as db:
        admin = factories.actor(db, factories.active_account(db).id, role=Role.ADMINISTRATOR)
        created = inboxes.create_api_inbox(db, actor=admin, name="Bot", webhook_url=url)
        bot = api_access.resolve_api_token(db, token=created.api_token)
    return admin, bot, created.inbox.inbox_id


def _one_event(app_db, bot, inbox_id, source="e"):
    with Session(app_db, expire_on_commit=False) as db:
        contacts.create_contact(db, actor=bot, name="E", inbox_id=inbox_id, source_id=source)


def _delivery(app_db) -> WebhookDelivery:
    with Session(app_db) as db:
        return db.exec(select(WebhookDelivery)).one()


def test_a_private_target_is_refused_when_sent_and_not_retried(app_db, receivers, monkeypatch):
    """Saved while private targets were allowed (or a name that resolved elsewhere then): the
    send checks the address again and refuses, once, with its reason in the delivery log."""
    receiver = receivers(host="localhost")
    admin, bot, inbox_id = _bot_with_webhook(app_db, receiver.url)
    monkeypatch.setenv("KIKO_WEBHOOK_ALLOW_PRIVATE", "false")
    get_settings.cache_clear()
    _one_event(app_db, bot, inbox_id)
    run_delivery_workers(lambda: _delivery(app_db).status != "pending", limit=10)
    row = _delivery(app_db)
    assert receiver.calls == []
    assert (row.status, row.attempts, row.last_status_code) == ("failed", 1, None)
    with Session(app_db) as db:
        assert webhooks.claim_due(db, now=utcnow() + timedelta(days=1)) == []  # not retried
        (entry,) = webhooks.recent_deliveries(db, actor=admin, inbox_id=inbox_id).rows
    (attempt,) = entry.attempts_log
    assert attempt.refused == "loopback" and attempt.address in ("127.0.0.1", "::1")


def test_a_name_is_sent_to_its_checked_address_with_its_own_host_header(app_db, receivers):
    receiver = receivers(host="localhost")
    admin, bot, inbox_id = _bot_with_webhook(app_db, receiver.url)
    _one_event(app_db, bot, inbox_id)
    run_delivery_workers(lambda: bool(receiver.calls), limit=10)
    ((headers, _),) = receiver.calls
    assert headers["Host"] == f"localhost:{receiver.port}"


def test_the_log_keeps_code_and_time_of_each_attempt_never_the_body(app_db, receivers):
    receiver = receivers(hold_seconds=0.2, answer=b"internal: db password is hunter2")
    receiver.statuses = [500]
    admin, bot, inbox_id = _bot_with_webhook(app_db, receiver.url)
    _one_event(app_db, bot, inbox_id)
    run_delivery_workers(lambda: _delivery(app_db).attempts == 1 and _delivery(app_db).last_status_code, limit=10)
    with Session(app_db) as db:
        row = db.exec(select(WebhookDelivery)).one()
        assert "hunter2" not in (row.last_error or "") and "hunter2" not in str(row.attempts_log)
        retry_at = row.next_attempt_at
        for due in webhooks.claim_due(db, now=retry_at):
            webhooks.record_result(db, delivery_id=due.delivery_id, status_code=200, error=None, duration_ms=12,
                                   now=retry_at)  # fmt: skip
        (entry,) = webhooks.recent_deliveries(db, actor=admin, inbox_id=inbox_id).rows
    assert [a.status_code for a in entry.attempts_log] == [500, 200]
    assert entry.attempts_log[0].duration_ms >= 200 and entry.attempts_log[1].duration_ms == 12
