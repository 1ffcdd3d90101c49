"""A minimal Socket.IO client speaking to a Reflex app the way its browser page does (Engine.IO 4
over a websocket, namespace /_event), so a benchmark can hold thousands of "tabs" in one process."""

import asyncio
import json
import time
import uuid
from collections.abc import Callable

import websockets

ROOT = "reflex___state____state"
APP = f"{ROOT}.kiko_livechat___state___i18n____app_state"
WIDGET = f"{ROOT}.kiko_livechat___state___widget____widget_state"
SESSION = f"{APP}.kiko_livechat___state___session____session_state"
CONVERSATION = f"{SESSION}.kiko_livechat___state___conversation____conversation_state"
# Every dashboard page starts it on mount: the tab's alert listener (sound, count).
ALERTS = f"{SESSION}.kiko_livechat___state___alerts____alert_state"


class ReflexSocket:
    """One tab: connects with its page's route, sends events, hands every received frame to `on_frame`."""

    def __init__(
        self, base: str, path: str, query: dict, local_storage: dict | None = None, session: str | None = None
    ) -> None:
        self.ws_url = base.replace("http", "ws", 1) + f"/_event/?token={uuid.uuid4()}&EIO=4&transport=websocket"
        self.router = {"pathname": path, "asPath": path, "query": query}
        self.local_storage = local_storage or {}
        # A dashboard tab's session is its HttpOnly cookie, sent with the websocket's handshake.
        self.headers = {"Cookie": f"kiko_session={session}"} if session else {}
        self.on_frame: Callable[[str, float], None] = lambda frame, at: None
        self.hydrated = asyncio.Event()
        self._ws = None
        self._reader: asyncio.Task | None = None

    async def connect(self) -> None:
        self._ws = await websockets.connect(
            self.ws_url, max_size=None, ping_interval=None, compression=None, additional_headers=self.headers
        )
        await self._ws.recv()  # Engine.IO open
        boot = {"event": {"name": f"{ROOT}.hydrate_and_load", "payload": {"vars": self.local_storage},
                          "router_data": self.router}}  # fmt: skip
        await self._ws.send("40/_event," + json.dumps(boot))
        self._reader = asyncio.create_task(self._read())

    async def emit(self, handler: str, payload: dict) -> None:
        event = {"name": handler, "payload": payload, "router_data": self.router}
        await self._ws.send("42/_event," + json.dumps(["event", event]))

    async def _read(self) -> None:
        try:
            async for frame in self._ws:
                if frame == "2":  # Engine.IO ping
                    await self._ws.send("3")
                    continue
                now = time.perf_counter()
                if '"is_hydrated_rx_state_":true' in frame:
                    self.hydrated.set()
                self.on_frame(frame, now)
        except websockets.ConnectionClosed:
            pass

    async def close(self) -> None:
        if self._reader:
            self._reader.cancel()
        if self._ws:
            await self._ws.close()
