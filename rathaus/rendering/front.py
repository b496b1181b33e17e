"""The rendered pages answered in front of Django, inside each web process.

``RenderedPages`` wraps the WSGI application: a GET or HEAD without a query string for an
address that has a rendered page gets that page's stored bytes and headers at once, with
no middleware, view or query; everything else goes to Django. Measured on 2 cores
(bench.newsroom_load), this answers at the rate of nginx serving the same bytes from a
file, where granian's own static file serving reached a quarter of it.

Each process keeps the index of pages (addresses, headers) and the most asked bodies
(up to ``RENDERED_MEMORY_BYTES``) and looks for changes every ``RENDERED_REFRESH_SECONDS``
(``following``), so a publication reaches it within about a second after its rendering.
If the database cannot be read, the process keeps answering with what it has: the
newsroom stays up while the rest cannot.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http.request import split_domain_port, validate_host

from rathaus.rendering import following

log = logging.getLogger(__name__)

Wsgi = Callable[[dict, Callable], Iterable[bytes]]
STATUS = {200: "200 OK", 304: "304 Not Modified"}
# Headers a 304 repeats (RFC 9110 15.4.5); the rest belong to the body it did not send.
NOT_MODIFIED_KEEPS = {"cache-control", "content-location", "date", "etag", "expires", "vary"}


class RenderedPages:
    def __init__(self, app: Wsgi) -> None:
        self.app = app
        self.index: dict[str, following.Entry] = {}
        # By row and version: a row keeps its id when its page is rendered again.
        self.bodies: OrderedDict[tuple, bytes] = OrderedDict()
        self.body_bytes = 0
        self.follower = following.Follower()
        self.next_look = 0.0
        self.lock = threading.Lock()
        # The bodies' order and total change under granian's threads at once.
        self.body_lock = threading.Lock()
        self.hosts: dict[str, bool] = {}

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        if (
            environ.get("REQUEST_METHOD") in ("GET", "HEAD")
            and not environ.get("QUERY_STRING")
            and self._allowed(environ)
        ):
            if time.monotonic() >= self.next_look:
                self._look()
            path = environ.get("PATH_INFO", "").encode("latin-1").decode("utf-8", "replace")
            entry = self.index.get(path)
            if entry is not None:
                body = self._body(entry)
                if body is not None:
                    return self._answer(environ, start_response, entry, body)
        return self.app(environ, start_response)

    def _allowed(self, environ: dict) -> bool:
        """What Django would refuse or redirect goes to Django: a host it does not serve,
        plain http where it sends readers to https."""
        if settings.SECURE_SSL_REDIRECT and not _secure(environ):
            return False
        host = environ.get("HTTP_HOST", "")
        known = self.hosts.get(host)
        if known is None:
            domain, _port = split_domain_port(host)
            known = bool(domain) and validate_host(domain, settings.ALLOWED_HOSTS)
            if len(self.hosts) < 1000:  # made-up hosts must not grow the memo
                self.hosts[host] = known
        return known

    def _answer(self, environ, start_response, entry, body: bytes) -> Iterable[bytes]:
        asked = [tag.strip() for tag in environ.get("HTTP_IF_NONE_MATCH", "").split(",")]
        if entry.etag and (entry.etag in asked or "*" in asked):
            kept = [pair for pair in entry.headers if pair[0].lower() in NOT_MODIFIED_KEEPS]
            start_response(STATUS[304], kept)
            return [b""]
        start_response(STATUS[200], list(entry.headers))
        return [b""] if environ["REQUEST_METHOD"] == "HEAD" else [body]

    def _look(self) -> None:
        if not self.lock.acquire(blocking=False):
            return  # another thread is looking; answer with what is known
        try:
            self.next_look = time.monotonic() + settings.RENDERED_REFRESH_SECONDS
            for entry in self.follower.changes():
                known = self.index.get(entry.path)
                if known is not None and known.changed_at == entry.changed_at:
                    continue
                if known is not None:
                    self._forget((known.pk, known.changed_at))
                if entry.gone:
                    self.index.pop(entry.path, None)
                else:
                    self.index[entry.path] = entry
        except Exception:  # the database is away: keep answering with what is known
            log.exception("rendered pages: could not look for changes")
        finally:
            self.lock.release()

    def _body(self, entry: following.Entry) -> bytes | None:
        key = (entry.pk, entry.changed_at)
        with self.body_lock:
            body = self.bodies.get(key)
            if body is not None:
                self.bodies.move_to_end(key)
                return body
        try:
            body = following.body(entry)
        except Exception:
            log.exception("rendered pages: could not read %s", entry.path)
            return None
        if body is None:
            return None
        with self.body_lock:
            if key not in self.bodies:
                self.bodies[key] = body
                self.body_bytes += len(body)
            while self.body_bytes > settings.RENDERED_MEMORY_BYTES and len(self.bodies) > 1:
                _pk, dropped = self.bodies.popitem(last=False)
                self.body_bytes -= len(dropped)
        return body

    def _forget(self, key: tuple) -> None:
        with self.body_lock:
            dropped = self.bodies.pop(key, None)
            if dropped is not None:
                self.body_bytes -= len(dropped)


def _secure(environ: dict) -> bool:
    if environ.get("wsgi.url_scheme") == "https":
        return True
    header = settings.SECURE_PROXY_SSL_HEADER
    return bool(header) and environ.get(header[0], "").split(",")[0].strip() == header[1]
