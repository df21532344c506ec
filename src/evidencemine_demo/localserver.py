"""A small threaded HTTP server on 127.0.0.1 for the offline demo, tests and benchmarks.

It serves whatever a *handler* returns. A handler receives a :class:`Request` and returns a
:class:`Reply` (or ``None`` for 404). Replies can be delayed, cut short or streamed slowly, so
tests can reproduce misbehaving servers over real HTTP::

    with LocalServer(handler) as server:
        requests.get(server.url("/programme/x"))

Only loopback addresses are ever bound.
"""

from __future__ import annotations

import hashlib
import logging
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    at: float

    def form(self) -> dict[str, list[str]]:
        """Query parameters merged with a urlencoded body (as E-utilities POSTs send)."""
        merged = dict(self.query)
        if self.body:
            for key, values in parse_qs(self.body.decode("utf-8", "replace")).items():
                merged.setdefault(key, []).extend(values)
        return merged


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay_s: float = 0.0  # wait before answering
    declared_length: int | None = None  # lie about Content-Length (truncated bodies)
    stall_after_headers_s: float = 0.0  # send headers, then stall


Handler = Callable[[Request], "Reply | None"]


class _QuietServer(ThreadingHTTPServer):
    """Clients that hang up early (timeouts, size caps: the faults under test) are logged at
    debug level instead of a traceback on stderr; other handler errors still print."""

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            log.debug("client %s went away: %s", client_address, error)
            return
        super().handle_error(request, client_address)


class LocalServer:
    """Serve ``handler`` on 127.0.0.1 in a background thread; records every request."""

    def __init__(self, handler: Handler, *, host: str = "127.0.0.1", port: int = 0) -> None:
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("LocalServer binds loopback addresses only")
        self.handler = handler
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer((host, port), self._make_handler_class())
        self._httpd.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def start(self) -> LocalServer:
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> LocalServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests_to(self, prefix: str) -> list[Request]:
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _make_handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, format: str, *args: object) -> None:
                return

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                request = Request(
                    method=self.command,
                    path=parts.path,
                    query=parse_qs(parts.query),
                    headers={k.lower(): v for k, v in self.headers.items()},
                    body=body,
                    at=time.monotonic(),
                )
                server._record(request)
                reply = server.handler(request) or Reply(404, b"not found", "text/plain")
                try:
                    self._send(reply)
                except (TimeoutError, BrokenPipeError, ConnectionResetError):
                    return

            def _send(self, reply: Reply) -> None:
                if reply.delay_s:
                    time.sleep(reply.delay_s)
                self.send_response(reply.status)
                self.send_header("Content-Type", reply.content_type)
                length = reply.declared_length
                self.send_header(
                    "Content-Length", str(len(reply.body) if length is None else length)
                )
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.declared_length is not None:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                self.end_headers()
                if reply.stall_after_headers_s:
                    self.wfile.flush()
                    time.sleep(reply.stall_after_headers_s)
                if self.command != "HEAD":
                    self.wfile.write(reply.body)
                self.wfile.flush()

            do_GET = do_POST = do_HEAD = _serve

        return _Handler


_MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".htm": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".json": "application/json",
    ".pdf": "application/pdf",
}


def directory_handler(root: Path | str, *, index: str = "index.html") -> Handler:
    """A handler serving files below ``root``.

    ``/a/b`` tries ``a/b``, ``a/b.html`` and ``a/b/index.html``; answers carry an ETag and
    ``If-None-Match`` gets a 304."""
    base = Path(root).resolve()

    def handle(request: Request) -> Reply | None:
        rel = request.path.lstrip("/")
        for candidate in (rel, rel + ".html", f"{rel}/{index}".lstrip("/")):
            path = (base / candidate).resolve()
            if path.is_file() and base in path.parents:
                media = _MEDIA_TYPES.get(path.suffix.lower(), "application/octet-stream")
                body = path.read_bytes()
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                if request.headers.get("if-none-match") == etag:
                    return Reply(304, b"", media, headers={"ETag": etag})
                return Reply(200, body, media, headers={"ETag": etag})
        return None

    return handle
