"""The app with e-mail on: a real SMTP server (aiosmtpd) in the test process. Run in its own
pytest invocation (scripts/run-tests.sh), because a second production build shares the .web folder."""

import pytest

from tests.e2e.conftest import _require_chromium, running_app
from tests.mail_server import Mailbox, SmtpServer, free_port

# Short, so the browser test can watch "send again" be refused and then allowed.
RESEND_SECONDS = 15


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    _require_chromium()
    mailbox = Mailbox()
    server = SmtpServer(mailbox, free_port())
    server.start()
    workdir = tmp_path_factory.mktemp("mail")
    env = {
        "KIKO_SMTP_HOST": "127.0.0.1",
        "KIKO_SMTP_PORT": str(server.port),
        "KIKO_SMTP_SECURITY": "none",
        "KIKO_INVITATION_RESEND_SECONDS": str(RESEND_SECONDS),
    }
    try:
        with running_app(workdir, f"sqlite:///{workdir / 'kiko.db'}", env) as app:
            yield {**app, "mailbox": mailbox}
    finally:
        server.stop()
