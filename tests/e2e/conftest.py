"""A real Kiko Livechat (reflex run --env prod) on a free port with its own SQLite database,
driven by Debian's chromium through Playwright."""

import contextlib
import http.server
import json
import os
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright
from sqlmodel import Session

from kiko_livechat.db import make_engine
from kiko_livechat.models import Role
from kiko_livechat.services import provisioning
from kiko_livechat.services.changes import FORGOTTEN
from kiko_livechat.settings import PROJECT_ROOT
from tests import databases

CHROMIUM = "/usr/bin/chromium"
SECOND_ACCOUNT = {"account": "Beta Handel AG", "email": "boss@beta-handel.example.com", "password": "beta password 1"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(url: str, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the app exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise TimeoutError(url)


def _require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if databases.IN_CI:
            pytest.fail("CI=true requires Debian chromium at /usr/bin/chromium")
        pytest.skip("Debian chromium is not installed (scripts/setup.sh --with-browser installs it)")


@contextlib.contextmanager
def running_app(workdir: Path, url: str, extra_env: dict[str, str] | None = None):
    """Migrate and seed `url`, add the second account, start `reflex run --env prod` on a free
    port and yield what the tests need; stop it afterwards."""
    port = _free_port()
    env = {
        # The app under test hashes with the production argon2 cost, not the suite's cheap one.
        **{k: v for k, v in os.environ.items() if not k.startswith("KIKO_PASSWORD_")},
        "KIKO_DATABASE_URL": url,
        "KIKO_PORT": str(port),
        "KIKO_BASE_URL": f"http://127.0.0.1:{port}",
        "KIKO_DEMO_LOGINS_FILE": str(workdir / "logins.json"),
        # Its attachments stay with it (services/storage.py).
        "KIKO_STORAGE_DIR": str(workdir / "storage"),
        # Short presence timings so "all tabs closed -> offline" can be watched within a test.
        "KIKO_PRESENCE_HEARTBEAT_SECONDS": "2",
        "KIKO_PRESENCE_GRACE_SECONDS": "8",
        # The webhook tests' receivers (tests/receivers.py) listen on 127.0.0.1, a private
        # address the product refuses by default.
        "KIKO_WEBHOOK_ALLOW_PRIVATE": "true",
        "REFLEX_USE_SYSTEM_BUN": "1",
        "REFLEX_TELEMETRY_ENABLED": "false",
        "PATH": f"{PROJECT_ROOT / '.tools/node_modules/.bin'}:{PROJECT_ROOT / '.venv/bin'}:{os.environ['PATH']}",
        **(extra_env or {}),
    }
    databases.migrate(url)
    subprocess.run(["python", "-m", "kiko_livechat.seed"], cwd=PROJECT_ROOT, env=env, check=True, capture_output=True)
    demo = json.loads((workdir / "logins.json").read_text())
    engine = make_engine(url)
    with Session(engine) as db:
        acc = provisioning.create_account(db, name=SECOND_ACCOUNT["account"], locale="de")
        provisioning.create_user(
            db,
            account_id=acc.id,
            email=SECOND_ACCOUNT["email"],
            name="Bea Boss",
            password=SECOND_ACCOUNT["password"],
            role=Role.ADMINISTRATOR,
        )
        provisioning.create_inbox(db, account_id=acc.id, name="Beta Shop", channel_type="web_widget")
        db.commit()
    engine.dispose()
    log = open(workdir / "app.log", "w")
    process = subprocess.Popen(
        ["reflex", "run", "--env", "prod", "--single-port", "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_for(f"{base}/api/health", process, 600)
        _wait_for(f"{base}/login", process, 600)
        yield {"base": base, "demo": demo, "second": SECOND_ACCOUNT, "db_url": url, "pid": process.pid}
    except Exception:
        print((workdir / "app.log").read_text()[-5000:])
        raise
    finally:
        stop_app(process)
        log.close()
    # The commit step's guard fired in the app: some code path committed events without
    # services/changes.py (their side effects were saved, but that path must be fixed).
    skipped = [line for line in (workdir / "app.log").read_text().splitlines() if FORGOTTEN in line]
    if skipped:
        raise AssertionError(f"the app logged {len(skipped)} commit(s) that skipped changes.commit: {skipped[:3]}")


@pytest.fixture(scope="session")
def live_app(tmp_path_factory):
    """The embedded default: SQLite, one process, in-process event bus."""
    _require_chromium()
    workdir = tmp_path_factory.mktemp("app")
    with running_app(workdir, f"sqlite:///{workdir / 'kiko.db'}") as app:
        yield app


def stop_app(process: subprocess.Popen) -> None:
    """End the app and everything it started (it may have exited on its own already)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="de-DE")
    page = context.new_page()
    page.set_default_timeout(20000)
    yield page
    artifacts = PROJECT_ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    page.screenshot(path=str(artifacts / f"{request.node.name}.png"))
    context.close()


@pytest.fixture
def host_site(tmp_path):
    """A customer's website on its own origin (another port), serving the pages we write."""
    handler = lambda *a, **kw: http.server.SimpleHTTPRequestHandler(*a, directory=str(tmp_path), **kw)  # noqa: E731
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def publish(name: str, snippet: str, before: str = "") -> str:
        (tmp_path / name).write_text(f"<!doctype html><html><body><h1>Shop</h1>{before}{snippet}</body></html>")
        return f"http://127.0.0.1:{port}/{name}"

    yield publish
    server.shutdown()
