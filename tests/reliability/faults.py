"""Real faults for the reliability tests: a database that goes away, and a Twilio API that holds a
request while a worker is killed.

- ``TcpProxy`` sits between the helpline and PostgreSQL; ``down()`` cuts every connection and
  refuses new ones (as a crashed or partitioned database server would), ``up()`` restores it.
- ``sqlite_unavailable`` takes the SQLite file away (as an unmounted or broken disk would): a
  directory stands where the file was, so nothing can open it, and the file comes back after.
- ``HoldingProxy`` sits in front of the Twilio mock and, on the next create-message request,
  holds it either before forwarding (Twilio never got it) or after Twilio accepted it (the
  worker never hears back), so the test can kill the worker at exactly that moment.
"""

from __future__ import annotations

import os
import select
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from ..twilio_mock import answer_json, forward_request


class TcpProxy:
    """A loopback TCP forwarder that can drop everything on demand."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.available = True
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()
        self._closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self._closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.available:
                client.close()  # refused, as a server that is down would
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            with self._lock:
                self._open.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()

    def _pipe(self, a: socket.socket, b: socket.socket) -> None:
        try:
            while True:
                readable, _, _ = select.select([a, b], [], [], 1.0)
                for sock in readable:
                    data = sock.recv(65536)
                    if not data:
                        return
                    (b if sock is a else a).sendall(data)
        except (OSError, ValueError):  # ValueError: down() closed a socket under select()
            return
        finally:
            for sock in (a, b):
                with self._lock:
                    self._open.discard(sock)
                try:
                    sock.close()
                except OSError:
                    pass

    def down(self) -> None:
        self.available = False
        with self._lock:
            sockets, self._open = list(self._open), set()
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def up(self) -> None:
        self.available = True

    def close(self) -> None:
        self._closed = True
        self.down()
        self.listener.close()


@contextmanager
def sqlite_unavailable(database: Path, store) -> Iterator[None]:
    """The SQLite file is gone for the duration; every pooled connection is dropped first."""
    store.dispose()
    moved = []
    for suffix in ("", "-wal", "-shm"):
        path = Path(f"{database}{suffix}")
        if path.exists():
            path.rename(f"{path}.away")
            moved.append(path)
    database.mkdir()
    try:
        yield
    finally:
        store.dispose()
        database.rmdir()
        for path in moved:
            Path(f"{path}.away").rename(path)


class HoldingProxy:
    """In front of the Twilio mock: forwards everything, but holds one create-message request.

    ``hold("before")``: the next create is held and never forwarded. ``hold("after")``: it is
    forwarded (Twilio accepts the message) and its answer is held. ``reached`` is set when
    the hold begins; ``release()`` lets go (answering 503 to a request held before).
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.mode: str | None = None
        self.reached = threading.Event()
        self._release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                proxy._handle(self, "GET")

            def do_POST(self) -> None:
                proxy._handle(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def hold(self, mode: str) -> None:
        assert mode in ("before", "after")
        self.reached.clear()
        self._release.clear()
        self.mode = mode

    def release(self) -> None:
        self.mode = None
        self._release.set()

    def close(self) -> None:
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else b""
        creating = method == "POST" and handler.path.split("?")[0].endswith("/Messages.json")
        mode = self.mode if creating else None
        if mode == "before":
            self.mode = None
            self.reached.set()
            self._release.wait(60)
            self._answer(handler, 503, b'{"message": "held", "status": 503}')
            return
        status, payload = self._forward(handler, method, body)
        if mode == "after":
            self.mode = None
            self.reached.set()
            self._release.wait(60)
        self._answer(handler, status, payload)

    def _forward(self, handler, method: str, body: bytes) -> tuple[int, bytes]:
        return forward_request(self.upstream, handler, method, body)

    @staticmethod
    def _answer(handler, status: int, payload: bytes) -> None:
        try:
            answer_json(handler, status, payload)
        except OSError:
            pass  # the worker was killed while we held its request


def venv_bin(name: str) -> str:
    """A command of this checkout's virtual environment."""
    repo = Path(__file__).resolve().parents[2]
    path = repo / ".venv" / "bin" / name
    return str(path) if path.exists() else name


def environment(**settings: str) -> dict[str, str]:
    """The process environment for a helpline subprocess: ours, less stray helpline settings."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("HELPLINE_", "TWILIO_", "DATABASE_URL"))}
    env.update(settings)
    return env
