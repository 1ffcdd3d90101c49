"""Fixtures of the service tests that need more than a database."""

import pytest

from kiko_livechat.settings import get_settings
from tests.mail_server import Mailbox, SmtpServer, free_port
from tests.receivers import Receiver


@pytest.fixture
def smtp(app_db, monkeypatch):
    """E-mail on, through a real SMTP server: yields its mailbox and the server (to stop it)."""
    mailbox = Mailbox()
    server = SmtpServer(mailbox, free_port())
    monkeypatch.setenv("KIKO_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("KIKO_SMTP_PORT", str(server.port))
    monkeypatch.setenv("KIKO_SMTP_SECURITY", "none")
    monkeypatch.setenv("KIKO_BASE_URL", "https://chat.example.net")
    get_settings.cache_clear()
    server.start()
    yield mailbox, server
    server.stop()
    monkeypatch.undo()
    get_settings.cache_clear()


@pytest.fixture
def receivers(app_db, monkeypatch):
    """Makes real local HTTP receivers for webhooks. They listen on 127.0.0.1, a private address
    the product refuses by default, so private targets are allowed here (as a self-hosted setup
    would); the tests of the refusal turn it off again."""
    monkeypatch.setenv("KIKO_WEBHOOK_ALLOW_PRIVATE", "true")
    get_settings.cache_clear()
    made: list[Receiver] = []

    def make(**options) -> Receiver:
        made.append(Receiver(**options))
        return made[-1]

    yield make
    for receiver in made:
        receiver.stop()
    get_settings.cache_clear()
