"""What opening the visitor's chat costs: bytes over the websocket, scripts, time to interactive.

Starts the real app (`reflex run --env prod`, SQLite, one worker) and, as the floor, a bare Reflex
app of one page (`rx.text`) built in a temporary folder with the same Radix Themes setting as the
app (rxconfig.py). Then:
  - socket: a raw Socket.IO client (no compiled-state hashes, so every value is sent) opens the
    widget page; bytes of its first state frame and of everything until the page is loaded, and
    which states the frames name; the bare page's first frame as the floor;
  - scripts: chromium opens the page with a cold cache; script responses, as transferred
    (encoded body + headers, gzip on loopback), for the widget and the bare page;
  - time: a page of another origin with the embed script; the launcher is clicked, and the time
    runs from the iframe's insertion to the composer being ready (the page loaded its state) and
    to the iframe's load event, then from Enter to the message on screen; the bare page's load
    event in an iframe inserted the same way is the floor. Median of --runs cold starts.

Usage: python -m bench.widget_weight [--runs 5]
Figures, not pass/fail (tests/integration/state/test_visitor_socket.py holds the bounds).
"""

import argparse
import asyncio
import contextlib
import http.server
import os
import re
import socket
import statistics
import subprocess
import tempfile
import textwrap
import threading
import time
import urllib.request
from pathlib import Path

# Fixture users need a password hash; the bench measures the widget, not argon2.
os.environ.setdefault("KIKO_PASSWORD_MEMORY_KIB", "1024")
os.environ.setdefault("KIKO_PASSWORD_TIME_COST", "1")

from playwright.sync_api import sync_playwright  # noqa: E402

from bench.reflex_socket import WIDGET, ReflexSocket  # noqa: E402
from kiko_livechat.services.inboxes import embed_snippet  # noqa: E402
from kiko_livechat.settings import PROJECT_ROOT  # noqa: E402
from tests.e2e.conftest import CHROMIUM, running_app, stop_app  # noqa: E402

LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]

BARE_CONFIG = textwrap.dedent("""
    import reflex as rx

    class RadixThemes(rx.plugins.RadixThemesPlugin):  # as in the app's rxconfig.py
        def get_frontend_dependencies(self, **context):
            return ()

    config = rx.Config(app_name="bare", telemetry_enabled=False, show_built_with_reflex=False,
                       plugins=[RadixThemes()], disable_plugins=[rx.plugins.SitemapPlugin])
""")
BARE_APP = textwrap.dedent("""
    import reflex as rx

    app = rx.App()
    app.add_page(lambda: rx.text("Hello"), route="/")
""")

# Runs in every frame of the host page's tab: the host records when the embed script inserts the
# iframe, the chat page when its composer is ready (state loaded) and when its iframe loaded.
TIMING_SCRIPT = """
(() => {
  const now = () => performance.timeOrigin + performance.now();
  if (window.top === window) {
    const watch = () => {
      const frame = document.querySelector("iframe");
      if (!frame) return false;
      window.__insertedAt = now();
      frame.addEventListener("load", () => { window.__loadedAt = now(); });
      return true;
    };
    const observer = new MutationObserver(() => { if (watch()) observer.disconnect(); });
    observer.observe(document, {childList: true, subtree: true});
  } else {
    const check = () => {
      const composer = document.getElementById("widget-composer");
      const bridge = document.getElementById("kiko-widget-bridge");
      if (composer && !composer.disabled && bridge && bridge.dataset.ready === "true") {
        window.__readyAt = now();
        return;
      }
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }
})();
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def bare_app(workdir: Path):
    """The floor: a one-page Reflex app, `reflex run --env prod` on a free port."""
    (workdir / "bare").mkdir(parents=True)
    (workdir / "rxconfig.py").write_text(BARE_CONFIG)
    (workdir / "bare" / "__init__.py").write_text("")
    (workdir / "bare" / "bare.py").write_text(BARE_APP)
    port = _free_port()
    tools = f"{PROJECT_ROOT / '.tools/node_modules/.bin'}:{PROJECT_ROOT / '.venv/bin'}"
    env = {**os.environ, "REFLEX_USE_SYSTEM_BUN": "1", "REFLEX_TELEMETRY_ENABLED": "false",
           "PATH": f"{tools}:{os.environ['PATH']}"}  # fmt: skip
    log = open(workdir / "bare.log", "w")
    process = subprocess.Popen(
        ["reflex", "run", "--env", "prod", "--single-port", "--frontend-port", str(port), "--backend-port", str(port)],
        cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(base + "/", timeout=2) as answer:
                    if answer.status == 200:
                        break
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the bare app did not start:\n" + (workdir / "bare.log").read_text()[-3000:])
            time.sleep(0.5)
        yield base
    finally:
        stop_app(process)
        log.close()


async def _socket_frames(base: str, path: str, query: dict, storage: dict, done: str | None) -> list[str]:
    """The frames a raw client receives from opening `path` until `done` appears (or hydrated)."""
    client = ReflexSocket(base, path, query, storage)
    frames: list[str] = []
    client.on_frame = lambda frame, at: frames.append(frame)
    await client.connect()
    await asyncio.wait_for(client.hydrated.wait(), 30)
    deadline = time.monotonic() + 10
    while done and not any(done in f for f in frames) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    await asyncio.sleep(0.3)
    await client.close()
    return [f for f in frames if f.startswith("42")]  # state frames (not the connect answer)


def _states_named(frames: list[str]) -> list[str]:
    names = set()
    for frame in frames:
        names.update(re.findall(r'"(reflex___state____state[^"]*)":\{', frame))
    return sorted(n.rsplit(".", 1)[-1] for n in names)


def socket_figures(app_base: str, inbox_token: str, bare_base: str) -> None:
    path = f"/widget/{inbox_token}"
    storage = {f"{WIDGET}.visitor_token_rx_state_": "bench-visitor-token-0123456789"}
    loaded = '"loaded_rx_state_":true'
    frames = asyncio.run(_socket_frames(app_base, path, {"inbox_token": inbox_token}, storage, loaded))
    bare = asyncio.run(_socket_frames(bare_base, "/", {}, {}, None))
    size = lambda f: len(f.encode())  # noqa: E731
    print("websocket, raw client opening the widget (every value sent, no compiled-state hashes)")
    print(f"  first frame (hydrate)       {size(frames[0]) / 1000:.1f} KB")
    print(f"  until loaded (on_load)      {sum(map(size, frames)) / 1000:.1f} KB in {len(frames)} frames")
    print(f"  states named                {', '.join(_states_named(frames))}")
    print(f"  floor: bare page's hydrate  {size(bare[0]) / 1000:.1f} KB")


def _script_bytes(browser, url: str) -> tuple[int, int]:
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sizes = []
    page.on(
        "requestfinished",
        lambda r: (
            sizes.append(r.sizes()["responseBodySize"] + r.sizes()["responseHeadersSize"])
            if r.resource_type == "script"
            else None
        ),
    )
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    return len(sizes), sum(sizes)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _host_site(directory: Path):
    """The customer's website: another origin (port) than the app's."""
    handler = lambda *a, **kw: _QuietHandler(*a, directory=str(directory), **kw)  # noqa: E731
    server = http.server.ThreadingHTTPServer(("127.0.0.1", _free_port()), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def _poll(target, expression: str, timeout: float = 20) -> float:
    deadline = time.monotonic() + timeout
    while (value := target.evaluate(expression)) is None:
        if time.monotonic() > deadline:
            raise TimeoutError(expression)
        time.sleep(0.02)
    return value


def _open_widget(browser, host_url: str, message: str) -> tuple[float, float, float]:
    """Cold cache: click the launcher; (ms to ready, ms to the iframe's load, ms Enter -> shown)."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(TIMING_SCRIPT)
    page = context.new_page()
    page.goto(host_url)
    page.locator("#kiko-launcher").click()
    inserted = _poll(page, "window.__insertedAt ?? null")
    frame = page.locator("#kiko-chat").element_handle().content_frame()
    ready = _poll(frame, "window.__readyAt ?? null")
    loaded = _poll(page, "window.__loadedAt ?? null")
    composer = frame.locator("#widget-composer")
    composer.fill(message)
    frame.evaluate(
        """(text) => { const now = () => performance.timeOrigin + performance.now();
           window.__sentAt = now();
           const seen = () => [...document.querySelectorAll('.widget-message')].some(m => m.textContent.includes(text));
           const check = () => seen() ? (window.__shownAt = now()) : requestAnimationFrame(check);
           check(); }""",
        message,
    )
    composer.press("Enter")
    shown = _poll(frame, "window.__shownAt ?? null") - frame.evaluate("window.__sentAt")
    context.close()
    return ready - inserted, loaded - inserted, shown


def _bare_frame_load(browser, host_url: str) -> float:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(TIMING_SCRIPT)
    page = context.new_page()
    page.goto(host_url)
    page.locator("#open").click()
    loaded = _poll(page, "window.__loadedAt ?? null") - page.evaluate("window.__insertedAt")
    context.close()
    return loaded


def browser_figures(app_base: str, inbox_token: str, bare_base: str, runs: int) -> None:
    site = Path(tempfile.mkdtemp(prefix="kiko-host-"))
    (site / "shop.html").write_text(
        "<!doctype html><html><body><h1>Shop</h1>"
        '<script>window.kikoSettings = {locale: "en"};</script>'
        f"{embed_snippet(inbox_token, app_base)}</body></html>"
    )
    (site / "bare.html").write_text(
        '<!doctype html><html><body><button id="open">open</button><script>'
        'document.getElementById("open").onclick = () => { const f = document.createElement("iframe");'
        f' f.src = "{bare_base}/"; document.body.appendChild(f); }};</script></body></html>'
    )
    server = _host_site(site)
    host = f"http://127.0.0.1:{server.server_address[1]}"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        widget_count, widget_bytes = _script_bytes(browser, f"{app_base}/widget/{inbox_token}")
        bare_count, bare_bytes = _script_bytes(browser, f"{bare_base}/")
        print("scripts, chromium with a cold cache, as transferred")
        print(f"  /widget/<token>             {widget_bytes / 1024:.1f} KiB in {widget_count} scripts")
        print(f"  floor: bare page            {bare_bytes / 1024:.1f} KiB in {bare_count} scripts")
        samples = [_open_widget(browser, f"{host}/shop.html", f"bench hello {i}") for i in range(runs)]
        bare = [_bare_frame_load(browser, f"{host}/bare.html") for _ in range(runs)]
        browser.close()
    server.shutdown()
    median = lambda values: f"{statistics.median(values):.0f} ms (min {min(values):.0f}, max {max(values):.0f})"  # noqa: E731
    print(f"time, embed script on another origin, cold cache, median of {runs}")
    print(f"  iframe inserted -> composer ready (state loaded)  {median([s[0] for s in samples])}")
    print(f"  iframe inserted -> iframe load event              {median([s[1] for s in samples])}")
    print(f"  Enter -> own message on screen                    {median([s[2] for s in samples])}")
    print(f"  floor: bare page, iframe inserted -> load event   {median(bare)}")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="kiko-bench-"))
    with bare_app(workdir / "bare_app") as bare_base, running_app(workdir, f"sqlite:///{workdir / 'kiko.db'}") as app:
        token = app["demo"]["web_inbox_token"]
        socket_figures(app["base"], token, bare_base)
        browser_figures(app["base"], token, bare_base, args.runs)


if __name__ == "__main__":
    main()
