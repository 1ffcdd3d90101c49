"""Issue 14: a visitor's websocket carries the widget's state only. Reflex's hydrate used to send
every state of the app (the dashboard's too, 40 KB of defaults and the whole catalog) to any
tab; now nothing a visitor's socket receives names a dashboard state or field, and its first
frame stays small.

The real app runs (`reflex run --env prod --backend-only`, its own SQLite file); a visitor and an
agent are raw Socket.IO clients (bench/reflex_socket.py), as their browsers would be.
"""

import asyncio
import contextlib
import json
import os
import socket
import subprocess
import time
import urllib.request

import pytest
import reflex as rx
from reflex.state import State
from sqlmodel import Session, select

from bench.reflex_socket import CONVERSATION, SESSION, WIDGET, ReflexSocket
from kiko_livechat.models import Conversation, Role
from kiko_livechat.settings import PROJECT_ROOT
from tests import databases, factories
from tests.e2e.conftest import stop_app

FIRST_FRAME_LIMIT = 8_000  # bytes
FIELD_MARKER = "_rx_state_"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    """The app's backend on a free port, with an account, an agent and a web inbox."""
    workdir = tmp_path_factory.mktemp("visitor_socket")
    url = f"sqlite:///{workdir / 'kiko.db'}"
    engine = databases.migrated_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        acc = factories.active_account(db)
        agent = factories.user(db, acc.id, role=Role.ADMINISTRATOR)
        inbox = factories.inbox(db, acc.id, agent_ids=(agent.id,))
        session_token = factories.login(db, agent).token
    port = _free_port()
    tools = f"{PROJECT_ROOT / '.tools/node_modules/.bin'}:{PROJECT_ROOT / '.venv/bin'}"
    env = {**os.environ, "KIKO_DATABASE_URL": url, "REFLEX_TELEMETRY_ENABLED": "false",
           "PATH": f"{tools}:{os.environ['PATH']}"}  # fmt: skip
    log = open(workdir / "app.log", "w")
    process = subprocess.Popen(
        ["reflex", "run", "--env", "prod", "--backend-only", "--backend-port", str(port)],
        cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            with contextlib.suppress(OSError), urllib.request.urlopen(f"{base}/api/health", timeout=2) as answer:
                if answer.status == 200:
                    break
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("the app did not start:\n" + (workdir / "app.log").read_text()[-3000:])
            time.sleep(0.3)
        yield {
            "base": base,
            "engine": engine,
            "inbox_token": inbox.public_token,
            "session": session_token,
            "agent_name": agent.name,
        }
    finally:
        stop_app(process)
        log.close()
        engine.dispose()


def _state_classes() -> list[type[rx.State]]:
    """Every state class of the app (the page modules import them all)."""
    import kiko_livechat.kiko_livechat  # noqa: F401

    found, todo = [], [State]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.get_substates())
    return found


def _sent_fields(cls) -> set[str]:
    """The vars of `cls` itself that a delta can carry (backend vars `_x` never leave the server)."""
    return set(cls.base_vars) | set(cls.computed_vars)


def _forbidden() -> tuple[set[str], set[str]]:
    """The names of the dashboard's states, and the fields only they have: every state of the app
    that is not on the visitor's side (WidgetState and below it, Reflex's root and internals)."""
    from kiko_livechat.state.widget import WidgetState

    classes = _state_classes()
    visitor_side = {WidgetState, *WidgetState.get_substates()}
    reflex_side = {cls for cls in classes if cls.__module__.startswith("reflex.")}
    dashboard = [cls for cls in classes if cls not in visitor_side | reflex_side]
    allowed_fields = set().union(*(_sent_fields(cls) for cls in visitor_side | reflex_side))
    fields = set().union(*(_sent_fields(cls) for cls in dashboard)) - allowed_fields
    return {cls.get_name() for cls in dashboard}, fields


def _payloads(frames: list[str]) -> list[dict]:
    """The Socket.IO events of the frames (`42/_event,["event", {...}]`)."""
    return [json.loads(f.split(",", 1)[1])[1] for f in frames if f.startswith("42/_event,")]


def _names_in(payload: dict) -> tuple[set[str], set[str]]:
    """The state names and the field names one event carries in its delta."""
    delta = payload.get("delta", {})
    states = {name.rsplit(".", 1)[-1] for name in delta}
    fields = {field.removesuffix(FIELD_MARKER) for values in delta.values() for field in values}
    return states, fields


def _visitor(backend) -> ReflexSocket:
    token = backend["inbox_token"]
    return ReflexSocket(
        backend["base"],
        f"/widget/{token}",
        {"inbox_token": token},
        {f"{WIDGET}.visitor_token_rx_state_": factories.visitor_token()},
    )


async def _until(frames: list[str], text: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in frame for frame in frames):
        if time.monotonic() > deadline:
            raise AssertionError(f"no frame with {text!r} in {timeout} s; last: {frames[-3:]}")
        await asyncio.sleep(0.05)


def test_the_forbidden_names_are_the_dashboards():
    """The list is derived, not typed in: it holds the dashboard's states and their fields, and
    nothing the widget itself sends (else the socket test would fail for the wrong reason)."""
    from kiko_livechat.state.alerts import AlertState
    from kiko_livechat.state.conversation import ConversationState
    from kiko_livechat.state.i18n import AppState
    from kiko_livechat.state.inbox import ConversationListState
    from kiko_livechat.state.operator import OperatorState
    from kiko_livechat.state.session import SessionState
    from kiko_livechat.state.widget import WidgetState

    states, fields = _forbidden()
    for cls in (AppState, SessionState, ConversationState, ConversationListState, AlertState, OperatorState):
        assert cls.get_name() in states
    assert len(states) >= 25 and len(fields) >= 80
    assert {"user_email", "rows", "alert_title", "operator_signed_in"} <= fields
    assert not fields & _sent_fields(WidgetState)


async def test_the_first_frame_carries_only_the_widgets_state(backend):
    visitor = _visitor(backend)
    frames: list[str] = []
    visitor.on_frame = lambda frame, at: frames.append(frame)
    await visitor.connect()
    await asyncio.wait_for(visitor.hydrated.wait(), 30)
    await _until(frames, '"loaded_rx_state_":true')
    await visitor.close()
    first = next(f for f in frames if f.startswith("42/_event,"))
    assert len(first.encode()) <= FIRST_FRAME_LIMIT
    states, _ = _names_in(_payloads([first])[0])
    app_states = {name for name in states if name.startswith("kiko_livechat")}
    assert app_states == {WIDGET.rsplit(".", 1)[-1]}
    assert '"widget.placeholder"' in first and '"login.title"' not in first  # its own texts only


async def test_nothing_a_visitor_receives_names_the_dashboard(backend):
    """A whole conversation: the visitor writes, an agent's tab types, takes it, answers and goes
    away; the visitor leaves an address and the page resyncs. No frame names a dashboard state
    or field, neither as a delta's key nor anywhere in its text."""
    visitor = _visitor(backend)
    heard: list[str] = []
    visitor.on_frame = lambda frame, at: heard.append(frame)
    await visitor.connect()
    await asyncio.wait_for(visitor.hydrated.wait(), 30)
    await _until(heard, '"loaded_rx_state_":true')
    await visitor.emit(f"{WIDGET}.typing", {"text": "Hal"})
    await visitor.emit(f"{WIDGET}.send", {"form_data": {"content": "Hallo, ich brauche Hilfe"}})
    await _until(heard, "Hallo, ich brauche Hilfe")
    with Session(backend["engine"]) as db:
        number = str(db.exec(select(Conversation.display_id).order_by(Conversation.id.desc())).first())

    agent = ReflexSocket(
        backend["base"], f"/app/conversations/{number}", {"conversation_number": number}, session=backend["session"]
    )
    agent_frames: list[str] = []
    agent.on_frame = lambda frame, at: agent_frames.append(frame)
    await agent.connect()
    await asyncio.wait_for(agent.hydrated.wait(), 30)
    await _until(agent_frames, "Hallo, ich brauche Hilfe")
    await agent.emit(f"{CONVERSATION}.typing", {"text": "Guten"})
    await _until(heard, f'"agent_typing_rx_state_":"{backend["agent_name"]}"')
    await agent.emit(f"{CONVERSATION}.assign_to_me", {})
    await agent.emit(f"{CONVERSATION}.send", {"form_data": {"content": "Guten Tag, wie kann ich helfen?"}})
    await _until(heard, "Guten Tag, wie kann ich helfen?")
    await agent.emit(f"{SESSION}.set_availability", {"availability": "offline"})
    await visitor.emit(f"{WIDGET}.leave_email", {"form_data": {"email": "erika@example.org"}})
    await _until(heard, '"email_left_rx_state_":true')
    await visitor.emit(f"{WIDGET}.resync", {})
    await asyncio.sleep(1)
    await agent.close()
    await visitor.close()

    states, fields = _forbidden()
    for frame, payload in zip(
        [f for f in heard if f.startswith("42/_event,")], _payloads(heard), strict=True
    ):  # fmt: skip
        sent_states, sent_fields = _names_in(payload)
        assert not sent_states & states, frame[:300]
        assert not sent_fields & fields, frame[:300]
        assert not [name for name in states if name in frame], frame[:300]
        assert not [field for field in fields if f'"{field}{FIELD_MARKER}"' in frame], frame[:300]
