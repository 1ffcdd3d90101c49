"""A real SMTP server (aiosmtpd) for the e-mail tests, and one round of the e-mail worker."""

import asyncio
import socket
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller

from kiko_livechat import workers
from kiko_livechat.db import session_scope
from kiko_livechat.services import alert_mail


class Mailbox:
    """What the server received, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """A real SMTP server on a fixed port that can be taken down and brought back."""

    def __init__(self, mailbox: Mailbox, port: int):
        self.mailbox, self.port, self.controller = mailbox, port, None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        self.controller.stop()


def send_round(now=None) -> None:
    """What the worker does once: claim the due e-mails and send them."""

    def claim():
        with session_scope() as db:
            return alert_mail.claim_due(db, now=now)

    async def run():
        for email in await asyncio.to_thread(claim):
            await workers._send_email(email)

    asyncio.run(run())
