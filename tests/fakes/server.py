"""A local fake of a platform's HTTP API, on loopback, for the connector tests and the
benchmark. Each platform's fake (``tests/fakes/<platform>.py``) subclasses
:class:`FakeServer` and adds routes that answer in the platform's documented shapes; the
real client library talks to it over HTTP, so nothing of our own code is mocked.

Failures are scripted at the network edge:

- ``fail_next(status, headers=..., body=...)`` answers the next matching request with an
  error instead of handling it (429 with Retry-After, 503, 401, 400 ...);
- ``drop_after_handling_next()`` handles the next request (the post is created!) and then
  closes the connection without an answer: the "timeout after send" a retry must not
  turn into a second post;
- ``failure_rate`` makes that share of requests fail with 503 (for the benchmark), and
  ``drop_rate`` that share of non-GET requests be handled and then dropped unanswered.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit


def serve_in_thread(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    """``handler`` on a free loopback port, answered by daemon threads (every fake server
    of the tests starts so)."""
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    # A short poll interval: stop() waits for one poll, and tests stop many servers.
    threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    ).start()
    return httpd


def stop_serving(httpd: ThreadingHTTPServer | None) -> None:
    if httpd is not None:
        httpd.shutdown()
        httpd.server_close()


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    params: dict[str, str] = field(default_factory=dict)  # from the route's named groups

    def json(self) -> Any:
        return json.loads(self.body or b"null")

    def form(self) -> dict[str, list[str]]:
        return parse_qs(self.body.decode())

    def arg(self, name: str, default: str = "") -> str:
        """A value from the query string or a urlencoded body."""
        values = self.query.get(name) or (
            self.form().get(name) if b"=" in self.body[:2000] else None
        )
        return values[0] if values else default

    def multipart(self) -> dict[str, tuple[bytes, str]]:
        """A multipart/form-data body: field name → (content, file name)."""
        from email.parser import BytesParser
        from email.policy import HTTP

        head = f"Content-Type: {self.headers.get('content-type', '')}\r\n\r\n".encode()
        message = BytesParser(policy=HTTP).parsebytes(head + self.body)
        found = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            found[name] = (part.get_payload(decode=True) or b"", part.get_filename() or "")
        return found

    @property
    def bearer(self) -> str:
        value = self.headers.get("authorization", "")
        return value[7:] if value.lower().startswith("bearer ") else ""


@dataclass
class Response:
    status: int = 200
    body: Any = None  # dict/list → JSON; bytes/str as they are
    headers: dict[str, str] = field(default_factory=dict)


Handler = Callable[[Request], Response]


@dataclass
class _Failure:
    status: int
    headers: dict[str, str]
    body: Any
    path: str | None


class FakeServer:
    """Routes, a request log, scripted failures; ``start()`` serves on 127.0.0.1:<free>."""

    def __init__(self) -> None:
        self.routes: list[tuple[str, re.Pattern, Handler]] = []
        self.requests: list[Request] = []
        self.failures: list[_Failure] = []
        self.drops = 0
        self.failure_rate = 0.0
        self.drop_rate = 0.0
        self.injected = {"failed": 0, "dropped": 0}  # what the rates above did, for the bench
        self.lock = threading.Lock()
        self.random = random.Random(5)
        self._httpd: ThreadingHTTPServer | None = None

    # ----- set-up ---------------------------------------------------------------------

    def route(self, method: str, pattern: str) -> Callable[[Handler], Handler]:
        def decorate(handler: Handler) -> Handler:
            self.routes.append((method, re.compile(f"^{pattern}$"), handler))
            return handler

        return decorate

    def fail_next(
        self,
        status: int,
        *,
        headers: dict[str, str] | None = None,
        body: Any = None,
        path: str | None = None,
        times: int = 1,
    ) -> None:
        """The next ``times`` requests (to ``path`` only, if given) fail with ``status``."""
        with self.lock:
            for _ in range(times):
                self.failures.append(_Failure(status, headers or {}, body, path))

    def drop_after_handling_next(self) -> None:
        with self.lock:
            self.drops += 1

    # ----- running --------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._httpd is not None, "start() the server first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> FakeServer:
        server = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                server._serve(self)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = _serve

        self._httpd = serve_in_thread(_Handler)
        return self

    def stop(self) -> None:
        stop_serving(self._httpd)

    def __enter__(self) -> FakeServer:
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    # ----- one request ----------------------------------------------------------------

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        request = Request(
            method=handler.command,
            path=parts.path,
            query=parse_qs(parts.query),
            headers={k.lower(): v for k, v in handler.headers.items()},
            body=handler.rfile.read(length) if length else b"",
        )
        with self.lock:
            self.requests.append(request)
        failure = self._take_failure(request)
        if failure is not None:
            self._write(handler, Response(failure.status, failure.body, failure.headers))
            return
        response = self._dispatch(request)
        with self.lock:
            drop = self.drops > 0 and request.method != "GET"
            self.drops -= 1 if drop else 0
            if request.method != "GET" and self.drop_rate and not drop:
                drop = self.random.random() < self.drop_rate
                self.injected["dropped"] += drop
        if drop:
            handler.close_connection = True
            handler.connection.close()  # handled, but the client never hears of it
            return
        self._write(handler, response)

    def _take_failure(self, request: Request) -> _Failure | None:
        with self.lock:
            for failure in self.failures:
                if failure.path is None or re.search(failure.path, request.path):
                    self.failures.remove(failure)
                    return failure
            if self.failure_rate and self.random.random() < self.failure_rate:
                self.injected["failed"] += 1
                return _Failure(503, {"Retry-After": "0"}, {"error": "try again"}, None)
        return None

    def _dispatch(self, request: Request) -> Response:
        for method, pattern, handler in self.routes:
            match = pattern.match(request.path)
            if match and method == request.method:
                request.params = match.groupdict()
                try:
                    return handler(request)
                except Exception as error:  # a bug in the fake: say so loudly
                    return Response(500, {"error": f"fake server: {error!r}"})
        return Response(404, {"error": f"no route {request.method} {request.path}"})

    @staticmethod
    def _write(handler: BaseHTTPRequestHandler, response: Response) -> None:
        body = response.body
        headers = dict(response.headers)
        if isinstance(body, dict | list):
            body = json.dumps(body).encode()
            headers.setdefault("Content-Type", "application/json; charset=utf-8")
        elif isinstance(body, str):
            body = body.encode()
        elif body is None:
            body = b""
        handler.send_response(response.status)
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    # ----- for assertions ---------------------------------------------------------------

    def calls(self, method: str, path_pattern: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and re.search(path_pattern, r.path)]


def serving(kind: type[FakeServer]) -> Callable[[], Any]:
    """A pytest fixture that runs a fake of ``kind`` for one test:
    ``fake = serving(FakeMastodon)`` in a test module."""
    import pytest

    @pytest.fixture
    def serve(settings) -> Any:
        # The fake runs on loopback, which the connectors' clients refuse to connect to
        # unless the operator allowed it (lib.netguard).
        allowed = list(getattr(settings, "FEDERATION_PRIVATE_HOSTS", []))
        settings.FEDERATION_PRIVATE_HOSTS = [*allowed, "127.0.0.1"]
        with kind() as server:
            yield server

    return serve
