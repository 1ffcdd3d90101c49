"""A real HTTP endpoint for tests that need one (a bot's webhook)."""

import http.server
import json
import socket
import threading
import time


class Receiver:
    """A real HTTP endpoint standing in for the bot; answers with the next queued status.

    `hold_seconds` keeps every request waiting that long before answering (a slow bot; a long
    hold is a bot that hangs until the sender gives up, released early by `stop`); `answer` is
    the body of each answer. It notes when each call arrived and how many were open at once."""

    def __init__(self, *, hold_seconds: float = 0.0, answer: bytes = b"", host: str = "127.0.0.1"):
        self.calls, self.statuses, self.arrivals = [], [], []
        self.host = host
        self.open_now = self.most_open = 0
        self._lock = threading.Lock()
        self._released = threading.Event()
        receiver = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"])).decode()
                with receiver._lock:
                    receiver.arrivals.append(time.time())
                    receiver.calls.append((dict(self.headers), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.open_now += 1
                    receiver.most_open = max(receiver.most_open, receiver.open_now)
                try:
                    if hold_seconds:
                        receiver._released.wait(hold_seconds)
                    self.send_response(status)
                    self.send_header("Content-Length", str(len(answer)))
                    self.end_headers()
                    self.wfile.write(answer)
                except OSError:  # the sender gave up waiting and closed the connection
                    pass
                finally:
                    with receiver._lock:
                        receiver.open_now -= 1

            def log_message(self, *args):
                pass

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self):
        return f"http://{self.host}:{self.port}/hook"

    def events(self):
        return [json.loads(body)["event"] for _, body in self.calls]

    def delivery_ids(self) -> list[int]:
        """The X-Kiko-Delivery header of each call, in arrival order."""
        return [int(headers["X-Kiko-Delivery"]) for headers, _ in self.calls]

    def stop(self):
        self._released.set()
        self.server.shutdown()
        self.server.server_close()
